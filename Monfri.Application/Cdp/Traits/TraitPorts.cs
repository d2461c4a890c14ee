using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Monfri.Application.Common.Persistence;

namespace Monfri.Application.Cdp.Traits;

/// <summary>
/// For features that change whose events are whose (undoing a merge, deleting events): rebuilds computed traits
/// and built-in stats from the stored events, or recomputes values from the kept state.
/// </summary>
public interface IComputedTraitMaintenance
{
    /// <summary>Rebuilds every trait's state and value, and the built-in stats, of these people from their events (own transaction).</summary>
    Task RebuildForPeopleAsync(IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken);

    /// <summary>Recomputes these people's values from the kept daily state (own transaction).</summary>
    Task RecomputeAsync(IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken);
}

/// <summary>Wakes this node's backfill worker when a trait was created or redefined, instead of waiting for its poll.</summary>
public interface ITraitBackfillSignal
{
    void Wake();
}

/// <summary>The same rebuild as <see cref="IComputedTraitMaintenance"/>, inside a use case's own EF transaction.</summary>
public static class ComputedTraitRebuild
{
    /// <summary>Stored events before this were corrected to their arrival time at ingest: the rebuild reads all after it.</summary>
    public static readonly DateTimeOffset AllTime = new(1999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public static async Task InTransactionAsync(IMonfriDb db, IReadOnlyCollection<Guid> personIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (personIds.Count == 0)
        {
            return;
        }

        // Straight to the connection (in EF's transaction): EF's raw SQL would read the SQL's braces as placeholders.
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var sql in (string[])[.. ComputedTraitSql.LockPeople, .. ComputedTraitSql.RebuildAllBuckets, ComputedTraitSql.RecomputePersons])
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = transaction;
            foreach (var (name, value) in new (string, object)[]
                     {
                         ("persons", personIds.Distinct().ToArray()), ("today", DateOnly.FromDateTime(now.UtcDateTime)),
                         ("now", now.ToUniversalTime()), ("since", AllTime),
                     })
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await TouchRebuild.RunAsync(connection, transaction, personIds, now, cancellationToken);
    }
}
