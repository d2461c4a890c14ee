using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Jobs;
using Monfri.Application.Common.Persistence;
using Monfri.Domain.Cdp;
using Monfri.Domain.Crm;
using Monfri.Domain.Privacy;
using Monfri.Domain.Segments;
using Monfri.Infrastructure.Identity;

namespace Monfri.Infrastructure.Persistence;

/// <summary>
/// The one EF Core model of Monfri. Created per operation through <see cref="IDbContextFactory{TContext}"/>
/// (a Blazor circuit outlives any sensible unit of work). Names are snake_case.
/// </summary>
public sealed class MonfriDbContext(DbContextOptions<MonfriDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext, IMonfriDb
{
    public DbSet<Person> People => Set<Person>();
    public DbSet<Company> Companies => Set<Company>();
    public DbSet<Pipeline> Pipelines => Set<Pipeline>();
    public DbSet<PipelineStage> PipelineStages => Set<PipelineStage>();
    public DbSet<Deal> Deals => Set<Deal>();
    public DbSet<DealContact> DealContacts => Set<DealContact>();
    public DbSet<DealStageChange> DealStageChanges => Set<DealStageChange>();
    public DbSet<Activity> Activities => Set<Activity>();
    public DbSet<CustomFieldDefinition> CustomFieldDefinitions => Set<CustomFieldDefinition>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<SavedView> SavedViews => Set<SavedView>();
    public DbSet<WorkspaceSettings> WorkspaceSettings => Set<WorkspaceSettings>();
    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();
    public DbSet<ImportRowIssue> ImportRowIssues => Set<ImportRowIssue>();
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<ProfileIdentity> ProfileIdentities => Set<ProfileIdentity>();
    public DbSet<ProfileMerge> ProfileMerges => Set<ProfileMerge>();
    public DbSet<BlockedIdentifier> BlockedIdentifiers => Set<BlockedIdentifier>();
    public DbSet<PrivacyRequest> PrivacyRequests => Set<PrivacyRequest>();
    public DbSet<ComputedTrait> ComputedTraits => Set<ComputedTrait>();
    public DbSet<ComputedTraitValue> ComputedTraitValues => Set<ComputedTraitValue>();
    public DbSet<ProfileStats> ProfileStats => Set<ProfileStats>();
    public DbSet<ProfileIdentifyTraits> IdentifyTraits => Set<ProfileIdentifyTraits>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<Segment> Segments => Set<Segment>();
    public DbSet<SegmentMember> SegmentMembers => Set<SegmentMember>();

    /// <summary>Who the changes saved through this context are made by (audit log); set per operation.</summary>
    public Guid? ActorId { get; set; }

    /// <summary>Bulk jobs (imports) write their own summary entry instead of one per row.</summary>
    public bool SuppressAudit { get; set; }

    /// <summary>
    /// The scope domain event handlers are resolved from (the use case's, set by <see cref="MonfriDbFactory"/>); null for
    /// Infrastructure's own contexts (bulk writers, seeders), which announce their work themselves and dispatch nothing.
    /// </summary>
    public IServiceProvider? EventServices { get; set; }

    internal Interceptors.DomainEventState DomainEvents { get; } = new();

    public IQueryable<UserRef> UserRefs =>
        Users.AsNoTracking().Select(u => new UserRef { Id = u.Id, DisplayName = u.DisplayName, Email = u.Email ?? "", IsActive = u.IsActive });

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    /// <summary>Cookie and antiforgery keys, shared by every Monfri process on this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Trigram indexes make the search box fast on 100,000+ rows; pg_trgm is a trusted extension.
        builder.HasPostgresExtension("pg_trgm");
        builder.ApplyConfigurationsFromAssembly(typeof(MonfriDbContext).Assembly);
        DbJsonTranslation.Register(builder);
    }
}
