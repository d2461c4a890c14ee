using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Domain.Cdp;

namespace Monfri.Infrastructure.Persistence.Configurations.Cdp;

internal sealed class ComputedTraitConfiguration : IEntityTypeConfiguration<ComputedTrait>
{
    public void Configure(EntityTypeBuilder<ComputedTrait> builder)
    {
        builder.ToTable("cdp_computed_traits");
        builder.Ignore(t => t.DomainEvents);
        builder.Ignore(t => t.Definition);
        builder.Property(t => t.Key).HasMaxLength(ComputedTrait.MaxKeyLength);
        builder.HasIndex(t => t.Key).IsUnique();
        builder.Property(t => t.Name).HasMaxLength(ComputedTrait.MaxNameLength);
        // The ingest SQL compares the kind as text (ComputedTraitSql).
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.EventType).HasMaxLength(20);
        builder.Property(t => t.EventName).HasMaxLength(ComputedTrait.MaxEventNameLength);
        builder.Property(t => t.FilterPath).HasMaxLength(ComputedTrait.MaxPathLength);
        builder.Property(t => t.FilterValue).HasMaxLength(ComputedTrait.MaxFilterValueLength);
        builder.Property(t => t.PropertyPath).HasMaxLength(ComputedTrait.MaxPathLength);
        builder.Property(t => t.StatusReason).HasMaxLength(1000);
    }
}

/// <summary>Written by hand-written SQL at ingest (created in the ComputedTraits migration); read through EF for lists.</summary>
internal sealed class ComputedTraitValueConfiguration : IEntityTypeConfiguration<ComputedTraitValue>
{
    public void Configure(EntityTypeBuilder<ComputedTraitValue> builder)
    {
        builder.ToTable("cdp_trait_values", t => t.ExcludeFromMigrations());
        builder.HasKey(v => new { v.PersonId, v.TraitId });
        builder.Property(v => v.Value).HasColumnType("jsonb");
        builder.Property(v => v.Number).HasColumnName("number_value");
        builder.Property(v => v.Text).HasColumnName("text_value");
    }
}

internal sealed class ProfileStatsConfiguration : IEntityTypeConfiguration<ProfileStats>
{
    public void Configure(EntityTypeBuilder<ProfileStats> builder)
    {
        builder.ToTable("cdp_profile_stats", t => t.ExcludeFromMigrations());
        builder.HasKey(s => s.PersonId);
    }
}

internal sealed class ProfileIdentifyTraitsConfiguration : IEntityTypeConfiguration<ProfileIdentifyTraits>
{
    public void Configure(EntityTypeBuilder<ProfileIdentifyTraits> builder)
    {
        builder.ToTable("cdp_profile_traits", t => t.ExcludeFromMigrations());
        builder.HasKey(t => t.PersonId);
        builder.Property(t => t.Traits).HasColumnType("jsonb");
    }
}
