using System.Globalization;
using System.Text.Json;
using Monfri.Domain.Conditions;
using static Monfri.Application.Conditions.Text.ConditionTextSyntax;

namespace Monfri.Application.Conditions.Text;

/// <summary>
/// Writes a tree as canonical text. Every choice here has its inverse in <see cref="ConditionTextParser"/>: a group of
/// two or more is written infix (in parentheses when nested), a group of one as <c>all(…)</c> / <c>any(…)</c>, a
/// negated group as <c>not (…)</c>, a negated single condition as <c>not …</c>; defaults are left out.
/// </summary>
internal sealed class ConditionTextPrinter(ConditionCatalog catalog)
{
    public string Print(Condition condition) => Node(condition, nested: false);

    private string Node(Condition condition, bool nested) => condition switch
    {
        GroupCondition g => Group(g, nested),
        FieldCondition f => Comparison(f.Field, f.Op, f.Value),
        EventCondition e => Event(e),
        DealCondition d => Deal(d),
        IdentifiedCondition i => i.Identified ? Identified : Anonymous,
        SegmentMembershipCondition s => $"{InSegment}({SegmentName(s.SegmentId)})",
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "No text form for this kind of condition."),
    };

    private string Group(GroupCondition g, bool nested)
    {
        var children = g.Conditions ?? [];
        var word = g.Op == GroupOperator.And ? All : Any;
        if (!g.Not)
        {
            if (children.Count >= 2)
            {
                var infix = Infix(g.Op, children);
                return nested ? $"({infix})" : infix;
            }

            return $"{word}({string.Join(", ", children.Select(c => Node(c, nested: false)))})";
        }

        if (g.Op == GroupOperator.And && children is [var only] && only is not GroupCondition)
        {
            return "not " + Node(only, nested: true);
        }

        return children.Count >= 2
            ? $"not ({Infix(g.Op, children)})"
            : $"not {word}({string.Join(", ", children.Select(c => Node(c, nested: false)))})";
    }

    private string Infix(GroupOperator op, IReadOnlyList<Condition> children) =>
        string.Join(op == GroupOperator.And ? " and " : " or ", children.Select(c => Node(c, nested: true)));

    private static string Comparison(string name, ConditionOperator op, JsonElement? value) => op switch
    {
        ConditionOperator.IsSet or ConditionOperator.NotSet => $"{Name(name)} {Operator(op)}",
        ConditionOperator.InLastDays when value is { ValueKind: JsonValueKind.Number } days && PlainInteger(days) =>
            $"{Name(name)} within {days.GetRawText()}d",
        _ => $"{Name(name)} {Operator(op)} {Literal(value)}",
    };

    private static bool PlainInteger(JsonElement number) => number.GetRawText().All(char.IsAsciiDigit);

    public static string Literal(JsonElement? value) => value switch
    {
        null => "null",
        { ValueKind: JsonValueKind.String } s => Quote(s.GetString()!),
        { ValueKind: JsonValueKind.Array } a => "[" + string.Join(", ", a.EnumerateArray().Select(e => Literal(e))) + "]",
        { ValueKind: JsonValueKind.True } => "true",
        { ValueKind: JsonValueKind.False } => "false",
        { ValueKind: JsonValueKind.Null } => "null",
        // Numbers exactly as they were written; objects (which the validator refuses) as JSON, which does not parse back.
        var other => other.Value.GetRawText(),
    };

    private static string Event(EventCondition e)
    {
        var args = new List<string> { Quote(e.Event ?? "") };
        if (e.Where is { Count: > 0 } where)
        {
            args.Add("where: " + string.Join(" and ", where.Select(p => Comparison(p.Property, p.Op, p.Value))));
        }

        var function = e.Frequency switch
        {
            EventFrequency.None => DidNotPerform,
            EventFrequency.First => FirstPerformed,
            _ => Performed,
        };
        switch (e.Frequency)
        {
            case EventFrequency.AtLeast when e.Count != 1:
                args.Add($"count >= {e.Count.ToString(CultureInfo.InvariantCulture)}");
                break;
            case EventFrequency.AtMost:
                args.Add($"count <= {e.Count.ToString(CultureInfo.InvariantCulture)}");
                break;
            case EventFrequency.Exactly:
                args.Add($"count = {e.Count.ToString(CultureInfo.InvariantCulture)}");
                break;
        }

        if (e.Window is { } window)
        {
            if (window.LastDays is { } days)
            {
                args.Add($"within: {days.ToString(CultureInfo.InvariantCulture)}d");
            }

            if (window.From is { } from)
            {
                args.Add("from: " + Quote(Date(from)));
            }

            if (window.To is { } to)
            {
                args.Add("to: " + Quote(Date(to)));
            }
        }

        return $"{function}({string.Join(", ", args)})";
    }

    /// <summary>A day at UTC midnight as <c>yyyy-MM-dd</c>, any other moment as ISO 8601 with its offset.</summary>
    public static string Date(DateTimeOffset at) =>
        at.Offset == TimeSpan.Zero && at.TimeOfDay == TimeSpan.Zero
            ? at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private string Deal(DealCondition d)
    {
        var args = new List<string>();
        if (d.State != DealState.Any)
        {
            args.Add("state: " + d.State.ToString().ToLowerInvariant());
        }

        CatalogPipeline? pipeline = null;
        if (d.PipelineId is { } pipelineId)
        {
            var named = catalog.Pipelines.TryGetValue(pipelineId, out pipeline)
                        && catalog.Pipelines.Values.Count(p => string.Equals(p.Name, pipeline.Name, StringComparison.OrdinalIgnoreCase)) == 1;
            args.Add("pipeline: " + Quote(named ? pipeline!.Name : pipelineId.ToString()));
        }

        if (d.StageId is { } stageId)
        {
            // The name is written only when it finds this stage again where the parser will look (the pipeline, or all).
            List<CatalogPipeline> scope = pipeline is not null ? [pipeline] : [.. catalog.Pipelines.Values];
            var owners = scope.Where(p => p.Stages.ContainsKey(stageId)).ToList();
            var name = owners is [var owner] ? owner.Stages[stageId] : null;
            var unique = name is not null && scope.Sum(p => p.Stages.Values.Count(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase))) == 1;
            args.Add("stage: " + Quote(unique ? name! : stageId.ToString()));
        }

        if (d.WithinDays is { } days)
        {
            args.Add($"within: {days.ToString(CultureInfo.InvariantCulture)}d");
        }

        if (d.AmountOp is { } op)
        {
            args.Add($"amount {Operator(op)} {(d.Amount is { } amount ? amount.ToString(CultureInfo.InvariantCulture) : "null")}");
        }

        return $"{HasDeal}({string.Join(", ", args)})";
    }

    private string SegmentName(Guid id) =>
        catalog.Segments.TryGetValue(id, out var segment)
        && catalog.Segments.Values.Count(s => string.Equals(s.Name, segment.Name, StringComparison.OrdinalIgnoreCase)) == 1
        && !Guid.TryParse(segment.Name, out _)
            ? Quote(segment.Name)
            : Quote(id.ToString());
}
