using System.Globalization;
using System.Text.Json;
using Monfri.Application.Conditions;
using Monfri.Domain.Conditions;
using Npgsql;

namespace Monfri.Infrastructure.Conditions;

/// <summary>A condition as a SQL predicate over <c>people p</c> with its parameters.</summary>
public sealed record CompiledCondition(string Where, IReadOnlyList<NpgsqlParameter> Parameters);

/// <summary>
/// The one compiler from a condition tree (<see cref="Condition"/>) to a SQL predicate over <c>people p</c>. User
/// input never becomes SQL text: every value, field key, property path and event name is a parameter; what is
/// written into the text is chosen here from fixed column names. Every leaf is <c>coalesce(…, false)</c> so that
/// NOT of a missing value is true (SQL's three-valued logic would otherwise drop people without the field from
/// both a condition and its negation). "Now" comes from the app's clock, so tests move it.
/// The tree must have passed <see cref="ConditionValidator"/> against the same catalog.
/// </summary>
public sealed class ConditionSqlCompiler
{
    private readonly ConditionCatalog _catalog;
    private readonly DateTimeOffset _now;
    private readonly List<NpgsqlParameter> _parameters = [];

    private ConditionSqlCompiler(ConditionCatalog catalog, DateTimeOffset now)
    {
        _catalog = catalog;
        _now = now.ToUniversalTime();
    }

    public static CompiledCondition Compile(Condition root, ConditionCatalog catalog, DateTimeOffset now)
    {
        var compiler = new ConditionSqlCompiler(catalog, now);
        var sql = compiler.Node(root);
        return new CompiledCondition(sql, compiler._parameters);
    }

    /// <summary>How a source's SQL expression is typed.</summary>
    private enum SourceKind
    {
        Text,
        Number,
        Timestamp,
        Uuid,
        TextArray,
        Json,
    }

    private sealed record Source(string Sql, SourceKind Kind);

    private string Param<T>(T value)
    {
        var name = $"c{_parameters.Count}";
        _parameters.Add(new NpgsqlParameter<T>(name, value));
        return "@" + name;
    }

    private string Node(Condition node) => node switch
    {
        GroupCondition g => Group(g),
        FieldCondition f => Leaf(Field(f)),
        EventCondition e => Leaf(Event(e)),
        DealCondition d => Leaf(Deal(d)),
        IdentifiedCondition i => Leaf($"p.is_contact = {Param(i.Identified)}"),
        SegmentMembershipCondition s => Leaf($"EXISTS (SELECT 1 FROM segment_members sm WHERE sm.segment_id = {Param(s.SegmentId)} AND sm.person_id = p.id)"),
        _ => throw new ArgumentException($"Unknown condition {node.GetType().Name}.", nameof(node)),
    };

    private static string Leaf(string predicate) => $"coalesce(({predicate}), false)";

    private string Group(GroupCondition g)
    {
        var joined = string.Join(g.Op == GroupOperator.And ? " AND " : " OR ", g.Conditions.Select(Node));
        return g.Not ? $"NOT ({joined})" : $"({joined})";
    }

    // ---- fields -------------------------------------------------------------------------------------------

    private static readonly HashSet<string> PersonTextColumns = ["email", "first_name", "last_name", "phone", "job_title", "lead_source", "lifecycle_stage"];
    private static readonly HashSet<string> PersonDateColumns = ["created_at", "first_seen_at", "last_seen_at", "last_activity_at"];
    private static readonly HashSet<string> StatsColumns =
    [
        "first_touch_at", "first_touch_source", "first_touch_medium", "first_touch_campaign",
        "last_touch_at", "last_touch_source", "last_touch_medium", "last_touch_campaign",
    ];

    private static readonly Dictionary<string, (string Column, SourceKind Kind)> CompanyColumns = new()
    {
        ["company.name"] = ("name", SourceKind.Text),
        ["company.domain"] = ("domain", SourceKind.Text),
        ["company.industry"] = ("industry", SourceKind.Text),
        ["company.size"] = ("size", SourceKind.Text),
        ["company.tags"] = ("tags", SourceKind.TextArray),
    };

    private string Field(FieldCondition f)
    {
        var field = _catalog.Fields[f.Field];
        return Compare(SourceOf(field), field.Type, f.Op, f.Value);
    }

