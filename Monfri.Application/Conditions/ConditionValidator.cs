using System.Text.Json;
using Monfri.Application.Common.Results;
using Monfri.Domain.Conditions;

namespace Monfri.Application.Conditions;

/// <summary>
/// Checks a condition tree against what exists (<see cref="ConditionCatalog"/>): unknown fields, events, pipelines,
/// stages and segments, values of the wrong type for their field, absurd windows and counts, a segment that would
/// refer to itself through others, and trees too large to run. Every message names the condition by its position
/// (<c>Condition 2.1</c>, groups numbered from 1) and what it says, so a form or an API client can find it.
/// </summary>
public static class ConditionValidator
{
    public const int MaxDepth = 8;
    public const int MaxConditions = 100;
    public const int MaxWhere = 20;

    /// <param name="self">The segment being saved (null for a new one or a definition that is not a segment): a reference back to it is a cycle.</param>
    public static IReadOnlyList<ResultError> Validate(Condition? root, ConditionCatalog catalog, Guid? self = null)
    {
        var errors = new List<ResultError>();
        if (root is null)
        {
            errors.Add(new("A definition is required.", "definition"));
            return errors;
        }

        var count = 0;
        Visit(root, "", 1, catalog, self, errors, ref count);
        if (count > MaxConditions)
        {
            errors.Add(new($"A definition may hold at most {MaxConditions} conditions; this one has {count}.", "definition"));
        }

        return errors;
    }

    private static void Visit(Condition node, string position, int depth, ConditionCatalog catalog, Guid? self, List<ResultError> errors, ref int count)
    {
        count++;
        var name = position.Length == 0 ? "The definition" : $"Condition {position}";
        void Fail(string message) => errors.Add(new($"{name} ({Describe(node, catalog)}): {message}", "definition"));

        switch (node)
        {
            case GroupCondition group:
                if (depth > MaxDepth)
                {
                    Fail($"groups may be nested at most {MaxDepth} deep.");
                    return;
                }

                if (group.Conditions is not { Count: > 0 })
                {
                    Fail("a group needs at least one condition.");
                    return;
                }

                for (var i = 0; i < group.Conditions.Count; i++)
                {
                    var child = group.Conditions[i];
                    var childPosition = position.Length == 0 ? $"{i + 1}" : $"{position}.{i + 1}";
                    if (child is null)
                    {
                        errors.Add(new($"Condition {childPosition} is empty.", "definition"));
                        continue;
                    }

                    Visit(child, childPosition, depth + 1, catalog, self, errors, ref count);
                }

                break;

            case FieldCondition field:
                if (string.IsNullOrWhiteSpace(field.Field) || !catalog.Fields.TryGetValue(field.Field, out var known))
                {
                    Fail($"there is no field '{field.Field}'.{Suggest(field.Field)}");
                    return;
                }

                if (CheckComparison(known.Type, field.Op, field.Value) is { } problem)
                {
                    Fail(problem);
                }

                break;

            case EventCondition e:
                if (string.IsNullOrWhiteSpace(e.Event) || !catalog.EventNames.Contains(e.Event))
                {
                    Fail($"no event named \"{e.Event}\" has been received.");
                }

                if (e.Frequency is EventFrequency.AtLeast && e.Count < 1)
                {
                    Fail("\"at least\" needs a count of 1 or more (use \"did not perform\" for none).");
                }
                else if (e.Frequency is EventFrequency.AtMost or EventFrequency.Exactly && e.Count < 0)
                {
                    Fail("the count cannot be negative.");
                }

                if (e.Count > ConditionValues.MaxCount)
                {
                    Fail($"the count may be at most {ConditionValues.MaxCount:N0}.");
                }

                if (e.Frequency == EventFrequency.First && e.Window is null)
                {
                    Fail("\"first performed\" needs a window (in the last N days, or between dates).");
                }

                if (CheckWindow(e.Window) is { } windowProblem)
                {
                    Fail(windowProblem);
                }

                if (e.Where is { Count: > MaxWhere })
                {
                    Fail($"at most {MaxWhere} property conditions.");
                }

                foreach (var where in e.Where ?? [])
                {
                    if (where is null || !Domain.Cdp.ComputedTrait.IsValidPath(where.Property))
                    {
                        Fail($"'{where?.Property}' is not a property name (letters, digits, _ - $ and spaces, dotted for nested properties).");
                    }
                    else if (CheckComparison(FieldValueType.Any, where.Op, where.Value) is { } whereProblem)
                    {
                        Fail($"where {where.Property}: {whereProblem}");
                    }
                }

                break;

            case DealCondition deal:
                CatalogPipeline? pipeline = null;
                if (deal.PipelineId is { } pipelineId && !catalog.Pipelines.TryGetValue(pipelineId, out pipeline))
                {
                    Fail($"there is no pipeline {pipelineId}.");
                }

                if (deal.StageId is { } stageId)
                {
                    var owner = catalog.Pipelines.Values.FirstOrDefault(p => p.Stages.ContainsKey(stageId));
                    if (owner is null)
                    {
                        Fail($"there is no stage {stageId}.");
                    }
                    else if (pipeline is not null && owner.Id != pipeline.Id)
                    {
                        Fail($"stage '{owner.Stages[stageId]}' is not in pipeline '{pipeline.Name}'.");
                    }
                }

                if (deal.WithinDays is { } days && days is < 1 or > ConditionValues.MaxDays)
                {
                    Fail($"the window must be 1 to {ConditionValues.MaxDays} days, not {days}.");
                }

                if (deal.AmountOp is { } amountOp)
                {
                    if (!ConditionValues.IsNumericComparison(amountOp) && amountOp is not (ConditionOperator.Equal or ConditionOperator.NotEqual))
                    {
                        Fail($"the amount is compared with eq, neq, gt, gte, lt or lte, not {OperatorName(amountOp)}.");
                    }
                    else if (deal.Amount is null)
                    {
                        Fail("an amount comparison needs an amount.");
                    }
                }

                break;

            case SegmentMembershipCondition member:
                if (!catalog.Segments.ContainsKey(member.SegmentId) && member.SegmentId != self)
                {
                    Fail($"there is no segment {member.SegmentId}.");
                }
                else if (self is { } me && ReachesSelf(member.SegmentId, me, catalog))
                {
                    Fail("a segment cannot include itself, directly or through other segments.");
                }

                break;

            case IdentifiedCondition:
                break;

            default:
                Fail("unknown kind of condition.");
                break;
        }
    }

