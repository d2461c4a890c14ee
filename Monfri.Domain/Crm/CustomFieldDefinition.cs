using System.Text.RegularExpressions;

namespace Monfri.Domain.Crm;

public enum CustomFieldType
{
    Text,
    Number,
    Date,
    SingleSelect,
    MultiSelect,
    Boolean,
    Url,
}

/// <summary>A field a workspace adds to contacts, companies or deals; values live in the record's JSONB.</summary>
public sealed partial class CustomFieldDefinition
{
    private CustomFieldDefinition()
    {
    }

    public Guid Id { get; private set; }
    public CrmObjectType ObjectType { get; private set; }

    /// <summary>Stable JSON key (snake_case letters, digits), e.g. <c>contract_tier</c>.</summary>
    public string Key { get; private set; } = "";

    public string Label { get; private set; } = "";
    public CustomFieldType Type { get; private set; }
    public List<string> Options { get; private set; } = [];
    public int Order { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static CustomFieldDefinition Create(CrmObjectType objectType, string key, string label, CustomFieldType type, IEnumerable<string> options, int order, DateTimeOffset now) =>
        new()
        {
            Id = Guid.CreateVersion7(now),
            ObjectType = objectType,
            Key = key,
            Label = label.Trim(),
            Type = type,
            Options = options.Select(o => o.Trim()).Where(o => o.Length > 0).Distinct().ToList(),
            Order = order,
            CreatedAt = now,
        };

    public void Update(string label, IEnumerable<string> options, int order)
    {
        Label = label.Trim();
        Options = options.Select(o => o.Trim()).Where(o => o.Length > 0).Distinct().ToList();
        Order = order;
    }

    public static bool IsValidKey(string? key) => key is not null && KeyPattern().IsMatch(key);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,49}$")]
    private static partial Regex KeyPattern();
}
