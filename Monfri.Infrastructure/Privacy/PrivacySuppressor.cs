using Microsoft.EntityFrameworkCore;
using Monfri.Infrastructure.Persistence;
using Npgsql;

namespace Monfri.Infrastructure.Privacy;

/// <summary>
/// Suppresses a person (right to object): every identifier linked to them, and the one asked for, goes on the
/// <see cref="SuppressionList"/>, so their future events are dropped before they are stored and their emails are
/// "do not email". An identifier no one is known by is suppressed all the same: the person objected before
/// Monfri ever saw them.
/// </summary>
internal sealed class PrivacySuppressor(IDbContextFactory<MonfriDbContext> factory, SuppressionList suppressions, TimeProvider clock)
{
    public async Task RunAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var request = await db.PrivacyRequests.FirstAsync(r => r.Id == requestId, cancellationToken);
        (string Type, string Value) asked = (request.IdentityType, request.IdentityValue!);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var personId = await PrivacySubject.ResolveAsync(connection, asked.Type, asked.Value, cancellationToken);
        var identities = personId is { } id
            ? (await PrivacySubject.LoadAsync(connection, id, cancellationToken)).Identities.Append(asked).Distinct().ToList()
            : [asked];
        var now = clock.GetUtcNow();
        await SuppressionList.AddAsync(connection, identities, request.Id, now, cancellationToken);
        var counts = new Dictionary<string, long> { ["suppressedIdentities"] = identities.Count };
        if (personId is null)
        {
            request.CompleteWithNoData(counts, now);
        }
        else
        {
            request.Complete(personId, counts, null, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        suppressions.Refresh();
    }
}