    private Source SourceOf(CatalogField field)
    {
        var key = field.Key;
        if (PersonTextColumns.Contains(key))
        {
            return new($"p.{key}", SourceKind.Text);
        }

        if (PersonDateColumns.Contains(key))
        {
            return new($"p.{key}", SourceKind.Timestamp);
        }

        if (StatsColumns.Contains(key))
        {
            return new($"(SELECT s.{key} FROM cdp_profile_stats s WHERE s.person_id = p.id)", key.EndsWith("_at", StringComparison.Ordinal) ? SourceKind.Timestamp : SourceKind.Text);
        }

        if (CompanyColumns.TryGetValue(key, out var company))
        {
            return new($"(SELECT c.{company.Column} FROM companies c WHERE c.id = p.company_id)", company.Kind);
        }

        return key switch
        {
            "owner" => new("p.owner_id", SourceKind.Uuid),
            "tags" => new("p.tags", SourceKind.TextArray),
            // Counted when read, as the profile page does (decision 012): an index-only count per person.
            "total_events" => new("(SELECT count(*) FROM cdp_events e WHERE e.person_id = p.id)", SourceKind.Number),
            "open_deal_value" => new(
                "(SELECT coalesce(sum(d.amount), 0) FROM deal_contacts dc JOIN deals d ON d.id = dc.deal_id WHERE dc.person_id = p.id AND d.status = 'Open')",
                SourceKind.Number),
            _ when key.StartsWith(BuiltInFields.CompanyCustomPrefix, StringComparison.Ordinal) =>
                new($"(SELECT c.custom_fields -> {Param(key[BuiltInFields.CompanyCustomPrefix.Length..])} FROM companies c WHERE c.id = p.company_id)", SourceKind.Json),
            _ when key.StartsWith(BuiltInFields.CustomPrefix, StringComparison.Ordinal) =>
                new($"(p.custom_fields -> {Param(key[BuiltInFields.CustomPrefix.Length..])})", SourceKind.Json),
            _ when key.StartsWith(BuiltInFields.IdentifyPrefix, StringComparison.Ordinal) =>
                new($"(SELECT t.traits -> {Param(key[BuiltInFields.IdentifyPrefix.Length..])} FROM cdp_profile_traits t WHERE t.person_id = p.id)", SourceKind.Json),
            _ when field.TraitId is { } traitId && field.Type == FieldValueType.Number =>
                new($"(SELECT v.number_value FROM cdp_trait_values v WHERE v.person_id = p.id AND v.trait_id = {Param(traitId)})", SourceKind.Number),
            _ when field.TraitId is { } traitId =>
                new($"(SELECT v.value FROM cdp_trait_values v WHERE v.person_id = p.id AND v.trait_id = {Param(traitId)})", SourceKind.Json),
            _ => throw new ArgumentException($"The field '{key}' has no source.", nameof(field)),
        };
    }

    // ---- comparisons --------------------------------------------------------------------------------------

    /// <summary>A numeric string or JSON number as numeric, else null — never an error on data a sender typed.</summary>
    private static string SafeNumber(string text) =>
        $"(CASE WHEN {text} ~ '^\\s*[-+]?([0-9]{{1,30}}(\\.[0-9]{{0,30}})?|\\.[0-9]{{1,30}})\\s*$' THEN trim({text})::numeric END)";

    /// <summary>The scalar text of a source (JSON scalars unwrapped; objects and arrays are not text).</summary>
    private static string TextOf(Source s) => s.Kind switch
    {
        SourceKind.Json => $"(CASE WHEN jsonb_typeof({s.Sql}) IN ('string', 'number', 'boolean') THEN {s.Sql} #>> '{{}}' END)",
        SourceKind.Uuid => $"({s.Sql})::text",
        SourceKind.Number => $"({s.Sql})::text",
        _ => s.Sql,
    };

    private static string NumberOf(Source s) => s.Kind == SourceKind.Number ? s.Sql : SafeNumber(TextOf(s));

    private string Compare(Source source, FieldValueType type, ConditionOperator op, JsonElement? value)
    {
        if (op is ConditionOperator.IsSet or ConditionOperator.NotSet)
        {
            var set = source.Kind switch
            {
                SourceKind.TextArray => $"cardinality({source.Sql}) > 0",
                SourceKind.Json => $"(jsonb_typeof({source.Sql}) NOT IN ('null') AND coalesce({source.Sql} NOT IN ('\"\"'::jsonb, '[]'::jsonb), false))",
                SourceKind.Text => $"coalesce({source.Sql}, '') <> ''",
                _ => $"{source.Sql} IS NOT NULL",
            };
            return op == ConditionOperator.IsSet ? set : $"NOT coalesce(({set}), false)";
        }

        return type switch
        {
            FieldValueType.Number => CompareNumber(NumberOf(source), op, value),
            FieldValueType.Date => CompareDate(source, op, value),
            FieldValueType.Boolean => CompareBoolean(source, value),
            FieldValueType.List => CompareList(source, op, value),
            FieldValueType.User => CompareUser(source, op, value),
            FieldValueType.Any when ConditionValues.IsNumericComparison(op) => CompareNumber(NumberOf(source), op, value),
            _ => CompareText(TextOf(source), op, value),
        };
    }

