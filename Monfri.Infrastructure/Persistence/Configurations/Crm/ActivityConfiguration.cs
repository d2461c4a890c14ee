using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Identity;

namespace Monfri.Infrastructure.Persistence.Configurations.Crm;

internal sealed class ActivityConfiguration : IEntityTypeConfiguration<Activity>
{
    public void Configure(EntityTypeBuilder<Activity> builder)
    {
        builder.ToTable("activities");
        builder.Ignore(a => a.DomainEvents);
        builder.Ignore(a => a.IsTask);
        builder.Property(a => a.Type).HasConversion<string>().HasMaxLength(10);
        builder.Property(a => a.Subject).HasMaxLength(300);
        builder.Property(a => a.Version).IsRowVersion();

        builder.HasIndex(a => new { a.PersonId, a.OccurredAt });
        builder.HasIndex(a => new { a.CompanyId, a.OccurredAt });
        builder.HasIndex(a => new { a.DealId, a.OccurredAt });
        // "My tasks" and due reminders: open tasks by assignee and due time.
        builder.HasIndex(a => new { a.AssigneeId, a.DueAt }).HasFilter("type = 'Task' AND completed_at IS NULL");

        builder.HasOne<Person>().WithMany().HasForeignKey(a => a.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Company>().WithMany().HasForeignKey(a => a.CompanyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Deal>().WithMany().HasForeignKey(a => a.DealId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(a => a.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(a => a.CreatedById).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class CustomFieldDefinitionConfiguration : IEntityTypeConfiguration<CustomFieldDefinition>
{
    public void Configure(EntityTypeBuilder<CustomFieldDefinition> builder)
    {
        builder.ToTable("custom_field_definitions");
        builder.Property(f => f.ObjectType).HasConversion<string>().HasMaxLength(10);
        builder.Property(f => f.Type).HasConversion<string>().HasMaxLength(20);
        builder.Property(f => f.Key).HasMaxLength(50);
        builder.Property(f => f.Label).HasMaxLength(100);
        builder.HasIndex(f => new { f.ObjectType, f.Key }).IsUnique();
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.Property(a => a.ObjectType).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Action).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Changes).HasJsonColumn();
        builder.Property(a => a.Summary).HasMaxLength(500);
        builder.HasIndex(a => new { a.ObjectType, a.RecordId, a.At });
        builder.HasIndex(a => a.At);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> builder)
    {
        builder.ToTable("saved_views");
        builder.Property(v => v.ObjectType).HasConversion<string>().HasMaxLength(10);
        builder.Property(v => v.Name).HasMaxLength(100);
        builder.Property(v => v.Definition).HasColumnType("jsonb");
        builder.HasIndex(v => new { v.UserId, v.ObjectType, v.Name }).IsUnique();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkspaceSettingsConfiguration : IEntityTypeConfiguration<WorkspaceSettings>
{
    public void Configure(EntityTypeBuilder<WorkspaceSettings> builder)
    {
        builder.ToTable("workspace_settings");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.LifecycleStages).HasJsonColumn();
        builder.Property(s => s.DefaultCurrency).HasMaxLength(3).IsFixedLength();
        builder.Property(s => s.Version).IsRowVersion();
    }
}

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> builder)
    {
        builder.ToTable("import_jobs");
        builder.Property(j => j.ObjectType).HasConversion<string>().HasMaxLength(10);
        builder.Property(j => j.Mode).HasConversion<string>().HasMaxLength(20);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(10);
        builder.Property(j => j.FileName).HasMaxLength(260);
        builder.Property(j => j.Encoding).HasMaxLength(20);
        builder.Property(j => j.Mapping).HasJsonColumn();
        // The uploaded file, kept with the job so any node's worker can read it; read as a stream.
        builder.Property<byte[]>("Content").HasColumnName("content");
        builder.HasIndex(j => new { j.Status, j.CreatedAt });
        builder.HasOne<AppUser>().WithMany().HasForeignKey(j => j.CreatedById).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ImportRowIssueConfiguration : IEntityTypeConfiguration<ImportRowIssue>
{
    public void Configure(EntityTypeBuilder<ImportRowIssue> builder)
    {
        builder.ToTable("import_row_issues");
        builder.Property(i => i.Outcome).HasMaxLength(10);
        builder.Property(i => i.Reason).HasMaxLength(1000);
        builder.HasIndex(i => new { i.ImportJobId, i.Row });
        builder.HasOne<ImportJob>().WithMany().HasForeignKey(i => i.ImportJobId).OnDelete(DeleteBehavior.Cascade);
    }
}