    private static bool ReachesSelf(Guid start, Guid self, ConditionCatalog catalog)
    {
        var seen = new HashSet<Guid>();
        var stack = new Stack<Guid>([start]);
        while (stack.TryPop(out var id))
        {
            if (id == self)
            {
                return true;
            }

            if (seen.Add(id) && catalog.Segments.TryGetValue(id, out var segment))
            {
                foreach (var next in segment.References)
                {
                    stack.Push(next);
                }
            }
        }

        return false;
    }

    private static string? CheckWindow(TimeWindow? window)
    {
        if (window is null)
        {
            return null;
        }

        if (window.LastDays is { } days)
        {
            if (window.From is not null || window.To is not null)
            {
                return "a window is either the last N days or between two dates, not both.";
            }

            return days is < 1 or > ConditionValues.MaxDays ? $"the window must be 1 to {ConditionValues.MaxDays} days, not {days}." : null;
        }

        if (window.From is null && window.To is null)
        {
            return "a window needs the last N days or dates.";
        }

        return window.From >= window.To ? "the window's start must be before its end." : null;
    }

    /// <summary>Null when <paramref name="value"/> suits <paramref name="op"/> on a field of <paramref name="type"/>; else why not.</summary>
    public static string? CheckComparison(FieldValueType type, ConditionOperator op, JsonElement? value)
    {
        if (!BuiltInFields.OperatorsFor(type).Contains(op))
        {
            return $"a {type.ToString().ToLowerInvariant()} field cannot be compared with {OperatorName(op)}; use {string.Join(", ", BuiltInFields.OperatorsFor(type).Select(OperatorName))}.";
        }

        if (ConditionValues.TakesNoValue(op))
        {
            return null;
        }

        if (op == ConditionOperator.InLastDays)
        {
            return ConditionValues.TryDays(value, out _) ? null : $"{Show(value)} is not a number of days from 1 to {ConditionValues.MaxDays}.";
        }

        if (op == ConditionOperator.In)
        {
            if (!ConditionValues.TryList(value, out var items))
            {
                return $"'in' needs a list of 1 to {ConditionValues.MaxListLength} values, not {Show(value)}.";
            }

            return items.Select(i => CheckOne(type == FieldValueType.List || type == FieldValueType.Any ? FieldValueType.Text : type, op, i)).FirstOrDefault(p => p is not null);
        }

        return CheckOne(type, op, value);
    }

