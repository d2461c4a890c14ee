using Monfri.Infrastructure.Ingestion;

namespace Monfri.Infrastructure.Traits;

/// <summary>
/// One claim's contribution to a person's built-in stats: their earliest and latest touch, for people who had one
/// (ties broken by source, then medium, in ordinal order — as the SQL rebuild orders them).
/// </summary>
internal sealed record ClaimStats(Guid Person, (DateTimeOffset At, Touch Touch)? First, (DateTimeOffset At, Touch Touch)? Last)
{
    public static List<ClaimStats> Of(IReadOnlyList<IngestEvent> events)
    {
        var rows = new List<ClaimStats>();
        foreach (var person in events.GroupBy(e => e.PersonId).OrderBy(g => g.Key))
        {
            (DateTimeOffset At, Touch Touch)? first = null, last = null;
            foreach (var e in person)
            {
                if (e.Touch is not { } touch)
                {
                    continue;
                }

                // Events come in arrival order: on a tie of timestamps the first to arrive is the first touch and the
                // last to arrive the last one — the order of (timestamp, id) the SQL rebuild uses (decision 010).
                if (first is not { } f || e.Timestamp < f.At)
                {
                    first = (e.Timestamp, touch);
                }

                if (last is not { } l || e.Timestamp >= l.At)
                {
                    last = (e.Timestamp, touch);
                }
            }

            if (first is not null)
            {
                rows.Add(new ClaimStats(person.Key, first, last));
            }
        }

        return rows;
    }
}