    private string CompareText(string text, ConditionOperator op, JsonElement? value)
    {
        if (op == ConditionOperator.In)
        {
            ConditionValues.TryList(value, out var items);
            var list = items.Select(i => ConditionValues.TryText(i, out var t) ? t.ToLowerInvariant() : "").ToArray();
            return $"lower({text}) = ANY({Param(list)})";
        }

        ConditionValues.TryText(value, out var v);
        var p = Param(v);
        return op switch
        {
            ConditionOperator.Equal => $"lower({text}) = lower({p})",
            ConditionOperator.NotEqual => $"lower({text}) IS DISTINCT FROM lower({p})",
            ConditionOperator.Contains => $"strpos(lower({text}), lower({p})) > 0",
            ConditionOperator.StartsWith => $"starts_with(lower({text}), lower({p}))",
            _ => throw new ArgumentException($"Text cannot be compared with {op}.", nameof(op)),
        };
    }

    private string CompareNumber(string number, ConditionOperator op, JsonElement? value)
    {
        if (op == ConditionOperator.In)
        {
            ConditionValues.TryList(value, out var items);
            var list = items.Select(i => ConditionValues.TryNumber(i, out var n) ? n : 0m).ToArray();
            return $"{number} = ANY({Param(list)})";
        }

        ConditionValues.TryNumber(value, out var v);
        var p = Param(v);
        return op switch
        {
            ConditionOperator.Equal => $"{number} = {p}",
            ConditionOperator.NotEqual => $"{number} IS DISTINCT FROM {p}",
            ConditionOperator.GreaterThan => $"{number} > {p}",
            ConditionOperator.AtLeast => $"{number} >= {p}",
            ConditionOperator.LessThan => $"{number} < {p}",
            ConditionOperator.AtMost => $"{number} <= {p}",
            _ => throw new ArgumentException($"A number cannot be compared with {op}.", nameof(op)),
        };
    }

    private string CompareDate(Source source, ConditionOperator op, JsonElement? value)
    {
        DateTimeOffset at;
        if (op == ConditionOperator.InLastDays)
        {
            ConditionValues.TryDays(value, out var days);
            at = _now.AddDays(-days);
        }
        else
        {
            ConditionValues.TryDate(value, out at);
            at = at.ToUniversalTime();
        }

        var sign = op == ConditionOperator.Before ? "<" : op == ConditionOperator.After ? ">" : ">=";
        if (source.Kind == SourceKind.Timestamp)
        {
            return $"{source.Sql} {sign} {Param(at)}";
        }

        // Dates typed into custom fields are stored as ISO text (yyyy-MM-dd…): compared as text they order as
        // dates, and a malformed one is simply not matched instead of failing the whole evaluation.
        var day = at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var text = $"left({TextOf(source)}, 10)";
        return op == ConditionOperator.InLastDays
            ? $"({text} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' AND {text} >= {Param(day)})"
            : $"({text} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' AND {text} {sign} {Param(day)})";
    }

    private string CompareBoolean(Source source, JsonElement? value)
    {
        ConditionValues.TryBoolean(value, out var flag);
        return $"lower({TextOf(source)}) = {Param(flag ? "true" : "false")}";
    }

    private string CompareList(Source source, ConditionOperator op, JsonElement? value)
    {
        string[] wanted;
        if (op == ConditionOperator.In)
        {
            ConditionValues.TryList(value, out var items);
            wanted = items.Select(i => ConditionValues.TryText(i, out var t) ? t.ToLowerInvariant() : "").ToArray();
        }
        else
        {
            ConditionValues.TryText(value, out var t);
            wanted = [t.ToLowerInvariant()];
        }

        var elements = source.Kind == SourceKind.TextArray
            ? $"unnest({source.Sql})"
            : $"jsonb_array_elements_text(CASE WHEN jsonb_typeof({source.Sql}) = 'array' THEN {source.Sql} ELSE '[]'::jsonb END)";
        return $"EXISTS (SELECT 1 FROM {elements} x(v) WHERE lower(x.v) = ANY({Param(wanted)}))";
    }