    private static string? CheckOne(FieldValueType type, ConditionOperator op, JsonElement? value) => type switch
    {
        FieldValueType.Number => ConditionValues.TryNumber(value, out _) ? null : $"{Show(value)} is not a number.",
        FieldValueType.Date => ConditionValues.TryDate(value, out _) ? null : $"{Show(value)} is not a date (yyyy-MM-dd or an ISO date-time).",
        FieldValueType.Boolean => ConditionValues.TryBoolean(value, out _) ? null : $"{Show(value)} is not true or false.",
        FieldValueType.User => value is { ValueKind: JsonValueKind.String } v && Guid.TryParse(v.GetString(), out _) ? null : $"{Show(value)} is not a user id.",
        FieldValueType.Any when ConditionValues.IsNumericComparison(op) => ConditionValues.TryNumber(value, out _) ? null : $"{Show(value)} is not a number.",
        _ => ConditionValues.TryText(value, out _) ? null : $"{Show(value)} is not a text of at most {ConditionValues.MaxTextLength} characters.",
    };

    private static string Show(JsonElement? value) => value is { } v ? v.GetRawText() is { Length: <= 60 } raw ? raw : v.GetRawText()[..57] + "…" : "no value";

    private static string Suggest(string? field) =>
        field is not null && field.Contains('.', StringComparison.Ordinal) ? "" :
        $" Custom fields are custom.{{key}}, identify traits identify.{{key}}, computed traits trait.{{key}}, company fields company.{{field}}.";

    /// <summary>The operator as it is written in JSON (<c>gte</c>, <c>in_last_days</c>).</summary>
    public static string OperatorName(ConditionOperator op) => JsonSerializer.Serialize(op, ConditionJson.Options).Trim('"');

    /// <summary>A condition in a few words, for messages and lists.</summary>
    public static string Describe(Condition node, ConditionCatalog? catalog = null) => node switch
    {
        GroupCondition g => $"{(g.Not ? "not " : "")}{(g.Op == GroupOperator.And ? "all" : "any")} of {g.Conditions?.Count ?? 0}",
        FieldCondition f => ConditionValues.TakesNoValue(f.Op) ? $"{f.Field} {OperatorName(f.Op)}" : $"{f.Field} {OperatorName(f.Op)} {Show(f.Value)}",
        EventCondition e => e.Frequency switch
        {
            EventFrequency.None => $"did not perform \"{e.Event}\"",
            EventFrequency.First => $"first performed \"{e.Event}\"",
            EventFrequency.AtMost => $"performed \"{e.Event}\" at most {e.Count} times",
            EventFrequency.Exactly => $"performed \"{e.Event}\" exactly {e.Count} times",
            _ => $"performed \"{e.Event}\" at least {e.Count} times",
        },
        DealCondition d => d.State == DealState.Any ? "has a deal" : $"has a {d.State.ToString().ToLowerInvariant()} deal",
        IdentifiedCondition i => i.Identified ? "identified" : "anonymous",
        SegmentMembershipCondition s => catalog?.Segments.TryGetValue(s.SegmentId, out var seg) == true ? $"member of '{seg.Name}'" : $"member of segment {s.SegmentId}",
        _ => node.GetType().Name,
    };

    /// <summary>The segments a definition refers to (for cycle checks and evaluation order).</summary>
    public static IReadOnlyList<Guid> SegmentReferences(Condition node) => node switch
    {
        GroupCondition g => (g.Conditions ?? []).Where(c => c is not null).SelectMany(SegmentReferences).Distinct().ToList(),
        SegmentMembershipCondition s => [s.SegmentId],
        _ => [],
    };

    /// <summary>Whether membership can change with time alone ("in the last N days", computed traits that age): the scheduled pass re-evaluates these.</summary>
    public static bool IsTimeRelative(Condition node) => node switch
    {
        GroupCondition g => (g.Conditions ?? []).Any(c => c is not null && IsTimeRelative(c)),
        FieldCondition f => f.Op == ConditionOperator.InLastDays || f.Field.StartsWith(BuiltInFields.TraitPrefix, StringComparison.Ordinal),
        EventCondition e => e.Window?.LastDays is not null || e.Window?.To is not null || e.Window?.From is not null,
        DealCondition d => d.WithinDays is not null,
        _ => false,
    };
}
