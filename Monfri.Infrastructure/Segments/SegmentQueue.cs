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
    /// <para>
    /// A batch command, sent with the other statements of the claim's trait step (one round trip, before its
    /// per-person locks); null when there is nobody to queue.
    /// </para>
    /// </summary>
    public static NpgsqlBatchCommand? Command(IEnumerable<Guid> people, DateTimeOffset now)
    {
        var ids = people.Distinct().Order().ToArray();
        if (ids.Length == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO segment_dirty_people (person_id, queued_at)
            SELECT u, @now FROM unnest(@people::uuid[]) u
            WHERE EXISTS (SELECT 1 FROM segments)
            ORDER BY 1
            ON CONFLICT (person_id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("people", ids));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        return command;
    }
}