    private string CompareUser(Source source, ConditionOperator op, JsonElement? value)
    {
        if (op == ConditionOperator.In)
        {
            ConditionValues.TryList(value, out var items);
            var ids = items.Select(i => Guid.TryParse(i.GetString(), out var g) ? g : Guid.Empty).ToArray();
            return $"{source.Sql} = ANY({Param(ids)})";
        }

        var id = Guid.Parse(value!.Value.GetString()!);
        return op == ConditionOperator.NotEqual ? $"{source.Sql} IS DISTINCT FROM {Param(id)}" : $"{source.Sql} = {Param(id)}";
    }

    // ---- events -------------------------------------------------------------------------------------------

    private string Event(EventCondition e)
    {
        var where = new List<string> { "e.person_id = p.id", $"e.event = {Param(e.Event)}" };
        foreach (var property in e.Where ?? [])
        {
            var path = Param(property.Property.Split('.'));
            where.Add(Leaf(Compare(new Source($"(e.properties #> {path})", SourceKind.Json), FieldValueType.Any, property.Op, property.Value)));
        }

        var window = new List<string>();
        if (e.Window is { } w)
        {
            if (w.LastDays is { } days)
            {
                window.Add($"e.\"timestamp\" >= {Param(_now.AddDays(-days))}");
            }

            if (w.From is { } from)
            {
                window.Add($"e.\"timestamp\" >= {Param(from.ToUniversalTime())}");
            }

            if (w.To is { } to)
            {
                window.Add($"e.\"timestamp\" < {Param(to.ToUniversalTime())}");
            }
        }

        if (e.Frequency == EventFrequency.First)
        {
            // The first time ever (property conditions included) falls inside the window.
            var first = $"(SELECT min(e.\"timestamp\") FROM cdp_events e WHERE {string.Join(" AND ", where)})";
            return string.Join(" AND ", window.Select(c => c.Replace("e.\"timestamp\"", first, StringComparison.Ordinal)));
        }

        var matching = $"FROM cdp_events e WHERE {string.Join(" AND ", where.Concat(window))}";
        return e.Frequency switch
        {
            EventFrequency.None => $"NOT EXISTS (SELECT 1 {matching})",
            // Counting stops at the first row that decides the answer: "at least 3" reads at most 3 events.
            EventFrequency.AtLeast => $"(SELECT count(*) FROM (SELECT 1 {matching} LIMIT {Param((long)e.Count)}) x) >= {Param((long)e.Count)}",
            EventFrequency.AtMost => $"(SELECT count(*) FROM (SELECT 1 {matching} LIMIT {Param((long)e.Count + 1)}) x) <= {Param((long)e.Count)}",
            _ => $"(SELECT count(*) FROM (SELECT 1 {matching} LIMIT {Param((long)e.Count + 1)}) x) = {Param((long)e.Count)}",
        };
    }

    // ---- deals --------------------------------------------------------------------------------------------

    private string Deal(DealCondition d)
    {
        var where = new List<string> { "dc.person_id = p.id" };
        if (d.PipelineId is { } pipeline)
        {
            where.Add($"d.pipeline_id = {Param(pipeline)}");
        }

        if (d.StageId is { } stage)
        {
            where.Add($"d.stage_id = {Param(stage)}");
        }

        if (d.State != DealState.Any)
        {
            where.Add($"d.status = {Param(d.State.ToString())}");
        }

        if (d.WithinDays is { } days)
        {
            var column = d.State is DealState.Won or DealState.Lost ? "d.closed_at" : d.StageId is not null ? "d.stage_entered_at" : "d.created_at";
            where.Add($"{column} >= {Param(_now.AddDays(-days))}");
        }

        if (d.AmountOp is { } op && d.Amount is { } amount)
        {
            var p = Param(amount);
            where.Add(op switch
            {
                ConditionOperator.Equal => $"d.amount = {p}",
                ConditionOperator.NotEqual => $"d.amount IS DISTINCT FROM {p}",
                ConditionOperator.GreaterThan => $"d.amount > {p}",
                ConditionOperator.AtLeast => $"d.amount >= {p}",
                ConditionOperator.LessThan => $"d.amount < {p}",
                _ => $"d.amount <= {p}",
            });
        }

        return $"EXISTS (SELECT 1 FROM deal_contacts dc JOIN deals d ON d.id = dc.deal_id WHERE {string.Join(" AND ", where)})";
    }
}
