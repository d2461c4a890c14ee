using Monfri.Application.Conditions;
using Monfri.Domain.Cdp;
using Monfri.Domain.Conditions;
using Monfri.Domain.Crm;
using Npgsql;

namespace Monfri.Infrastructure.Conditions;

/// <summary>
/// Reads the <see cref="ConditionCatalog"/> in one round trip: custom fields, identify trait keys seen, computed
/// traits, event names seen (a skip scan of the event-name index: one probe per distinct name, not a pass over the
/// events), pipelines with stages, and segments with the segments they refer to.
/// </summary>
public sealed class ConditionCatalogSource(NpgsqlDataSource dataSource) : IConditionCatalogSource
{
    private const int MaxEventNames = 5000;
    private const int PropertySample = 500;
    private const int MaxProperties = 200;

    public async Task<ConditionCatalog> LoadAsync(CancellationToken cancellationToken)
    {
        var fields = BuiltInFields.All.ToDictionary(f => f.Key, StringComparer.Ordinal);
        var events = new HashSet<string>(StringComparer.Ordinal);
        var pipelines = new Dictionary<Guid, (string Name, Dictionary<Guid, string> Stages)>();
        var segments = new Dictionary<Guid, CatalogSegment>();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("SELECT object_type, key, label, type FROM custom_field_definitions WHERE object_type IN ('Contact', 'Company')"),
                new("SELECT key FROM cdp_identify_trait_keys"),
                new("SELECT id, key, name, kind FROM cdp_computed_traits"),
                new($"""
                    WITH RECURSIVE names AS (
                        (SELECT event FROM cdp_events WHERE event IS NOT NULL ORDER BY event LIMIT 1)
                        UNION ALL
                        SELECT (SELECT e.event FROM cdp_events e WHERE e.event > n.event ORDER BY e.event LIMIT 1) FROM names n WHERE n.event IS NOT NULL
                    )
                    SELECT event FROM names WHERE event IS NOT NULL LIMIT {MaxEventNames}
                    """),
                new("SELECT p.id, p.name, s.id, s.name FROM pipelines p LEFT JOIN pipeline_stages s ON s.pipeline_id = p.id"),
                new("SELECT id, name, definition::text FROM segments"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var company = reader.GetString(0) == nameof(CrmObjectType.Company);
            var key = (company ? BuiltInFields.CompanyCustomPrefix : BuiltInFields.CustomPrefix) + reader.GetString(1);
            fields[key] = new CatalogField(key, (company ? "Company " : "") + reader.GetString(2), Enum.TryParse<CustomFieldType>(reader.GetString(3), out var type) ? TypeOf(type) : FieldValueType.Text);
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = BuiltInFields.IdentifyPrefix + reader.GetString(0);
            fields[key] = new CatalogField(key, reader.GetString(0), FieldValueType.Any);
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = BuiltInFields.TraitPrefix + reader.GetString(1);
            var kind = Enum.TryParse<TraitKind>(reader.GetString(3), out var k) ? k : TraitKind.LastValue;
            var type = kind switch
            {
                TraitKind.MostFrequent => FieldValueType.Text,
                TraitKind.FirstValue or TraitKind.LastValue => FieldValueType.Any,
                _ => FieldValueType.Number,
            };
            fields[key] = new CatalogField(key, reader.GetString(2), type, reader.GetGuid(0));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(reader.GetString(0));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            if (!pipelines.TryGetValue(id, out var pipeline))
            {
                pipelines[id] = pipeline = (reader.GetString(1), new Dictionary<Guid, string>());
            }

            if (!reader.IsDBNull(2))
            {
                pipeline.Stages[reader.GetGuid(2)] = reader.GetString(3);
            }
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            segments[id] = new CatalogSegment(id, reader.GetString(1), ConditionValidator.SegmentReferences(ConditionJson.Deserialize(reader.GetString(2))));
        }

        return new ConditionCatalog(
            fields,
            events,
            pipelines.ToDictionary(p => p.Key, p => new CatalogPipeline(p.Key, p.Value.Name, p.Value.Stages)),
            segments);
    }

    /// <summary>Properties are not registered anywhere, so they are read from a sample: the latest events of the name (the event-name index), not a pass over all of them.</summary>
    public async Task<IReadOnlyList<CatalogProperty>> PropertiesAsync(string eventName, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $$"""
            WITH recent AS (
                SELECT properties FROM cdp_events WHERE event = @event ORDER BY "timestamp" DESC LIMIT {{PropertySample}}
            ), top AS (
                SELECT k.key, k.value FROM recent r CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(r.properties) = 'object' THEN r.properties ELSE '{}' END) k
            ), keys AS (
                SELECT key, jsonb_typeof(value) AS type FROM top
                UNION ALL
                SELECT t.key || '.' || n.key, jsonb_typeof(n.value) FROM top t CROSS JOIN LATERAL jsonb_each(t.value) n WHERE jsonb_typeof(t.value) = 'object'
            )
            SELECT key, mode() WITHIN GROUP (ORDER BY type) FROM keys GROUP BY key ORDER BY count(*) DESC, key LIMIT {{MaxProperties}}
            """,
            connection);
        command.Parameters.AddWithValue("event", eventName);
        var properties = new List<CatalogProperty>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var type = reader.GetString(1) switch
            {
                "string" => FieldValueType.Text,
                "number" => FieldValueType.Number,
                "boolean" => FieldValueType.Boolean,
                _ => FieldValueType.Any,
            };
            properties.Add(new CatalogProperty(reader.GetString(0), type));
        }

        return properties;
    }

    private static FieldValueType TypeOf(CustomFieldType type) => type switch
    {
        CustomFieldType.Number => FieldValueType.Number,
        CustomFieldType.Date => FieldValueType.Date,
        CustomFieldType.Boolean => FieldValueType.Boolean,
        CustomFieldType.MultiSelect => FieldValueType.List,
        _ => FieldValueType.Text,
    };
}
