using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Identity;

namespace Monfri.Infrastructure.Persistence.Configurations.Crm;

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public const string SearchText = "SearchText";

    public void Configure(EntityTypeBuilder<Person> builder)
    {
        builder.ToTable("people");
        builder.Ignore(p => p.DomainEvents);
        builder.Ignore(p => p.DisplayName);
        builder.Property(p => p.FirstName).HasMaxLength(100);
        builder.Property(p => p.LastName).HasMaxLength(100);
        builder.Property(p => p.Email).HasMaxLength(254);
        builder.Property(p => p.Phone).HasMaxLength(50);
        builder.Property(p => p.JobTitle).HasMaxLength(150);
        builder.Property(p => p.LifecycleStage).HasMaxLength(50);
        builder.Property(p => p.LeadSource).HasMaxLength(100);
        builder.Property(p => p.CustomFields).HasJsonColumn();
        builder.Property(p => p.Version).IsRowVersion();
        builder.Property<string>(SearchText)
            .HasComputedColumnSql(
                "lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, ''))",
                stored: true);

        builder.HasIndex(p => p.Email).IsUnique().HasFilter("email IS NOT NULL");
        builder.HasIndex(p => p.OtherEmails).HasMethod("gin");
        builder.HasIndex(p => p.Tags).HasMethod("gin");
        builder.HasIndex(p => p.CompanyId);
        builder.HasIndex(p => new { p.OwnerId, p.CreatedAt });
        builder.HasIndex(p => new { p.IsContact, p.CreatedAt, p.Id });
        builder.HasIndex(p => new { p.IsContact, p.LastName, p.FirstName, p.Id });
        builder.HasIndex(p => p.LifecycleStage);
        // "Active now" on the visitor stream: the people seen in the last minutes, newest first, without reading them all.
        builder.HasIndex(p => p.LastSeenAt);
        builder.HasIndex(SearchText).HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.HasIndex(p => p.CustomFields).HasMethod("gin").HasOperators("jsonb_path_ops");

        builder.HasOne<Company>().WithMany().HasForeignKey(p => p.CompanyId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(p => p.OwnerId).OnDelete(DeleteBehavior.SetNull);
    }
}
