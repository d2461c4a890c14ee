using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Identity;

namespace Monfri.Infrastructure.Persistence.Configurations.Crm;

internal sealed class DealConfiguration : IEntityTypeConfiguration<Deal>
{
    public void Configure(EntityTypeBuilder<Deal> builder)
    {
        builder.ToTable("deals", t => t.HasCheckConstraint("ck_deals_amount", "amount IS NULL OR amount >= 0"));
        builder.Ignore(d => d.DomainEvents);
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.Property(d => d.Amount).HasPrecision(18, 2);
        builder.Property(d => d.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(d => d.LostReason).HasMaxLength(500);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(10);
        builder.Property(d => d.CustomFields).HasJsonColumn();
        builder.Property(d => d.Version).IsRowVersion();
        builder.Property<string>(PersonConfiguration.SearchText).HasComputedColumnSql("lower(name)", stored: true);

        builder.HasIndex(d => new { d.PipelineId, d.StageId, d.Position });
        builder.HasIndex(d => new { d.CreatedAt, d.Id });
        builder.HasIndex(d => d.OwnerId);
        builder.HasIndex(d => d.CompanyId);
        builder.HasIndex(d => d.Status);
        builder.HasIndex(d => d.Tags).HasMethod("gin");
        builder.HasIndex(PersonConfiguration.SearchText).HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.HasIndex(d => d.CustomFields).HasMethod("gin").HasOperators("jsonb_path_ops");

        builder.HasOne<Pipeline>().WithMany().HasForeignKey(d => d.PipelineId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<PipelineStage>().WithMany().HasForeignKey(d => d.StageId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Company>().WithMany().HasForeignKey(d => d.CompanyId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(d => d.OwnerId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(d => d.Contacts).WithOne().HasForeignKey(c => c.DealId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(d => d.StageHistory).WithOne().HasForeignKey(c => c.DealId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DealContactConfiguration : IEntityTypeConfiguration<DealContact>
{
    public void Configure(EntityTypeBuilder<DealContact> builder)
    {
        builder.ToTable("deal_contacts");
        builder.HasKey(c => new { c.DealId, c.PersonId });
        builder.HasIndex(c => c.PersonId);
        builder.HasOne<Person>().WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DealStageChangeConfiguration : IEntityTypeConfiguration<DealStageChange>
{
    public void Configure(EntityTypeBuilder<DealStageChange> builder)
    {
        builder.ToTable("deal_stage_history");
        builder.HasIndex(c => new { c.DealId, c.ChangedAt });
        builder.HasIndex(c => new { c.ToStageId, c.ChangedAt });
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.ChangedById).OnDelete(DeleteBehavior.SetNull);
    }
}
