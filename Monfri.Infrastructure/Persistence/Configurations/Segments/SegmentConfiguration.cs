using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Domain.Segments;

namespace Monfri.Infrastructure.Persistence.Configurations.Segments;

/// <summary>
/// Segment definitions. Their membership (<c>segment_members</c>), its history (<c>segment_membership_changes</c>) and
/// the queue of people to re-evaluate (<c>segment_dirty_people</c>) are written by hand-written SQL only and created
/// in the Segments migration, outside the model (membership is mapped read-only, below, for list filters).
/// </summary>
internal sealed class SegmentConfiguration : IEntityTypeConfiguration<Segment>
{
    public void Configure(EntityTypeBuilder<Segment> builder)
    {
        builder.ToTable("segments");
        builder.Ignore(s => s.DomainEvents);
        builder.Ignore(s => s.Condition);
        builder.Property(s => s.Name).HasMaxLength(Segment.MaxNameLength);
        builder.Property(s => s.Description).HasMaxLength(Segment.MaxDescriptionLength);
        builder.Property(s => s.Definition).HasColumnType("jsonb");
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(12);
        builder.Property(s => s.Version).IsRowVersion();
        builder.HasIndex(s => s.Name);
    }
}

/// <summary>
/// Membership, read by list filters; its table, indexes and writes belong to the Segments migration and the engine's
/// hand-written SQL, so EF neither creates nor changes it.
/// </summary>
internal sealed class SegmentMemberConfiguration : IEntityTypeConfiguration<SegmentMember>
{
    public void Configure(EntityTypeBuilder<SegmentMember> builder)
    {
        builder.ToTable("segment_members", t => t.ExcludeFromMigrations());
        builder.HasKey(m => new { m.SegmentId, m.PersonId });
    }
}
