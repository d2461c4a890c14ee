using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monfri.Domain.Conditions;

/// <summary>
/// One node of a condition tree over a person: a group (AND / OR, optionally negated) or a typed condition.
/// Segments store it; email audiences, automation branches, report filters and computed traits' filters are to
/// reuse it (docs/decisions/016-condition-model.md). Plain values: no SQL, no database — validation against what
/// exists lives in Application (<c>ConditionValidator</c>), the SQL compiler in Infrastructure.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(GroupCondition), "group")]
[JsonDerivedType(typeof(FieldCondition), "field")]
[JsonDerivedType(typeof(EventCondition), "event")]
[JsonDerivedType(typeof(DealCondition), "deal")]
[JsonDerivedType(typeof(IdentifiedCondition), "identified")]
[JsonDerivedType(typeof(SegmentMembershipCondition), "segment")]
public abstract record Condition;

[JsonConverter(typeof(JsonStringEnumConverter<GroupOperator>))]
public enum GroupOperator
{
    [JsonStringEnumMemberName("and")]
    And,

    [JsonStringEnumMemberName("or")]
    Or,
}

/// <summary>All (AND) or any (OR) of <see cref="Conditions"/>; <see cref="Not"/> negates the whole group.</summary>
public sealed record GroupCondition(GroupOperator Op, IReadOnlyList<Condition> Conditions, bool Not = false) : Condition;

/// <summary>How a field, a trait or an event property is compared with <c>value</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConditionOperator>))]
public enum ConditionOperator
{
    [JsonStringEnumMemberName("eq")]
    Equal,

    [JsonStringEnumMemberName("neq")]
    NotEqual,

    [JsonStringEnumMemberName("contains")]
    Contains,

    [JsonStringEnumMemberName("starts_with")]
    StartsWith,

    /// <summary>Equal to one of a list (<c>value</c> is a JSON array).</summary>
    [JsonStringEnumMemberName("in")]
    In,

    [JsonStringEnumMemberName("is_set")]
    IsSet,

    [JsonStringEnumMemberName("not_set")]
    NotSet,

    [JsonStringEnumMemberName("gt")]
    GreaterThan,

    [JsonStringEnumMemberName("gte")]
    AtLeast,

    [JsonStringEnumMemberName("lt")]
    LessThan,

    [JsonStringEnumMemberName("lte")]
    AtMost,

    /// <summary>A date before <c>value</c> (an ISO date or date-time).</summary>
    [JsonStringEnumMemberName("before")]
    Before,

    [JsonStringEnumMemberName("after")]
    After,

    /// <summary>A date within the last <c>value</c> days (a whole number).</summary>
    [JsonStringEnumMemberName("in_last_days")]
    InLastDays,
}

/// <summary>
/// A person's field compared with a value. <see cref="Field"/> names what is compared: a contact field
/// (<c>lifecycle_stage</c>, <c>email</c>, <c>owner</c>, <c>tags</c> …), <c>custom.{key}</c>, <c>identify.{trait}</c>,
/// <c>trait.{computed trait key}</c>, a built-in trait (<c>total_events</c>, <c>first_touch_source</c> …),
/// <c>company.{field}</c> / <c>company.custom.{key}</c>, or <c>open_deal_value</c>.
/// </summary>
public sealed record FieldCondition(string Field, ConditionOperator Op, JsonElement? Value = null) : Condition;

[JsonConverter(typeof(JsonStringEnumConverter<EventFrequency>))]
public enum EventFrequency
{
    [JsonStringEnumMemberName("at_least")]
    AtLeast,

    [JsonStringEnumMemberName("at_most")]
    AtMost,

    [JsonStringEnumMemberName("exactly")]
    Exactly,

    /// <summary>Did not perform it (in the window).</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>Performed it for the first time within the window.</summary>
    [JsonStringEnumMemberName("first")]
    First,
}

/// <summary>When: the last <see cref="LastDays"/> days, or from <see cref="From"/> (inclusive) to <see cref="To"/> (exclusive). Absent: ever.</summary>
public sealed record TimeWindow(int? LastDays = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>A property of the event (dotted path into its properties) compared as a field is.</summary>
public sealed record PropertyCondition(string Property, ConditionOperator Op, JsonElement? Value = null);

/// <summary>
/// "Performed <see cref="Event"/> at least / at most / exactly <see cref="Count"/> times [where …] [window]",
/// "did not perform …" (<see cref="EventFrequency.None"/>), "first performed … in the window" (<see cref="EventFrequency.First"/>).
/// </summary>
public sealed record EventCondition(
    string Event,
    EventFrequency Frequency = EventFrequency.AtLeast,
    int Count = 1,
    IReadOnlyList<PropertyCondition>? Where = null,
    TimeWindow? Window = null) : Condition;

[JsonConverter(typeof(JsonStringEnumConverter<DealState>))]
public enum DealState
{
    [JsonStringEnumMemberName("any")]
    Any,

    [JsonStringEnumMemberName("open")]
    Open,

    [JsonStringEnumMemberName("won")]
    Won,

    [JsonStringEnumMemberName("lost")]
    Lost,
}

/// <summary>
/// "Has a deal [in pipeline P] [at stage S] [open / won / lost] [within the last N days] [with amount op value]".
/// The window applies to when the deal closed (won/lost), entered its stage (a stage given) or was created.
/// </summary>
public sealed record DealCondition(
    DealState State = DealState.Any,
    Guid? PipelineId = null,
    Guid? StageId = null,
    int? WithinDays = null,
    ConditionOperator? AmountOp = null,
    decimal? Amount = null) : Condition;

/// <summary>Identified (a contact: known by user id or email) or anonymous (only anonymous ids).</summary>
public sealed record IdentifiedCondition(bool Identified = true) : Condition;

/// <summary>Member of another segment (its materialised membership); cycles are refused at save.</summary>
public sealed record SegmentMembershipCondition(Guid SegmentId) : Condition;

/// <summary>The one JSON form of a condition tree (REST API and storage).</summary>
public static class ConditionJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // API clients write "kind" wherever they like in an object.
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(Condition condition) => JsonSerializer.Serialize(condition, Options);

    public static Condition Deserialize(string json) =>
        JsonSerializer.Deserialize<Condition>(json, Options) ?? throw new JsonException("A condition cannot be null.");
}
