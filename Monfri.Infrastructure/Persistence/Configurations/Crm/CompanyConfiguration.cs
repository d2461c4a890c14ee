using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Identity;

namespace Monfri.Infrastructure.Persistence.Configurations.Crm;

internal sealed class CompanyConfiguration : IEntityTypeConfiguration<Company>
{
    public void Configure(EntityTypeBuilder<Company> builder)
    {
        builder.ToTable("companies");
        builder.Ignore(c => c.DomainEvents);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Domain).HasMaxLength(253);
        builder.Property(c => c.Industry).HasMaxLength(100);
        builder.Property(c => c.Size).HasMaxLength(50);
        builder.Property(c => c.CustomFields).HasJsonColumn();
        builder.Property(c => c.Version).IsRowVersion();
        builder.Property<string>(PersonConfiguration.SearchText)
            .HasComputedColumnSql("lower(name || ' ' || coalesce(domain, ''))", stored: true);

        builder.HasIndex(c => c.Domain).IsUnique().HasFilter("domain IS NOT NULL");
        builder.HasIndex(c => new { c.Name, c.Id });
        builder.HasIndex(c => new { c.CreatedAt, c.Id });
        builder.HasIndex(c => c.OwnerId);
        builder.HasIndex(c => c.Tags).HasMethod("gin");
        builder.HasIndex(PersonConfiguration.SearchText).HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.HasIndex(c => c.CustomFields).HasMethod("gin").HasOperators("jsonb_path_ops");
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.SetNull);
    }
}
