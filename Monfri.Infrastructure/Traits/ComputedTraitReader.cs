using System.Text.Json;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Profiles.GetProfileTraits;
using Npgsql;

namespace Monfri.Infrastructure.Traits;

/// <summary>
/// The computed part of the personalisation API (<c>/api/v1/profiles/{idType}:{value}/traits</c>): every defined
/// trait's current value by its key, and the built-in ones (<c>total_events</c>, <c>first_touch</c>,
/// <c>last_touch</c>), in one indexed read of the materialised values — nothing is computed on the request path.
/// A count over no events reads 0 like on the profile page; other kinds without a value are left out.
/// </summary>
public sealed class ComputedTraitReader(NpgsqlDataSource dataSource) : IComputedTraitReader
{
    public async Task<IReadOnlyDictionary<string, JsonElement>> ReadAsync(Guid personId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT t.key, coalesce(v.value, CASE WHEN t.kind IN ('EventCount', 'UniqueCount') THEN '0'::jsonb END)::text
            FROM cdp_computed_traits t LEFT JOIN cdp_trait_values v ON v.trait_id = t.id AND v.person_id = $1
            UNION ALL
            SELECT b.key, b.value::text FROM cdp_profile_stats s,
                LATERAL (VALUES
                    ('first_touch', CASE WHEN s.first_touch_at IS NOT NULL THEN jsonb_build_object('source', s.first_touch_source,
                        'medium', s.first_touch_medium, 'campaign', s.first_touch_campaign, 'at', s.first_touch_at) END),
                    ('last_touch', CASE WHEN s.last_touch_at IS NOT NULL THEN jsonb_build_object('source', s.last_touch_source,
                        'medium', s.last_touch_medium, 'campaign', s.last_touch_campaign, 'at', s.last_touch_at) END)) b(key, value)
            WHERE s.person_id = $1
            UNION ALL
            SELECT 'total_events', count(*)::text FROM cdp_events WHERE person_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        var traits = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["total_events"] = Zero };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(1))
            {
                using var value = JsonDocument.Parse(reader.GetString(1));
                traits[reader.GetString(0)] = value.RootElement.Clone();
            }
        }

        return traits;
    }

    private static readonly JsonElement Zero = JsonDocument.Parse("0").RootElement.Clone();
}

/// <summary>After an undone merge, both people's computed traits and built-in stats are rebuilt from their events.</summary>
public sealed class ComputedTraitRecompute(ComputedTraitStore store) : Monfri.Application.Cdp.Common.IProfileRecompute
{
    public Task RecomputeAsync(IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken) =>
        store.RebuildForPeopleAsync(personIds, cancellationToken);
}
