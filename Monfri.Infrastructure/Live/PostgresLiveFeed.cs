using System.Text;
using System.Text.Json;
using Monfri.Application.Common.Live;
using Npgsql;

namespace Monfri.Infrastructure.Live;

/// <summary>
/// Several nodes on one database: a publish is a PostgreSQL NOTIFY, and every node (this one included)
/// receives it through <see cref="PostgresLiveListener"/> and fans it out to its own subscribers.
/// NOTIFY is transactional and ordered per sending session, and needs no extra server.
/// </summary>
public sealed class PostgresLiveFeed(LiveFanout fanout, TimeProvider clock, NpgsqlDataSource dataSource, ILiveAudience? audience = null)
    : LiveFeedBase(fanout, clock, audience)
{
    public const string Channel = "monfri_live";

    // NOTIFY payloads must stay under 8000 bytes; larger updates go out without data and screens reload.
    private const int MaxPayloadBytes = 7800;

    protected override async ValueTask PublishAsync(LiveUpdate update, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(update, LiveJson.Options);
        if (Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
        {
            payload = JsonSerializer.Serialize(update with { Data = LiveJson.ToElement(null), Truncated = true }, LiveJson.Options);
        }

        await using var command = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
        command.Parameters.AddWithValue("channel", Channel);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
