using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Monfri.Domain.Cdp;
using Monfri.Domain.Crm;
using Monfri.Domain.Privacy;
using Monfri.Infrastructure.Identity;

namespace Monfri.Infrastructure.Persistence.Interceptors;

/// <summary>
/// Writes the audit log in the same transaction as the change: for every contact, company and deal added,
/// modified or deleted, who did it and each field's old and new value; for the workspace's accounts and
/// settings (users and their roles, API tokens, sources, computed traits, privacy requests) what an admin must be
/// able to trace; and each activity logged on a record, in that record's history. References (stage, pipeline,
/// owner, company) are written by name, so the log reads without looking ids up. Use cases write an audit row
/// themselves only where a field-by-field entry would not say what happened: merges and undone merges (rows
/// moved by SQL; MergeContacts, MergeCompanies, UndoProfileMerge), an import's "Imported" entries (ImportBatch)
/// and a completed privacy erasure (PrivacyEraser).
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

    // Outside the CRM records, only these fields are an admin's business: the rest is sign-in counters, security
    // stamps, password hashes, last-used times and backfill progress, which change on their own.
    private static readonly Dictionary<Type, HashSet<string>> Tracked = new()
    {
        [typeof(AppUser)] = [nameof(AppUser.DisplayName), nameof(AppUser.Email), nameof(AppUser.IsActive)],
        [typeof(ApiToken)] = [nameof(ApiToken.Name), nameof(ApiToken.ExpiresAt), nameof(ApiToken.RevokedAt)],
        [typeof(Source)] = [nameof(Source.Name), nameof(Source.Kind), nameof(Source.WriteKey), nameof(Source.Enabled), nameof(Source.AllowedOrigins)],
        [typeof(ComputedTrait)] =
        [
            nameof(ComputedTrait.Name), nameof(ComputedTrait.Kind), nameof(ComputedTrait.EventType), nameof(ComputedTrait.EventName),
            nameof(ComputedTrait.FilterPath), nameof(ComputedTrait.FilterValue), nameof(ComputedTrait.PropertyPath), nameof(ComputedTrait.WindowDays),
        ],
    };

    // Id columns written as the name of what they point to ("stage: Qualified → Proposal", not two ids).
    private static readonly Dictionary<string, string> References = new(StringComparer.Ordinal)
    {
        ["stageId"] = "stage",
        ["pipelineId"] = "pipeline",
        ["ownerId"] = "owner",
        ["assigneeId"] = "assignee",
        ["companyId"] = "company",
    };

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is MonfriDbContext db)
        {
            await RecordAsync(db, async: true, cancellationToken);
        }

        return await base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is MonfriDbContext db)
        {
            // Synchronous all the way down (async: false): the task is complete when it returns.
            RecordAsync(db, async: false, CancellationToken.None).GetAwaiter().GetResult();
        }

        return base.SavingChanges(eventData, result);
    }

    private async Task RecordAsync(MonfriDbContext db, bool async, CancellationToken cancellationToken)
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
        var written = new List<AuditEntry>();
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

            if (Describe(entry, type!.Value, id, db.ActorId, now) is { } audit)
            {
                written.Add(audit);
            }
        }

        foreach (var activity in db.ChangeTracker.Entries<Activity>().Where(e => e.State == EntityState.Added).Select(e => e.Entity))
        {
            written.Add(Logged(activity, db.ActorId, now));
        }

        written.AddRange(await RoleChangesAsync(db, async, now, cancellationToken));
        await NameReferencesAsync(db, [.. written, .. explained], async, cancellationToken);
        db.AuditLog.AddRange(written);
    }

    private static AuditEntry? Describe(EntityEntry entry, AuditObjectType type, Guid id, Guid? actor, DateTimeOffset now)
    {
        // A privacy request names its requester (it is queued outside a user's context): that is who asked.
        actor ??= entry.Entity is PrivacyRequest request ? request.RequestedById : null;
        return entry.State switch
        {
            EntityState.Added => AuditEntry.Record(type, id, AuditAction.Created, [], actor, now, NameOf(entry.Entity)),
            EntityState.Deleted when entry.Entity is not PrivacyRequest => AuditEntry.Record(type, id, AuditAction.Deleted, [], actor, now, NameOf(entry.Entity)),
            // The request's progress is on the Privacy page; the log keeps who asked for what.
            EntityState.Modified when entry.Entity is not PrivacyRequest && Changes(entry) is { Count: > 0 } changes =>
                AuditEntry.Record(type, id, ActionOf(entry.Entity, changes), changes, actor, now, type <= AuditObjectType.Deal ? null : NameOf(entry.Entity)),
            _ => null,
        };
    }

    /// <summary>The word for a change that is more than an edit: a user deactivated, a token revoked, a key rotated.</summary>
    private static AuditAction ActionOf(object entity, List<FieldChange> changes)
    {
        bool Changed(string field) => changes.Any(c => c.Field == field);
        return entity switch
        {
            AppUser user when Changed("isActive") => user.IsActive ? AuditAction.Reactivated : AuditAction.Deactivated,
            ApiToken { RevokedAt: not null } when Changed("revokedAt") => AuditAction.Revoked,
            Source source when Changed("enabled") => source.Enabled ? AuditAction.Enabled : AuditAction.Disabled,
            Source when Changed("writeKey") => AuditAction.KeyRotated,
            _ => AuditAction.Updated,
        };
    }

    /// <summary>An activity is logged on the record it belongs to, so it shows in that record's history too.</summary>
    private static AuditEntry Logged(Activity activity, Guid? actor, DateTimeOffset now)
    {
        var (type, recordId) = activity switch
        {
            { PersonId: { } personId } => (AuditObjectType.Contact, personId),
            { DealId: { } dealId } => (AuditObjectType.Deal, dealId),
            _ => (AuditObjectType.Company, activity.CompanyId!.Value),
        };
        return AuditEntry.Record(type, recordId, AuditAction.Logged,
            [new FieldChange(activity.Type.ToString().ToLowerInvariant(), null, activity.Subject)], actor ?? activity.CreatedById, now);
    }

    /// <summary>
    /// Role grants and removals (Identity's user-role rows) as one "roles: old → new" change per user; the old set is
    /// what the database holds before this save.
    /// </summary>
    private static async Task<List<AuditEntry>> RoleChangesAsync(MonfriDbContext db, bool async, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = db.ChangeTracker.Entries<IdentityUserRole<Guid>>()
            .Where(e => e.State is EntityState.Added or EntityState.Deleted)
            .Select(e => (e.Entity.UserId, e.Entity.RoleId, Added: e.State == EntityState.Added))
            .ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        var userIds = rows.Select(r => r.UserId).Distinct().ToList();
        var beforeQuery = db.UserRoles.AsNoTracking().Where(ur => userIds.Contains(ur.UserId)).Select(ur => new { ur.UserId, ur.RoleId });
        var before = async ? await beforeQuery.ToListAsync(cancellationToken) : [.. beforeQuery];
        var rolesQuery = db.Roles.AsNoTracking().Select(r => new { r.Id, r.Name });
        var roleNames = (async ? await rolesQuery.ToListAsync(cancellationToken) : [.. rolesQuery]).ToDictionary(r => r.Id, r => r.Name ?? r.Id.ToString());
        var usersQuery = db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName });
        var names = (async ? await usersQuery.ToListAsync(cancellationToken) : [.. usersQuery]).ToDictionary(u => u.Id, u => u.DisplayName);

        var audits = new List<AuditEntry>();
        foreach (var userId in userIds)
        {
            var old = before.Where(b => b.UserId == userId).Select(b => b.RoleId).ToHashSet();
            var @new = old.ToHashSet();
            foreach (var row in rows.Where(r => r.UserId == userId))
            {
                _ = row.Added ? @new.Add(row.RoleId) : @new.Remove(row.RoleId);
            }

            string? Names(HashSet<Guid> ids) => ids.Count == 0 ? null : string.Join(", ", ids.Select(id => roleNames.GetValueOrDefault(id, id.ToString())).Order(StringComparer.Ordinal));
            if (Names(old) != Names(@new))
            {
                audits.Add(AuditEntry.Record(AuditObjectType.User, userId, AuditAction.Updated, [new FieldChange("roles", Names(old), Names(@new))],
                    db.ActorId, now, names.GetValueOrDefault(userId) is { } name ? name : null));
            }
        }

        return audits;
    }

    /// <summary>Replaces the ids of references (stage, pipeline, owner, company) in the entries' changes by names.</summary>
    private static async Task NameReferencesAsync(MonfriDbContext db, List<AuditEntry> audits, bool async, CancellationToken cancellationToken)
    {
        var changes = audits.SelectMany(a => a.Changes).Where(c => References.ContainsKey(c.Field)).ToList();
        if (changes.Count == 0)
        {
            return;
        }

        HashSet<Guid> Ids(string field) =>
            [.. changes.Where(c => c.Field == field).SelectMany(c => new[] { c.Old, c.New }).Select(v => Guid.TryParse(v, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty)];

        var stageIds = Ids("stageId");
        var pipelineIds = Ids("pipelineId");
        var userIds = Ids("ownerId").Union(Ids("assigneeId")).ToHashSet();
        var companyIds = Ids("companyId");
        var names = new Dictionary<Guid, string>();
        async Task AddAsync<T>(IQueryable<T> query, Func<T, (Guid Id, string Name)> pick)
        {
            foreach (var row in async ? await query.ToListAsync(cancellationToken) : [.. query])
            {
                var (id, name) = pick(row);
                names[id] = name;
            }
        }

        if (stageIds.Count > 0)
        {
            await AddAsync(db.PipelineStages.AsNoTracking().Where(s => stageIds.Contains(s.Id)).Select(s => new { s.Id, s.Name }), s => (s.Id, s.Name));
        }

        if (pipelineIds.Count > 0)
        {
            await AddAsync(db.Pipelines.AsNoTracking().Where(p => pipelineIds.Contains(p.Id)).Select(p => new { p.Id, p.Name }), p => (p.Id, p.Name));
        }

        if (userIds.Count > 0)
        {
            await AddAsync(db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }), u => (u.Id, u.DisplayName));
        }

        if (companyIds.Count > 0)
        {
            await AddAsync(db.Companies.AsNoTracking().Where(c => companyIds.Contains(c.Id)).Select(c => new { c.Id, c.Name }), c => (c.Id, c.Name));
        }

        // Added in this same save (a stage created with the move, a company with the contact): not in the database yet.
        foreach (var tracked in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added))
        {
            switch (tracked.Entity)
            {
                case PipelineStage s: names.TryAdd(s.Id, s.Name); break;
                case Pipeline p: names.TryAdd(p.Id, p.Name); break;
                case Company c: names.TryAdd(c.Id, c.Name); break;
            }
        }

        string? Name(string? value) => Guid.TryParse(value, out var id) && names.TryGetValue(id, out var name) ? name : value;
        foreach (var audit in audits)
        {
            for (var i = 0; i < audit.Changes.Count; i++)
            {
                var change = audit.Changes[i];
                if (References.TryGetValue(change.Field, out var field))
                {
                    audit.Changes[i] = new FieldChange(field, Name(change.Old), Name(change.New));
                }
            }
        }
    }

    private static List<FieldChange> Changes(EntityEntry entry)
    {
        var tracked = Tracked.GetValueOrDefault(entry.Entity.GetType());
        var changes = new List<FieldChange>();
        foreach (var property in entry.Properties.Where(p => p.IsModified && !Ignored.Contains(p.Metadata.Name) && (tracked is null || tracked.Contains(p.Metadata.Name))))
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
                // A write key sends events in the source's name: the log tells the keys apart without holding them.
                var secret = entry.Entity is Source && property.Metadata.Name == nameof(Source.WriteKey);
                changes.Add(new FieldChange(JsonNamingPolicy.CamelCase.ConvertName(property.Metadata.Name),
                    secret ? MaskKey(oldText) : oldText, secret ? MaskKey(newText) : newText));
            }
        }

        return changes;
    }

    private static string? MaskKey(string? key) => key is null ? null : $"{key[..Math.Min(4, key.Length)]}…";

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

    private static AuditObjectType? ObjectTypeOf(object entity) => entity switch
    {
        Person => AuditObjectType.Contact,
        Company => AuditObjectType.Company,
        Deal => AuditObjectType.Deal,
        AppUser => AuditObjectType.User,
        ApiToken => AuditObjectType.ApiToken,
        Source => AuditObjectType.Source,
        ComputedTrait => AuditObjectType.ComputedTrait,
        PrivacyRequest => AuditObjectType.PrivacyRequest,
        _ => null,
    };

    private static string? NameOf(object entity) => entity switch
    {
        Person p => p.DisplayName,
        Company c => c.Name,
        Deal d => d.Name,
        AppUser u => $"{u.DisplayName} ({u.Email})",
        ApiToken t => t.Name,
        Source s => s.Name,
        ComputedTrait t => $"{t.Name} ({t.Key})",
        // Never the identifier itself: the entry outlives an erasure of the person it names.
        PrivacyRequest r => $"{r.Kind} request for a person known by {r.IdentityType}",
        _ => null,
    };
}
