using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Domain.Segments;

namespace Monfri.Infrastructure.Persistence.Configurations.Segments;

/// <summary>
/// Segment definitions. Their membership (<c>segment_members</c>), its history (<c>segment_membership_changes</c>) and
/// the queue of people to re-evaluate (<c>segment_dirty_people</c>) are written by hand-written SQL only and created
/// in the Segments migration, outside the model.
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
        builder.Property(s => s.Version).IsRowVersion();
        builder.HasIndex(s => s.Name);
    }
}
