using System.Globalization;
using System.Text.Json;
using Monfri.Domain.Conditions;

namespace Monfri.Web.Features.Segments;

/// <summary>
/// One row of the visual builder, editable field by field, turned into a <see cref="Condition"/> on every change.
/// The builder edits one group of rows (all / any, optionally negated); a definition with nested groups or settings
/// the rows cannot show is edited as JSON instead (<see cref="TryFrom"/> returns false for it).
/// </summary>
public sealed class ConditionRow
{
    public const string FieldKind = "field";
    public const string EventKind = "event";
    public const string DealKind = "deal";
    public const string IdentifiedKind = "identified";
    public const string SegmentKind = "segment";

    public string Kind { get; set; } = FieldKind;
    public string? Field { get; set; }
    public ConditionOperator Op { get; set; } = ConditionOperator.Equal;

    /// <summary>The value as typed; a list for "in" is comma-separated.</summary>
    public string? Value { get; set; }

    public string? Event { get; set; }
    public EventFrequency Frequency { get; set; } = EventFrequency.AtLeast;
    public int Count { get; set; } = 1;
    public int? LastDays { get; set; }
    public bool Identified { get; set; } = true;
    public Guid? SegmentId { get; set; }
    public DealState DealState { get; set; } = DealState.Any;
    public Guid? PipelineId { get; set; }
    public int? WithinDays { get; set; }

    public Condition ToCondition() => Kind switch
    {
        EventKind => new EventCondition(Event ?? "", Frequency, Count, null, LastDays is null ? null : new TimeWindow(LastDays)),
        DealKind => new DealCondition(DealState, PipelineId, null, WithinDays),
        IdentifiedKind => new IdentifiedCondition(Identified),
        SegmentKind => new SegmentMembershipCondition(SegmentId ?? Guid.Empty),
        _ => new FieldCondition(Field ?? "", Op, ValueJson()),
    };

    private JsonElement? ValueJson()
    {
        if (Op is ConditionOperator.IsSet or ConditionOperator.NotSet)
        {
            return null;
        }

        return Op == ConditionOperator.In
            ? JsonSerializer.SerializeToElement((Value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            : JsonSerializer.SerializeToElement(Value ?? "");
    }

    /// <summary>Rows for a definition the builder can show; false for one it cannot (nested groups, property conditions, dates between).</summary>
    public static bool TryFrom(Condition definition, out GroupOperator op, out bool not, out List<ConditionRow> rows)
    {
        rows = [];
        var group = definition as GroupCondition ?? new GroupCondition(GroupOperator.And, [definition]);
        (op, not) = (group.Op, group.Not);
        foreach (var condition in group.Conditions)
        {
            ConditionRow? row = condition switch
            {
                FieldCondition f => new ConditionRow { Kind = FieldKind, Field = f.Field, Op = f.Op, Value = Text(f.Value) },
                EventCondition { Where: null or { Count: 0 } } e when e.Window is null || (e.Window.LastDays is not null) =>
                    new ConditionRow { Kind = EventKind, Event = e.Event, Frequency = e.Frequency, Count = e.Count, LastDays = e.Window?.LastDays },
                DealCondition { StageId: null, AmountOp: null } d => new ConditionRow { Kind = DealKind, DealState = d.State, PipelineId = d.PipelineId, WithinDays = d.WithinDays },
                IdentifiedCondition i => new ConditionRow { Kind = IdentifiedKind, Identified = i.Identified },
                SegmentMembershipCondition s => new ConditionRow { Kind = SegmentKind, SegmentId = s.SegmentId },
                _ => null,
            };
            if (row is null)
            {
                return false;
            }

            rows.Add(row);
        }

        return true;
    }

    private static string? Text(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } a => string.Join(", ", a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetDecimal().ToString(CultureInfo.InvariantCulture),
        var other => other.Value.GetRawText(),
    };
}
