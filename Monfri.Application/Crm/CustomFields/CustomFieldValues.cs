using System.Globalization;
using System.Text.Json;
using Monfri.Application.Common.Results;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.CustomFields;

/// <summary>
/// Checks custom-field values against their definitions and brings them to one stored shape: text and urls
/// as strings, numbers as decimals, dates as <c>yyyy-MM-dd</c>, booleans, single select as one option,
/// multi select as a list of options. Forms, the API (JSON) and CSV imports (text) all pass through here.
/// </summary>
public static class CustomFieldValues
{
    public const string FieldPrefix = "customFields.";

    public static (Dictionary<string, object?> Values, List<ResultError> Errors) Normalize(
        IReadOnlyDictionary<string, object?> raw, IReadOnlyCollection<CustomFieldDefinition> definitions)
    {
        var values = new Dictionary<string, object?>();
        var errors = new List<ResultError>();
        foreach (var (key, input) in raw)
        {
            var definition = definitions.FirstOrDefault(d => d.Key == key);
            if (definition is null)
            {
                errors.Add(new ResultError($"There is no custom field '{key}'.", FieldPrefix + key));
                continue;
            }

            var (value, error) = Convert(definition, Unwrap(input));
            if (error is not null)
            {
                errors.Add(new ResultError($"{definition.Label}: {error}", FieldPrefix + key));
            }
            else if (value is not null)
            {
                values[key] = value;
            }
        }

        return (values, errors);
    }

    /// <summary>A stored value as text, for lists, exports and the audit log.</summary>
    public static string? Display(object? value) => Unwrap(value) switch
    {
        null => null,
        bool b => b ? "Yes" : "No",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        IEnumerable<object?> list => string.Join(", ", list.Select(Display)),
        var other => System.Convert.ToString(other, CultureInfo.InvariantCulture),
    };

    private static (object? Value, string? Error) Convert(CustomFieldDefinition definition, object? input)
    {
        if (input is null || input is string { Length: 0 } || input is string s0 && string.IsNullOrWhiteSpace(s0))
        {
            return (null, null);
        }

        switch (definition.Type)
        {
            case CustomFieldType.Text:
                var text = System.Convert.ToString(input, CultureInfo.InvariantCulture)!.Trim();
                return text.Length > 2000 ? (null, "at most 2,000 characters.") : (text, null);
            case CustomFieldType.Number:
                return input switch
                {
                    decimal d => (d, null),
                    double or float or int or long => (System.Convert.ToDecimal(input, CultureInfo.InvariantCulture), null),
                    string s when decimal.TryParse(s.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var n) => (n, null),
                    _ => (null, $"'{input}' is not a number."),
                };
            case CustomFieldType.Date:
                return input switch
                {
                    DateOnly d => (d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null),
                    DateTime dt => (DateOnly.FromDateTime(dt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null),
                    DateTimeOffset dto => (DateOnly.FromDateTime(dto.Date).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null),
                    string s when DateOnly.TryParse(s.Trim(), CultureInfo.InvariantCulture, out var d) => (d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null),
                    _ => (null, $"'{input}' is not a date (use YYYY-MM-DD)."),
                };
            case CustomFieldType.Boolean:
                return input switch
                {
                    bool b => (b, null),
                    string s when s.Trim().ToLowerInvariant() is "true" or "yes" or "1" or "y" => (true, null),
                    string s when s.Trim().ToLowerInvariant() is "false" or "no" or "0" or "n" => (false, null),
                    _ => (null, $"'{input}' is not yes or no."),
                };
            case CustomFieldType.Url:
                var url = System.Convert.ToString(input, CultureInfo.InvariantCulture)!.Trim();
                return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                    ? (url, null)
                    : (null, $"'{url}' is not a web address (http:// or https://).");
            case CustomFieldType.SingleSelect:
                var option = Match(definition, System.Convert.ToString(input, CultureInfo.InvariantCulture)!);
                return option is null ? (null, $"'{input}' is not one of: {string.Join(", ", definition.Options)}.") : (option, null);
            case CustomFieldType.MultiSelect:
                var items = input switch
                {
                    string s => s.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    IEnumerable<object?> list => list.Select(i => System.Convert.ToString(Unwrap(i), CultureInfo.InvariantCulture) ?? "").ToArray(),
                    _ => [System.Convert.ToString(input, CultureInfo.InvariantCulture)!],
                };
                var chosen = new List<string>();
                foreach (var item in items)
                {
                    if (Match(definition, item) is not { } matched)
                    {
                        return (null, $"'{item}' is not one of: {string.Join(", ", definition.Options)}.");
                    }

                    chosen.Add(matched);
                }

                return chosen.Count == 0 ? (null, null) : (chosen.Distinct().ToList(), null);
            default:
                return (null, "unsupported field type.");
        }
    }

    private static string? Match(CustomFieldDefinition definition, string value) =>
        definition.Options.FirstOrDefault(o => string.Equals(o, value.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>JSON values (from the API or the database) become plain .NET values.</summary>
    public static object? Unwrap(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDecimal(),
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        JsonElement { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(x => Unwrap(x)).ToList(),
        JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        JsonElement e => e.GetRawText(),
        _ => value,
    };
}
