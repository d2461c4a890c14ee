using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Application.Common.Jobs;

namespace Monfri.Infrastructure.Persistence.Configurations.Scheduling;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.Property(j => j.Kind).HasMaxLength(Job.MaxKindLength);
        builder.Property(j => j.Payload).HasColumnType("jsonb");
        builder.Property(j => j.State).HasConversion<string>().HasMaxLength(10);
        builder.Property(j => j.LastError).HasMaxLength(Job.MaxErrorLength);
        builder.Property(j => j.LockedBy).HasMaxLength(200);
        builder.Property(j => j.UniqueKey).HasMaxLength(200);
        // The claim: due work by time. Finished jobs leave this index, so it stays as small as the backlog.
        builder.HasIndex(j => j.RunAt).HasFilter("state IN ('Queued', 'Failed', 'Running')").HasDatabaseName("ix_jobs_due");
        builder.HasIndex(j => j.UniqueKey).IsUnique();
        // The admin list (newest first) and the pruning of old finished jobs.
        builder.HasIndex(j => j.CreatedAt);
        builder.HasIndex(j => new { j.State, j.FinishedAt });
    }
}
