using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Monfri.Domain.Crm;

namespace Monfri.Infrastructure.Persistence.Interceptors;

/// <summary>
/// Writes the audit log in the same transaction as the change: for every contact, company and deal added,
/// modified or deleted, who did it and each field's old and new value. Handlers never write audit rows.
/// </summary>
public sealed class AuditInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    // Bookkeeping columns that change on their own; auditing them would bury the real changes.
    private static readonly HashSet<string> Ignored =
    [
        nameof(Person.UpdatedAt), nameof(Person.Version), nameof(Person.LastActivityAt), nameof(Person.FirstSeenAt),
        nameof(Person.LastSeenAt), nameof(Deal.Position), nameof(Deal.StageEnteredAt), nameof(Deal.ClosedAt),
        nameof(Person.CreatedAt), "SearchText",
    ];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is MonfriDbContext db)
        {
            Record(db);
        }

        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is MonfriDbContext db)
        {
            Record(db);
        }

        return base.SavingChanges(eventData, result);
    }

    private void Record(MonfriDbContext db)
    {
        if (db.SuppressAudit)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var entries = db.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => (Entry: e, Type: ObjectTypeOf(e.Entity)))
            .Where(x => x.Type is not null)
            .ToList();

        // Entries the use case wrote itself to explain a change (a merge): the field changes go into that
        // entry rather than into a second "updated"/"deleted" one, so the history reads as one event.
        var explained = db.ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .ToList();
        foreach (var (entry, type) in entries)
        {
            if (entry.Entity is Person { IsContact: false })
            {
                continue; // anonymous visitors churn with every event; the CDP keeps their history
            }

            var id = (Guid)entry.Property("Id").CurrentValue!;
            if (explained.FirstOrDefault(a => a.ObjectType == type && a.RecordId == id) is { } own)
            {
                if (entry.State == EntityState.Modified)
                {
                    own.AddChanges(Changes(entry));
                }

                continue;
            }

            var audit = entry.State switch
            {
                EntityState.Added => AuditEntry.Record(type!.Value, id, AuditAction.Created, [], db.ActorId, now, NameOf(entry.Entity)),
                EntityState.Deleted => AuditEntry.Record(type!.Value, id, AuditAction.Deleted, [], db.ActorId, now, NameOf(entry.Entity)),
                _ => Changes(entry) is { Count: > 0 } changes
                    ? AuditEntry.Record(type!.Value, id, AuditAction.Updated, changes, db.ActorId, now)
                    : null,
            };
            if (audit is not null)
            {
                db.AuditLog.Add(audit);
            }
        }
    }

    private static List<FieldChange> Changes(EntityEntry entry)
    {
        var changes = new List<FieldChange>();
        foreach (var property in entry.Properties.Where(p => p.IsModified && !Ignored.Contains(p.Metadata.Name)))
        {
            if (property.Metadata.Name == nameof(Person.CustomFields))
            {
                var before = property.OriginalValue as IDictionary<string, object?> ?? new Dictionary<string, object?>();
                var after = property.CurrentValue as IDictionary<string, object?> ?? new Dictionary<string, object?>();
                foreach (var key in before.Keys.Union(after.Keys).Order())
                {
                    var old = Format(before.TryGetValue(key, out var o) ? o : null);
                    var @new = Format(after.TryGetValue(key, out var n) ? n : null);
                    if (old != @new)
                    {
                        changes.Add(new FieldChange($"customFields.{key}", old, @new));
                    }
                }

                continue;
            }

            var oldText = Format(property.OriginalValue);
            var newText = Format(property.CurrentValue);
            if (oldText != newText)
            {
                changes.Add(new FieldChange(JsonNamingPolicy.CamelCase.ConvertName(property.Metadata.Name), oldText, newText));
            }
        }

        return changes;
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText(),
        System.Collections.IEnumerable list => string.Join(", ", list.Cast<object?>().Select(Format)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static CrmObjectType? ObjectTypeOf(object entity) => entity switch
    {
        Person => CrmObjectType.Contact,
        Company => CrmObjectType.Company,
        Deal => CrmObjectType.Deal,
        _ => null,
    };

    private static string? NameOf(object entity) => entity switch
    {
        Person p => p.DisplayName,
        Company c => c.Name,
        Deal d => d.Name,
        _ => null,
    };
}
