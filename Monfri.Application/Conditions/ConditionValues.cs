using System.Globalization;
using System.Text.Json;
using Monfri.Domain.Conditions;

namespace Monfri.Application.Conditions;

/// <summary>
/// Reads a condition's JSON value as the type its field needs. The validator refuses what does not read; the SQL
/// compiler reads the same way, so a value means one thing everywhere.
/// </summary>
public static class ConditionValues
{
    public const int MaxDays = 3650;
    public const int MaxTextLength = 500;
    public const int MaxListLength = 500;
    public const int MaxCount = 1_000_000;

    public static bool TryText(JsonElement? value, out string text)
    {
        text = value is { ValueKind: JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } v
            ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()
            : "";
        return value is { ValueKind: JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } && text.Length <= MaxTextLength;
    }

    /// <summary>A JSON number, or a string that is one ("12.5"): forms send text.</summary>
    public static bool TryNumber(JsonElement? value, out decimal number)
    {
        number = 0;
        return value switch
        {
            { ValueKind: JsonValueKind.Number } v => v.TryGetDecimal(out number),
            { ValueKind: JsonValueKind.String } v => decimal.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            _ => false,
        };
    }

    /// <summary>An ISO date (<c>2026-12-01</c>, UTC midnight) or date-time with offset.</summary>
    public static bool TryDate(JsonElement? value, out DateTimeOffset date)
    {
        date = default;
        if (value is not { ValueKind: JsonValueKind.String } v || v.GetString() is not { } s)
        {
            return false;
        }

        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            date = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date) && date.Year is > 1900 and < 2200;
    }

    public static bool TryDays(JsonElement? value, out int days)
    {
        days = 0;
        return TryNumber(value, out var n) && n == decimal.Truncate(n) && n is >= 1 and <= MaxDays && (days = (int)n) > 0;
    }

    public static bool TryBoolean(JsonElement? value, out bool flag)
    {
        flag = value is { ValueKind: JsonValueKind.True };
        return value is { ValueKind: JsonValueKind.True or JsonValueKind.False }
               || (value is { ValueKind: JsonValueKind.String } s && bool.TryParse(s.GetString(), out flag));
    }

    /// <summary>The elements of an <see cref="ConditionOperator.In"/> list.</summary>
    public static bool TryList(JsonElement? value, out IReadOnlyList<JsonElement> items)
    {
        items = value is { ValueKind: JsonValueKind.Array } v ? v.EnumerateArray().ToList() : [];
        return value is { ValueKind: JsonValueKind.Array } && items.Count is > 0 and <= MaxListLength;
    }

    /// <summary>Whether an operator compares with no value (is set / not set).</summary>
    public static bool TakesNoValue(ConditionOperator op) => op is ConditionOperator.IsSet or ConditionOperator.NotSet;

    public static bool IsNumericComparison(ConditionOperator op) =>
        op is ConditionOperator.GreaterThan or ConditionOperator.AtLeast or ConditionOperator.LessThan or ConditionOperator.AtMost;
}
