using Monfri.Application.Cdp.Traits;
using Monfri.Infrastructure.Scheduling;
using Npgsql;

namespace Monfri.Infrastructure.Traits;

/// <summary>
/// Ages windowed traits ("page views in the last 30 days"): a day's bucket that has left its trait's window is
/// deleted and that person's value recomputed. Only people with such a bucket are touched, so the hourly run
/// costs what actually changed; a value never waits for the person's next event to drop.
/// <para>
/// A recurring job (<see cref="Kind"/>) of the job scheduler, every <see cref="TraitOptions.AgeingInterval"/>. Slots
/// are counted from midnight UTC, so with an interval that divides a day one starts at midnight, when days leave
/// windows.
/// </para>
/// </summary>
public sealed class TraitAgeing(NpgsqlDataSource dataSource, TimeProvider clock) : IJobHandler
{
    public const string Kind = "traits.age";

    public Task RunAsync(JobRun job, CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    /// <summary>Ages everything that is due by the clock's today; the number of values recomputed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var aged = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var pairs = new List<(Guid Trait, Guid Person)>();
            await using (var due = new NpgsqlCommand(ComputedTraitSql.AgedPairs, connection, tx))
            {
                due.Parameters.Add(new NpgsqlParameter<DateOnly>("today", today));
                await using var reader = await due.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    pairs.Add((reader.GetGuid(0), reader.GetGuid(1)));
                }
            }

            if (pairs.Count == 0)
            {
                await tx.CommitAsync(cancellationToken);
                return aged;
            }

            pairs = [.. pairs.OrderBy(p => p.Trait).ThenBy(p => p.Person)];
            await using var batch = new NpgsqlBatch(connection);
            foreach (var sql in (string[])[.. ComputedTraitSql.LockPeople, ComputedTraitSql.DeleteAged, ComputedTraitSql.RecomputePairs])
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.Add(new NpgsqlParameter<Guid[]>("traits", pairs.Select(p => p.Trait).ToArray()));
                command.Parameters.Add(new NpgsqlParameter<Guid[]>("persons", pairs.Select(p => p.Person).ToArray()));
                command.Parameters.Add(new NpgsqlParameter<DateOnly>("today", today));
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            aged += pairs.Count;
        }
    }
}
