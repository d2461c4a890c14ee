using System.Globalization;
using System.Text.Json;
using Monfri.Application.Conditions;
using Monfri.Domain.Conditions;

namespace Monfri.Web.Features.Segments;

/// <summary>
/// One node of the visual builder, editable field by field: a group (all / any, optionally negated, of child rows), a
/// condition, or a property condition of an event row. Every construct of the condition model has a row, so any
/// definition — typed as text, sent as JSON — opens in the builder. A row the user has not touched gives back exactly
/// the condition it was made from (<see cref="Original"/>), so editing one row never rewrites the others.
/// </summary>
public sealed class ConditionRow
{
    public const string GroupKind = "group";
    public const string FieldKind = "field";
    public const string EventKind = "event";
    public const string DealKind = "deal";
    public const string IdentifiedKind = "identified";
    public const string SegmentKind = "segment";

    /// <summary>A property condition inside an event row's "where".</summary>
    public const string PropertyKind = "property";

    public const string Ever = "ever";
    public const string LastDaysWindow = "last";
    public const string BetweenWindow = "between";

    public string Kind { get; set; } = FieldKind;

    /// <summary>The condition this row was read from, until the row is changed.</summary>
    public Condition? Original { get; private set; }

    private PropertyCondition? _originalProperty;

    // Group
    public GroupOperator GroupOp { get; set; } = GroupOperator.And;
    public bool Not { get; set; }
    public List<ConditionRow> Children { get; set; } = [];

    /// <summary>
    /// The builder's top group: while it is "all of" one condition it gives back that condition alone, so a
    /// definition typed as one condition stays one and removing down to one row does not leave <c>all(…)</c>.
    /// </summary>
    public bool IsRoot { get; private set; }

    // Field (and property: Field is the property's path)
    public string? Field { get; set; }
    public ConditionOperator Op { get; set; } = ConditionOperator.Equal;

    /// <summary>The value as text (a list for "in" is comma-separated).</summary>
    public string? Value { get; set; }

    public decimal? Number { get; set; }
    public DateOnly? Date { get; set; }
    public bool Flag { get; set; } = true;

    // Event
    public string? Event { get; set; }
    public EventFrequency Frequency { get; set; } = EventFrequency.AtLeast;
    public int Count { get; set; } = 1;
    public string Window { get; set; } = Ever;
    public int? LastDays { get; set; }
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
    public List<ConditionRow> Where { get; set; } = [];

    // Deal
    public DealState DealState { get; set; } = DealState.Any;
    public Guid? PipelineId { get; set; }
    public Guid? StageId { get; set; }
    public int? WithinDays { get; set; }
    public ConditionOperator? AmountOp { get; set; }
    public decimal? Amount { get; set; }

    // Identified / segment
    public bool Identified { get; set; } = true;
    public Guid? SegmentId { get; set; }

    /// <summary>Marks the row as changed by the user: from now on it is built from its fields.</summary>
    public void Touch()
    {
        Original = null;
        _originalProperty = null;
    }

    public static ConditionRow NewGroup(GroupOperator op = GroupOperator.And) => new() { Kind = GroupKind, GroupOp = op };

    /// <summary>The builder's top group for a definition.</summary>
    public static ConditionRow Root(Condition definition)
    {
        var root = definition is GroupCondition ? Read(definition) : new ConditionRow { Kind = GroupKind, Children = [Read(definition)] };
        root.IsRoot = true;
        return root;
    }

