using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;

namespace Monfri.Infrastructure.Demo;

/// <summary>
/// Fills a new workspace with a realistic demo (a sales team, pipelines, companies, contacts, deals with their
/// histories, activities and tasks) on its first start, so a first run shows a living CRM. Runs only while
/// Monfri:Demo:Enabled is on and the workspace has no contacts yet; several processes starting together seed once.
/// </summary>
public sealed class DemoDataSeeder(
    IIdentityService identity,
    IDbContextFactory<MonfriDbContext> dbFactory,
    IOptions<DemoOptions> options,
    DemoWorkspace workspace,
    DemoHistoryLoader history,
    TimeProvider clock,
    ILogger<DemoDataSeeder> logger)
{
    public const string Password = "demo-password-123";
    public const string EmailDomain = "demo.monfri.local";
    public const string SalesPipelineName = "Sales pipeline";
    public const string PartnershipsPipelineName = "Partnerships";
    public const string WebsiteSourceName = DemoSite.WebsiteSourceName;
    public const string BackendSourceName = DemoSite.BackendSourceName;

    private const long SeedLockKey = AdvisoryLocks.DemoSeed;
    private const int BatchSize = 1000;

    /// <summary>The demo team; sales first, because the banner's first login should show a rep's day.</summary>
    public static IReadOnlyList<(string Role, int Count)> Team { get; } = [(Roles.Sales, 5), (Roles.Manager, 2), (Roles.Marketing, 3)];

    public static string EmailOf(string role, int number) => $"{role.ToLowerInvariant()}{number}@{EmailDomain}";

    public async Task<DemoReport> SeedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            history.Skip();
            return DemoReport.None;
        }

        var watch = Stopwatch.StartNew();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Thousands of "created" entries would bury the log; nobody created these records.
        db.SuppressAudit = true;
        db.ChangeTracker.AutoDetectChangesEnabled = false;

        // One transaction: a start that dies half-way leaves no half-filled workspace, so the next start seeds
        // again. The lock lives as long as the transaction; a second process waits here, then sees the contacts.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SeedLockKey})", cancellationToken);
        if (await db.People.AnyAsync(p => p.IsContact, cancellationToken))
        {
            // A demo from an earlier start keeps its live traffic; a workspace that was never a demo gets none.
            workspace.IsActive = await db.Sources.AnyAsync(s => s.Name == DemoSite.WebsiteSourceName, cancellationToken);
            history.Skip();
            return new DemoReport(false, await SignInsAsync(db, cancellationToken), TimeSpan.Zero) { IsDemo = workspace.IsActive };
        }

        var noEventsYet = !await db.People.AnyAsync(cancellationToken);

        var now = clock.GetUtcNow();
        var team = await EnsureTeamAsync(db, cancellationToken);
        var (salesPipeline, partnerships) = await EnsurePipelinesAsync(db, now, cancellationToken);
        var fields = await EnsureCustomFieldsAsync(db, now, cancellationToken);
        var sources = await EnsureSourcesAsync(db, now, cancellationToken);
        await EnsureComputedTraitsAsync(db, now, noEventsYet, cancellationToken);
        var domains = await db.Companies.Where(c => c.Domain != null).Select(c => c.Domain!).ToListAsync(cancellationToken);
        await SaveAsync(db, cancellationToken);

        var content = DemoContent.Generate(team, salesPipeline, partnerships, fields, domains, now);
        var generated = watch.Elapsed;
        await InsertAsync(db, content.Companies, cancellationToken);
        await InsertAsync(db, content.Contacts, cancellationToken);
        await InsertAsync(db, content.Deals, cancellationToken);
        await InsertAsync(db, content.Activities, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        workspace.IsActive = true;
        // The events go through the intake in the background: the app serves pages while the workers process them.
        history.Schedule(content.People, sources.Website, sources.Backend, now);

        logger.LogInformation(
            "Seeded the demo workspace in {Elapsed:0.0} s (generated in {Generated:0.0} s): {Companies} companies, {Contacts} contacts, {Deals} deals, {Activities} activities",
            watch.Elapsed.TotalSeconds, generated.TotalSeconds, content.Companies.Count(), content.Contacts.Count(), content.Deals.Count(), content.Activities.Count);
        return new DemoReport(true, await SignInsAsync(db, cancellationToken), watch.Elapsed) { IsDemo = true };
    }

    /// <summary>The demo website (browser SDK) and backend (server SDK) whose events the history and the live traffic send.</summary>
    private static async Task<(Guid Website, Guid Backend)> EnsureSourcesAsync(MonfriDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await db.Sources.AsNoTracking().Where(s => s.Name == DemoSite.WebsiteSourceName || s.Name == DemoSite.BackendSourceName)
            .ToDictionaryAsync(s => s.Name, s => s.Id, cancellationToken);

        Guid Ensure(string name, SourceKind kind)
        {
            if (existing.TryGetValue(name, out var id))
            {
                return id;
            }

            var source = Source.Create(name, kind, [], now - TimeSpan.FromDays(120));
            db.Sources.Add(source);
            return source.Id;
        }

        return (Ensure(DemoSite.WebsiteSourceName, SourceKind.Website), Ensure(DemoSite.BackendSourceName, SourceKind.Server));
    }

    /// <summary>
    /// A few computed traits, so profiles and the contacts list show them from the first minute. Defined before any
    /// event arrives, they are computed live as the history is processed: nothing to backfill (unless the workspace
    /// already held anonymous events, which then are).
    /// </summary>
    private static async Task EnsureComputedTraitsAsync(MonfriDbContext db, DateTimeOffset now, bool noEventsYet, CancellationToken cancellationToken)
    {
        var keys = await db.ComputedTraits.Select(t => t.Key).ToListAsync(cancellationToken);
        foreach (var (key, name, definition) in DemoTraits)
        {
            if (keys.Contains(key))
            {
                continue;
            }

            var trait = ComputedTrait.Create(key, name, definition, now);
            if (noEventsYet)
            {
                trait.MarkReady(now);
            }

            db.ComputedTraits.Add(trait);
        }
    }

    public static IReadOnlyList<(string Key, string Name, TraitDefinition Definition)> DemoTraits { get; } =
    [
        ("page_views_30d", "Page views (30 days)", new TraitDefinition(TraitKind.EventCount, "page", null, null, null, null, 30)),
        ("lifetime_revenue", "Lifetime revenue", new TraitDefinition(TraitKind.Sum, "track", "Order Completed", null, null, "revenue", null)),
        ("favourite_feature", "Favourite feature", new TraitDefinition(TraitKind.MostFrequent, "track", "Feature Used", null, null, "feature", 90)),
    ];

    /// <summary>Creates the demo users that are missing (a start that died after creating some finds them).</summary>
    private async Task<DemoTeam> EnsureTeamAsync(MonfriDbContext db, CancellationToken cancellationToken)
    {
        var existing = await db.Users.AsNoTracking()
            .Where(u => u.Email != null && u.Email.EndsWith("@" + EmailDomain))
            .ToDictionaryAsync(u => u.Email!.ToLowerInvariant(), u => u.Id, cancellationToken);
        // Names from their own stream, so the team is the same whatever else the seed produces.
        var names = new Bogus.Faker("en") { Random = new Bogus.Randomizer(DemoContent.Seed) };
        var ids = new Dictionary<string, List<Guid>>();
        foreach (var (role, count) in Team)
        {
            ids[role] = [];
            for (var number = 1; number <= count; number++)
            {
                var email = EmailOf(role, number);
                var name = names.Name.FullName();
                if (!existing.TryGetValue(email, out var id))
                {
                    var created = await identity.CreateUserAsync(new NewUser(email, name, Password, [role]), null, cancellationToken);
                    id = created.IsSuccess
                        ? created.Value.Id
                        : throw new InvalidOperationException($"Could not create the demo user {email}: {created.ErrorMessage}");
                }

                ids[role].Add(id);
            }
        }

        return new DemoTeam([.. ids[Roles.Manager]], [.. ids[Roles.Sales]], [.. ids[Roles.Marketing]]);
    }

    /// <summary>Reuses pipelines of the same name (the default-pipeline seeder may have made "Sales pipeline").</summary>
    private static async Task<(Pipeline Sales, Pipeline Partnerships)> EnsurePipelinesAsync(MonfriDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pipelines = await db.Pipelines.AsNoTracking().ToListAsync(cancellationToken);
        var createdAt = now - TimeSpan.FromDays(730);

        Pipeline? Find(string name) => pipelines.Find(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

        var sales = Find(SalesPipelineName);
        if (sales is null)
        {
            sales = Pipeline.Create(
                SalesPipelineName,
                [("Qualification", 10, 14), ("Needs analysis", 30, 14), ("Proposal", 60, 14), ("Negotiation", 80, 14)],
                createdAt,
                order: pipelines.Count,
                isDefault: !pipelines.Any(p => p.IsDefault));
            pipelines.Add(sales);
            db.Pipelines.Add(sales);
        }

        var partnerships = Find(PartnershipsPipelineName);
        if (partnerships is null)
        {
            partnerships = Pipeline.Create(PartnershipsPipelineName, [("Intro", 20, null), ("Pilot", 50, null), ("Contract", 80, null)], createdAt, order: pipelines.Count);
            db.Pipelines.Add(partnerships);
        }

        return (sales, partnerships);
    }

    /// <summary>
    /// Defines the demo's custom fields unless the workspace has them; a key the workspace uses for another
    /// type of field stays untouched and the demo leaves it empty.
    /// </summary>
    private static async Task<DemoFields> EnsureCustomFieldsAsync(MonfriDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await db.CustomFieldDefinitions.AsNoTracking().ToListAsync(cancellationToken);
        var createdAt = now - TimeSpan.FromDays(365);

        CustomFieldDefinition? Ensure(CrmObjectType objectType, string key, string label, CustomFieldType type, string[] options)
        {
            if (existing.Find(d => d.ObjectType == objectType && d.Key == key) is { } found)
            {
                return found.Type == type ? found : null;
            }

            var definition = CustomFieldDefinition.Create(objectType, key, label, type, options, existing.Count(d => d.ObjectType == objectType), createdAt);
            db.CustomFieldDefinitions.Add(definition);
            return definition;
        }

        return new DemoFields(
            Ensure(CrmObjectType.Contact, "contract_tier", "Contract tier", CustomFieldType.SingleSelect, ["Bronze", "Silver", "Gold"]),
            Ensure(CrmObjectType.Company, "arr", "ARR", CustomFieldType.Number, []),
            Ensure(CrmObjectType.Deal, "source", "Source", CustomFieldType.SingleSelect, ["Inbound", "Outbound", "Partner"]));
    }

    /// <summary>Only logins that still work: the admin may have deactivated the demo team.</summary>
    private static async Task<IReadOnlyList<string>> SignInsAsync(MonfriDbContext db, CancellationToken cancellationToken)
    {
        var firsts = Team.Select(t => EmailOf(t.Role, 1)).ToList();
        var active = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && u.Email != null && firsts.Contains(u.Email))
            .Select(u => u.Email!)
            .ToListAsync(cancellationToken);
        return firsts.Where(active.Contains).ToList();
    }

    /// <summary>Batched inserts; the tracker is emptied after each batch so it never holds thousands of entries.</summary>
    private static async Task InsertAsync<T>(MonfriDbContext db, IEnumerable<T> rows, CancellationToken cancellationToken) where T : class
    {
        foreach (var batch in rows.Chunk(BatchSize))
        {
            db.AddRange(batch);
            await SaveAsync(db, cancellationToken);
        }
    }

    private static async Task SaveAsync(MonfriDbContext db, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
