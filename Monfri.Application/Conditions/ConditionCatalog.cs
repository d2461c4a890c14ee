using Monfri.Domain.Conditions;

namespace Monfri.Application.Conditions;

/// <summary>What a field holds, which decides the operators it takes and how a value is read.</summary>
public enum FieldValueType
{
    Text,
    Number,
    Date,
    Boolean,

    /// <summary>A list of texts (contact or company tags, a multi-select custom field): contains / in / is set.</summary>
    List,

    /// <summary>A user's id (owner).</summary>
    User,

    /// <summary>Whatever a sender put there (identify traits, event properties): text and number comparisons.</summary>
    Any,
}

/// <summary>
/// A field a condition may name. <see cref="TraitId"/> is set for computed traits (<c>trait.{key}</c>), whose values
/// are stored by trait id.
/// </summary>
public sealed record CatalogField(string Key, string Label, FieldValueType Type, Guid? TraitId = null);

public sealed record CatalogPipeline(Guid Id, string Name, IReadOnlyDictionary<Guid, string> Stages);

/// <summary>A saved segment as other definitions see it: its name and the segments it refers to (cycle check).</summary>
public sealed record CatalogSegment(Guid Id, string Name, IReadOnlyList<Guid> References);

/// <summary>
/// Everything a condition may refer to, read once per validation or compilation: fields with their types (contact,
/// custom, identify traits seen, computed and built-in traits, company), event names seen, pipelines with their
/// stages, and segments. The visual builder lists the same (one source of truth for pickers and validation).
/// </summary>
public sealed record ConditionCatalog(
    IReadOnlyDictionary<string, CatalogField> Fields,
    IReadOnlySet<string> EventNames,
    IReadOnlyDictionary<Guid, CatalogPipeline> Pipelines,
    IReadOnlyDictionary<Guid, CatalogSegment> Segments);

/// <summary>A property seen on an event, with the type most of its values had (<see cref="FieldValueType.Any"/> for objects and lists).</summary>
public sealed record CatalogProperty(string Key, FieldValueType Type);

/// <summary>Reads the <see cref="ConditionCatalog"/> (Infrastructure: a handful of small indexed reads).</summary>
public interface IConditionCatalogSource
{
    Task<ConditionCatalog> LoadAsync(CancellationToken cancellationToken);

    /// <summary>The properties the latest events of this name carried (top level and one level into objects), most common first.</summary>
    Task<IReadOnlyList<CatalogProperty>> PropertiesAsync(string eventName, CancellationToken cancellationToken);
}

/// <summary>The fields every workspace has, before custom fields, identify traits and computed traits.</summary>
public static class BuiltInFields
{
    public const string CustomPrefix = "custom.";
    public const string IdentifyPrefix = "identify.";
    public const string TraitPrefix = "trait.";
    public const string CompanyPrefix = "company.";
    public const string CompanyCustomPrefix = "company.custom.";

    public static readonly IReadOnlyList<CatalogField> All =
    [
        new("email", "Email", FieldValueType.Text),
        new("first_name", "First name", FieldValueType.Text),
        new("last_name", "Last name", FieldValueType.Text),
        new("phone", "Phone", FieldValueType.Text),
        new("job_title", "Job title", FieldValueType.Text),
        new("lead_source", "Lead source", FieldValueType.Text),
        new("lifecycle_stage", "Lifecycle stage", FieldValueType.Text),
        new("owner", "Owner", FieldValueType.User),
        new("tags", "Tags", FieldValueType.List),
        new("created_at", "Created", FieldValueType.Date),
        new("first_seen_at", "First seen", FieldValueType.Date),
        new("last_seen_at", "Last seen", FieldValueType.Date),
        new("last_activity_at", "Last activity", FieldValueType.Date),
        new("total_events", "Total events", FieldValueType.Number),
        new("first_touch_at", "First touch", FieldValueType.Date),
        new("first_touch_source", "First touch source", FieldValueType.Text),
        new("first_touch_medium", "First touch medium", FieldValueType.Text),
        new("first_touch_campaign", "First touch campaign", FieldValueType.Text),
        new("last_touch_at", "Last touch", FieldValueType.Date),
        new("last_touch_source", "Last touch source", FieldValueType.Text),
        new("last_touch_medium", "Last touch medium", FieldValueType.Text),
        new("last_touch_campaign", "Last touch campaign", FieldValueType.Text),
        new("open_deal_value", "Open deal value", FieldValueType.Number),
        new("company.name", "Company name", FieldValueType.Text),
        new("company.domain", "Company domain", FieldValueType.Text),
        new("company.industry", "Company industry", FieldValueType.Text),
        new("company.size", "Company size", FieldValueType.Text),
        new("company.tags", "Company tags", FieldValueType.List),
    ];

    private static readonly ConditionOperator[] TextOperators =
    [
        ConditionOperator.Equal, ConditionOperator.NotEqual, ConditionOperator.Contains, ConditionOperator.StartsWith,
        ConditionOperator.In, ConditionOperator.IsSet, ConditionOperator.NotSet,
    ];

    private static readonly ConditionOperator[] NumberOperators =
    [
        ConditionOperator.Equal, ConditionOperator.NotEqual, ConditionOperator.In, ConditionOperator.IsSet, ConditionOperator.NotSet,
        ConditionOperator.GreaterThan, ConditionOperator.AtLeast, ConditionOperator.LessThan, ConditionOperator.AtMost,
    ];

    /// <summary>The operators a type of field takes.</summary>
    public static IReadOnlySet<ConditionOperator> OperatorsFor(FieldValueType type) => type switch
    {
        FieldValueType.Text => TextOperators.ToHashSet(),
        FieldValueType.Number => NumberOperators.ToHashSet(),
        FieldValueType.Date => new HashSet<ConditionOperator>
            { ConditionOperator.Before, ConditionOperator.After, ConditionOperator.InLastDays, ConditionOperator.IsSet, ConditionOperator.NotSet },
        FieldValueType.Boolean => new HashSet<ConditionOperator> { ConditionOperator.Equal, ConditionOperator.IsSet, ConditionOperator.NotSet },
        FieldValueType.List => new HashSet<ConditionOperator> { ConditionOperator.Contains, ConditionOperator.In, ConditionOperator.IsSet, ConditionOperator.NotSet },
        FieldValueType.User => new HashSet<ConditionOperator>
            { ConditionOperator.Equal, ConditionOperator.NotEqual, ConditionOperator.In, ConditionOperator.IsSet, ConditionOperator.NotSet },
        _ => TextOperators.Concat(NumberOperators).ToHashSet(),
    };
}
