using Npgsql;

namespace Monfri.Infrastructure.Segments;

/// <summary>The queue of people whose segment membership may have changed (<c>segment_dirty_people</c>).</summary>
public static class SegmentQueue
{
    /// <summary>
    /// Queues the people an ingest claim touched (events, identify traits, both sides of a merge: the loser's
    /// memberships leave as it is deleted), in the claim's
    /// transaction: one statement per claim, no per-event work, nothing at all while no segment exists. A person
    /// already queued stays queued once. Sorted so that concurrent claims take the rows in one order.
    /// </summary>
    public static async Task MarkAsync(NpgsqlConnection connection, IEnumerable<Guid> people, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = people.Distinct().Order().ToArray();
        if (ids.Length == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO segment_dirty_people (person_id, queued_at)
            SELECT u, @now FROM unnest(@people::uuid[]) u
            WHERE EXISTS (SELECT 1 FROM segments)
            ORDER BY 1
            ON CONFLICT (person_id) DO NOTHING
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("people", ids));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
