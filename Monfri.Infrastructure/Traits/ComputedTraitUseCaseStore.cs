using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Common.Persistence;
using Npgsql;

namespace Monfri.Infrastructure.Traits;

/// <summary>
/// <see cref="IComputedTraitStore"/>: the computed-trait statements use cases run in their own EF transaction,
/// on the same connection (Npgsql runs a command in the connection's open transaction).
/// </summary>
public sealed class ComputedTraitUseCaseStore : IComputedTraitStore
{
    private sealed record SkippedRow(Guid TraitId, long Skipped);

    public async Task RebuildInTransactionAsync(IMonfriDb db, IReadOnlyCollection<Guid> personIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await ComputedTraitStore.RebuildForPeopleAsync((NpgsqlConnection)db.Database.GetDbConnection(), personIds.Distinct().ToArray(), now, cancellationToken);
    }

    public async Task ForgetStateAsync(IMonfriDb db, Guid traitId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"DELETE FROM cdp_trait_buckets WHERE trait_id = {traitId}", cancellationToken);

    /// <summary>Read from the partial index on skipped buckets.</summary>
    public async Task<Dictionary<Guid, long>> SkippedAsync(IMonfriDb db, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<SkippedRow>($"SELECT trait_id, sum(skipped)::bigint AS skipped FROM cdp_trait_buckets WHERE skipped > 0 GROUP BY trait_id")
            .ToListAsync(cancellationToken)).ToDictionary(r => r.TraitId, r => r.Skipped);

    public async Task<IReadOnlyList<string>> IdentifyTraitNamesAsync(IMonfriDb db, CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<string>("""SELECT key AS "Value" FROM cdp_identify_trait_keys ORDER BY key""").ToListAsync(cancellationToken);
}