    public static ConditionRow Read(Condition condition)
    {
        var row = condition switch
        {
            GroupCondition g => new ConditionRow { Kind = GroupKind, GroupOp = g.Op, Not = g.Not, Children = (g.Conditions ?? []).Select(Read).ToList() },
            FieldCondition f => ValueRow(new ConditionRow { Kind = FieldKind, Field = f.Field, Op = f.Op }, f.Value),
            EventCondition e => new ConditionRow
            {
                Kind = EventKind, Event = e.Event, Frequency = e.Frequency, Count = e.Count,
                Window = e.Window is null ? Ever : e.Window.LastDays is not null ? LastDaysWindow : BetweenWindow,
                LastDays = e.Window?.LastDays,
                From = e.Window?.From is { } start ? DateOnly.FromDateTime(start.UtcDateTime) : null,
                To = e.Window?.To is { } end ? DateOnly.FromDateTime(end.UtcDateTime) : null,
                Where = (e.Where ?? []).Select(FromProperty).ToList(),
            },
            DealCondition d => new ConditionRow
            {
                Kind = DealKind, DealState = d.State, PipelineId = d.PipelineId, StageId = d.StageId, WithinDays = d.WithinDays, AmountOp = d.AmountOp, Amount = d.Amount,
            },
            IdentifiedCondition i => new ConditionRow { Kind = IdentifiedKind, Identified = i.Identified },
            SegmentMembershipCondition s => new ConditionRow { Kind = SegmentKind, SegmentId = s.SegmentId },
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, null),
        };
        row.Original = condition is GroupCondition ? null : condition;
        return row;
    }

    private static ConditionRow FromProperty(PropertyCondition p)
    {
        var row = ValueRow(new ConditionRow { Kind = PropertyKind, Field = p.Property, Op = p.Op }, p.Value);
        row._originalProperty = p;
        return row;
    }

    private static ConditionRow ValueRow(ConditionRow row, JsonElement? value)
    {
        row.Value = Text(value);
        row.Number = ConditionValues.TryNumber(value, out var number) ? number : null;
        row.Date = ConditionValues.TryDate(value, out var date) ? DateOnly.FromDateTime(date.UtcDateTime) : null;
        row.Flag = !ConditionValues.TryBoolean(value, out var flag) || flag;
        return row;
    }

    /// <summary>The condition the row makes now; <paramref name="catalog"/> gives fields' types, which decide how a value is written.</summary>
    public Condition ToCondition(ConditionCatalog catalog)
    {
        if (Original is not null)
        {
            return Original;
        }

        return Kind switch
        {
            GroupKind when IsRoot && GroupOp == GroupOperator.And && !Not && Children.Count == 1 => Children[0].ToCondition(catalog),
            GroupKind => new GroupCondition(GroupOp, Children.Select(c => c.ToCondition(catalog)).ToList(), Not),
            EventKind => new EventCondition(
                Event ?? "", Frequency, Count,
                Where.Count == 0 ? null : Where.Select(w => w.ToProperty()).ToList(),
                Window switch
                {
                    LastDaysWindow => new TimeWindow(LastDays),
                    BetweenWindow => new TimeWindow(null, Midnight(From), Midnight(To)),
                    _ => null,
                }),
            DealKind => new DealCondition(DealState, PipelineId, StageId, WithinDays, AmountOp, AmountOp is null ? null : Amount),
            IdentifiedKind => new IdentifiedCondition(Identified),
            SegmentKind => new SegmentMembershipCondition(SegmentId ?? Guid.Empty),
            _ => new FieldCondition(Field ?? "", Op, ValueJson(TypeOf(catalog, Field))),
        };
    }

    private PropertyCondition ToProperty() => _originalProperty ?? new PropertyCondition(Field ?? "", Op, ValueJson(FieldValueType.Any));

    private static DateTimeOffset? Midnight(DateOnly? day) => day is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    public static FieldValueType TypeOf(ConditionCatalog catalog, string? field) =>
        field is not null && catalog.Fields.TryGetValue(field, out var known) ? known.Type : FieldValueType.Any;

    /// <summary>How the value is entered for this operator on a field of this type: none, list, days, date, number, boolean or text.</summary>
    public static string InputFor(FieldValueType type, ConditionOperator op) => op switch
    {
        ConditionOperator.IsSet or ConditionOperator.NotSet => "none",
        ConditionOperator.In => "list",
        ConditionOperator.InLastDays => "days",
        ConditionOperator.Before or ConditionOperator.After => "date",
        _ when type == FieldValueType.Number => "number",
        _ when type == FieldValueType.Boolean => "boolean",
        _ => "text",
    };

    private JsonElement? ValueJson(FieldValueType type)
    {
        switch (InputFor(type, Op))
        {
            case "none":
                return null;
            case "list":
                var items = (Value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                return type == FieldValueType.Number && items.All(i => decimal.TryParse(i, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
                    ? JsonSerializer.SerializeToElement(items.Select(i => decimal.Parse(i, NumberStyles.Number, CultureInfo.InvariantCulture)))
                    : JsonSerializer.SerializeToElement(items);
            case "days":
                return Number is { } days ? JsonSerializer.SerializeToElement(days) : null;
            case "date":
                return Date is { } day ? JsonSerializer.SerializeToElement(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : null;
            case "number":
                return Number is { } number ? JsonSerializer.SerializeToElement(number) : null;
            case "boolean":
                return JsonSerializer.SerializeToElement(Flag);
        }

        // A value of "any" type (identify traits, event properties) compared as a number is written as one when it reads as one.
        return ConditionValues.IsNumericComparison(Op) && decimal.TryParse(Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
            ? JsonSerializer.SerializeToElement(n)
            : JsonSerializer.SerializeToElement(Value ?? "");
    }

    private static string? Text(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } a => string.Join(", ", a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        var other => other.Value.GetRawText(),
    };
}
