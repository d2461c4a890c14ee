using Microsoft.Extensions.Logging;
using Npgsql;

namespace Monfri.Infrastructure.Scheduling;

/// <summary>
/// Enqueues the runs of recurring kinds (<see cref="JobKind.Every"/>). Time is cut into slots of the kind's period
/// counted from the Unix epoch (UTC), so every node computes the same slots; each node enqueues the current slot's
/// job with the unique key <c>kind@slot</c>, and the unique index keeps one of them. A slot missed while no node ran is
/// not made up: the next slot's run does the work that had piled up.
/// </summary>
public sealed class RecurringJobs(IEnumerable<JobKind> kinds, NpgsqlDataSource dataSource, TimeProvider clock, ILogger<RecurringJobs> logger)
{
    private readonly JobKind[] _recurring = kinds.Where(k => k.Every is { } every && every > TimeSpan.Zero).ToArray();
    private readonly Dictionary<string, DateTimeOffset> _enqueued = [];

    /// <summary>The start of the slot of length <paramref name="every"/> that holds <paramref name="now"/>.</summary>
    public static DateTimeOffset SlotOf(DateTimeOffset now, TimeSpan every)
    {
        var ticks = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / every.Ticks * every.Ticks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks);
    }

    /// <summary>The unique key of a recurring kind's slot.</summary>
    public static string KeyOf(string kind, DateTimeOffset slot) => $"{kind}@{slot.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}";

    /// <summary>Enqueues the current slot of every recurring kind this node has not enqueued yet; the jobs actually added (not there before).</summary>
    public async Task<int> EnqueueDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = _recurring.Select(k => (k.Name, Slot: SlotOf(now, k.Every!.Value)))
            .Where(s => !_enqueued.TryGetValue(s.Name, out var last) || last != s.Slot)
            .ToList();
        if (due.Count == 0)
        {
            return 0;
        }

        await using var insert = dataSource.CreateCommand(
            """
            INSERT INTO jobs (id, kind, payload, run_at, state, attempts, unique_key, created_at)
            SELECT u.id, u.kind, '{}', u.run_at, 'Queued', 0, u.key, @now
            FROM unnest(@ids::uuid[], @kinds::text[], @runs::timestamptz[], @keys::text[]) u(id, kind, run_at, key)
            ON CONFLICT (unique_key) DO NOTHING
            """);
        insert.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", due.Select(_ => Guid.CreateVersion7(now)).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("kinds", due.Select(d => d.Name).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("runs", due.Select(d => d.Slot).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("keys", due.Select(d => KeyOf(d.Name, d.Slot)).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        var added = await insert.ExecuteNonQueryAsync(cancellationToken);
        foreach (var (name, slot) in due)
        {
            _enqueued[name] = slot;
        }

        if (added > 0)
        {
            logger.LogDebug("Enqueued {Count} recurring job(s)", added);
        }

        return added;
    }

    /// <summary>How long until the next slot of any recurring kind starts (null: no recurring kind).</summary>
    public TimeSpan? UntilNextSlot()
    {
        if (_recurring.Length == 0)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        return _recurring.Min(k => SlotOf(now, k.Every!.Value) + k.Every!.Value - now);
    }
}
