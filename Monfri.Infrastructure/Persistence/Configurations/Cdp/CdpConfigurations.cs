using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Domain.Cdp;
using Monfri.Domain.Crm;

namespace Monfri.Infrastructure.Persistence.Configurations.Cdp;

internal sealed class SourceConfiguration : IEntityTypeConfiguration<Source>
{
    public void Configure(EntityTypeBuilder<Source> builder)
    {
        builder.ToTable("cdp_sources");
        builder.Ignore(s => s.DomainEvents);
        builder.Property(s => s.Name).HasMaxLength(Source.MaxNameLength);
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.WriteKey).HasMaxLength(100);
        builder.HasIndex(s => s.WriteKey).IsUnique();
        builder.HasIndex(s => s.Name).IsUnique();
    }
}

internal sealed class ProfileIdentityConfiguration : IEntityTypeConfiguration<ProfileIdentity>
{
    public void Configure(EntityTypeBuilder<ProfileIdentity> builder)
    {
        builder.ToTable("cdp_identities");
        // Unique (type, value): one identifier, one live profile; concurrent creators collide here.
        builder.HasKey(i => new { i.Type, i.Value });
        builder.Property(i => i.Type).HasMaxLength(IdentityTypes.MaxTypeLength);
        builder.Property(i => i.Value).HasMaxLength(IdentityTypes.MaxValueLength);
        builder.HasIndex(i => new { i.PersonId, i.Type });
        builder.HasOne<Person>().WithMany().HasForeignKey(i => i.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProfileMergeConfiguration : IEntityTypeConfiguration<ProfileMerge>
{
    public void Configure(EntityTypeBuilder<ProfileMerge> builder)
    {
        builder.ToTable("cdp_profile_merges");
        builder.Property(m => m.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.IdentityType).HasMaxLength(IdentityTypes.MaxTypeLength);
        builder.Property(m => m.IdentityValue).HasMaxLength(IdentityTypes.MaxValueLength);
        builder.Property(m => m.MessageId).HasMaxLength(100);
        builder.Property(m => m.Reason).HasMaxLength(500);
        builder.Property(m => m.LoserSnapshot).HasColumnType("jsonb");
        // No foreign keys: the loser no longer exists after a merge, and the log must outlive both.
        builder.HasIndex(m => new { m.WinnerId, m.MergedAt });
        builder.HasIndex(m => new { m.LoserId, m.MergedAt });
    }
}

internal sealed class BlockedIdentifierConfiguration : IEntityTypeConfiguration<BlockedIdentifier>
{
    public void Configure(EntityTypeBuilder<BlockedIdentifier> builder)
    {
        builder.ToTable("cdp_blocked_identifiers");
        builder.HasKey(b => b.Value);
        builder.Property(b => b.Value).HasMaxLength(IdentityTypes.MaxValueLength);
    }
}
