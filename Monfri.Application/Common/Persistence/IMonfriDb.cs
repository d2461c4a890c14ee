using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Monfri.Application.Common.Jobs;
using Monfri.Domain.Cdp;
using Monfri.Domain.Crm;
using Monfri.Domain.Privacy;
using Monfri.Domain.Segments;

namespace Monfri.Application.Common.Persistence;

/// <summary>
/// The database as use cases see it: one unit of work per operation (create it from
/// <see cref="IMonfriDbFactory"/>, dispose it when done). No repository in between — handlers query the sets.
/// </summary>
public interface IMonfriDb : IAsyncDisposable
{
    DbSet<Person> People { get; }
    DbSet<Company> Companies { get; }
    DbSet<Pipeline> Pipelines { get; }
    DbSet<PipelineStage> PipelineStages { get; }
    DbSet<Deal> Deals { get; }
    DbSet<DealContact> DealContacts { get; }
    DbSet<DealStageChange> DealStageChanges { get; }
    DbSet<Activity> Activities { get; }
    DbSet<CustomFieldDefinition> CustomFieldDefinitions { get; }
    DbSet<AuditEntry> AuditLog { get; }
    DbSet<SavedView> SavedViews { get; }
    DbSet<WorkspaceSettings> WorkspaceSettings { get; }
    DbSet<ImportJob> ImportJobs { get; }
    DbSet<ImportRowIssue> ImportRowIssues { get; }
    DbSet<Source> Sources { get; }
    DbSet<ProfileIdentity> ProfileIdentities { get; }
    DbSet<ProfileMerge> ProfileMerges { get; }
    DbSet<BlockedIdentifier> BlockedIdentifiers { get; }
    DbSet<PrivacyRequest> PrivacyRequests { get; }
    DbSet<ComputedTrait> ComputedTraits { get; }
    DbSet<ComputedTraitValue> ComputedTraitValues { get; }
    DbSet<ProfileStats> ProfileStats { get; }
    DbSet<ProfileIdentifyTraits> IdentifyTraits { get; }
    DbSet<Segment> Segments { get; }

    /// <summary>Read only: the segment engine writes membership (with its count and history) in its own statements.</summary>
    DbSet<SegmentMember> SegmentMembers { get; }

    /// <summary>Background work; adding one enqueues it with this unit of work's changes.</summary>
    DbSet<Job> Jobs { get; }

    /// <summary>Users as the CRM needs them (owners, assignees): id, name, email.</summary>
    IQueryable<UserRef> UserRefs { get; }

    DatabaseFacade Database { get; }

    /// <summary>Marks any tracked record for deletion (bulk deletes over several record kinds).</summary>
    Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry Remove(object entity);

    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);
}

public interface IMonfriDbFactory
{
    Task<IMonfriDb> CreateAsync(CancellationToken cancellationToken = default);
}

/// <summary>A user as shown next to a record (owner, assignee, author).</summary>
public sealed record UserRef
{
    public Guid Id { get; init; }
    public string DisplayName { get; init; } = "";
    public string Email { get; init; } = "";
    public bool IsActive { get; init; }
}
