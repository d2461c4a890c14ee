using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Monfri.Domain.Crm;
using Npgsql;

namespace Monfri.Infrastructure.Segments;

/// <summary>
/// Queues for segment re-evaluation the people a CRM save may have moved in or out of a segment: contacts added or
/// edited (fields, owner, tags, company, lifecycle stage), people linked to or unlinked from a deal, the contacts of
/// a deal that changed (stage, status, amount) and the people of a company that changed.
/// <para>
/// Why a save interceptor and not <c>IDomainEventHandler</c>s (decision 014): it sees every tracked change of a
/// person, deal, deal link or company, including those that raise no event by design — <c>Person.Apply</c> in merges
/// and imports, deal links changed on their own, Infrastructure's own contexts whose events are dropped — so one
/// change-tracker pass replaces a handler per event and a list of exceptions that would drift. The queue row is written after the save — inside the caller's transaction
/// when there is one, else just after the commit — so the worker never evaluates a person before their change is
/// visible. A crash between the commit and this insert loses the mark; the hourly pass and the person's next change
/// put them right.
/// </para>
/// </summary>
public sealed class SegmentChangeInterceptor : SaveChangesInterceptor
{
    private sealed class Pending
    {
        public HashSet<Guid> People { get; } = [];
        public HashSet<Guid> Deals { get; } = [];
        public HashSet<Guid> Companies { get; } = [];
    }

    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db)
        {
            await CollectAsync(db, cancellationToken);
        }

        return await base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } db)
        {
            CollectAsync(db, CancellationToken.None).GetAwaiter().GetResult();
        }

        return base.SavingChanges(eventData, result);
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && _pending.TryGetValue(db, out var pending))
        {
            _pending.Remove(db);
            await QueueAsync(db, pending, cancellationToken);
        }

        return await base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } db && _pending.TryGetValue(db, out var pending))
        {
            _pending.Remove(db);
            QueueAsync(db, pending, CancellationToken.None).GetAwaiter().GetResult();
        }

        return base.SavedChanges(eventData, result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } db)
        {
            _pending.Remove(db);
        }

        base.SaveChangesFailed(eventData);
    }

    private async Task CollectAsync(DbContext db, CancellationToken cancellationToken)
    {
        var pending = new Pending();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            switch (entry.Entity)
            {
                // A deleted person (merged by hand) is queued too: the worker takes their memberships out.
                case Person person:
                    pending.People.Add(person.Id);
                    break;
                case DealContact link:
                    pending.People.Add(link.PersonId);
                    break;
                case Deal deal:
                    pending.Deals.Add(deal.Id);
                    break;
                case Company company:
                    pending.Companies.Add(company.Id);
                    break;
            }
        }

        if (pending.People.Count + pending.Deals.Count + pending.Companies.Count == 0)
        {
            return;
        }

        // A deleted deal or company takes its links with it: read whose they were while they are still there.
        var deleted = db.ChangeTracker.Entries().Where(e => e.State == EntityState.Deleted).Select(e => e.Entity).ToList();
        var deletedDeals = deleted.OfType<Deal>().Select(d => d.Id).ToArray();
        var deletedCompanies = deleted.OfType<Company>().Select(c => c.Id).ToArray();
        if (deletedDeals.Length + deletedCompanies.Length > 0)
        {
            var people = await db.Database.SqlQueryRaw<Guid>(
                    "SELECT person_id AS \"Value\" FROM deal_contacts WHERE deal_id = ANY(@d) UNION SELECT id FROM people WHERE company_id = ANY(@c)",
                    new NpgsqlParameter<Guid[]>("d", deletedDeals), new NpgsqlParameter<Guid[]>("c", deletedCompanies))
                .ToListAsync(cancellationToken);
            pending.People.UnionWith(people);
        }

        _pending.AddOrUpdate(db, pending);
    }

    private static Task<int> QueueAsync(DbContext db, Pending pending, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO segment_dirty_people (person_id, queued_at)
            SELECT DISTINCT id, now() FROM (
                SELECT unnest(@people) AS id
                UNION ALL SELECT dc.person_id FROM deal_contacts dc WHERE dc.deal_id = ANY(@deals)
                UNION ALL SELECT p.id FROM people p WHERE p.company_id = ANY(@companies)) x
            WHERE EXISTS (SELECT 1 FROM segments)
            ORDER BY 1
            ON CONFLICT (person_id) DO NOTHING
            """,
            [
                new NpgsqlParameter<Guid[]>("people", [.. pending.People]),
                new NpgsqlParameter<Guid[]>("deals", [.. pending.Deals]),
                new NpgsqlParameter<Guid[]>("companies", [.. pending.Companies]),
            ],
            cancellationToken);
}
