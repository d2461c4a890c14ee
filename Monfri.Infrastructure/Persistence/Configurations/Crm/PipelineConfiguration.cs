using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Domain.Crm;

namespace Monfri.Infrastructure.Persistence.Configurations.Crm;

internal sealed class PipelineConfiguration : IEntityTypeConfiguration<Pipeline>
{
    public void Configure(EntityTypeBuilder<Pipeline> builder)
    {
        builder.ToTable("pipelines");
        builder.Ignore(p => p.DomainEvents);
        builder.Ignore(p => p.OpenStages);
        builder.Ignore(p => p.WonStage);
        builder.Ignore(p => p.LostStage);
        builder.Property(p => p.Name).HasMaxLength(100);
        builder.Property(p => p.Version).IsRowVersion();
        builder.HasMany(p => p.Stages).WithOne().HasForeignKey(s => s.PipelineId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(p => p.Stages).AutoInclude();
    }
}

internal sealed class PipelineStageConfiguration : IEntityTypeConfiguration<PipelineStage>
{
    public void Configure(EntityTypeBuilder<PipelineStage> builder)
    {
        builder.ToTable("pipeline_stages", t => t.HasCheckConstraint("ck_pipeline_stages_probability", "probability BETWEEN 0 AND 100"));
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.HasIndex(s => new { s.PipelineId, s.Order });
    }
}
