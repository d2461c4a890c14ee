using System.Text;
using System.Text.RegularExpressions;
using Monfri.Domain.Conditions;

namespace Monfri.Application.Conditions.Text;

/// <summary>The words and operators of the text language, shared by the parser and the printer so they cannot drift.</summary>
internal static partial class ConditionTextSyntax
{
    public const string Performed = "performed";
    public const string DidNotPerform = "did_not_perform";
    public const string FirstPerformed = "first_performed";
    public const string HasDeal = "has_deal";
    public const string InSegment = "in_segment";
    public const string All = "all";
    public const string Any = "any";
    public const string Identified = "identified";
    public const string Anonymous = "anonymous";

    /// <summary>Words a field name cannot be without backticks: they start or join conditions.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "true", "false", "null", Identified, Anonymous,
        Performed, DidNotPerform, FirstPerformed, HasDeal, InSegment, All, Any,
    };

    /// <summary>The operator words and symbols, as printed.</summary>
    public static string Operator(ConditionOperator op) => op switch
    {
        ConditionOperator.Equal => "=",
        ConditionOperator.NotEqual => "!=",
        ConditionOperator.GreaterThan => ">",
        ConditionOperator.AtLeast => ">=",
        ConditionOperator.LessThan => "<",
        ConditionOperator.AtMost => "<=",
        ConditionOperator.Contains => "contains",
        ConditionOperator.StartsWith => "starts_with",
        ConditionOperator.In => "in",
        ConditionOperator.IsSet => "is set",
        ConditionOperator.NotSet => "is not set",
        ConditionOperator.Before => "before",
        ConditionOperator.After => "after",
        ConditionOperator.InLastDays => "within",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    public static ConditionOperator? SymbolOperator(string symbol) => symbol switch
    {
        "=" or "==" => ConditionOperator.Equal,
        "!=" => ConditionOperator.NotEqual,
        ">" => ConditionOperator.GreaterThan,
        ">=" => ConditionOperator.AtLeast,
        "<" => ConditionOperator.LessThan,
        "<=" => ConditionOperator.AtMost,
        _ => null,
    };

    public static ConditionOperator? WordOperator(string word) => word.ToLowerInvariant() switch
    {
        "contains" => ConditionOperator.Contains,
        "starts_with" => ConditionOperator.StartsWith,
        "in" => ConditionOperator.In,
        "before" => ConditionOperator.Before,
        "after" => ConditionOperator.After,
        "within" => ConditionOperator.InLastDays,
        _ => null,
    };

    /// <summary>A name written without backticks: letters, digits, _ and $, dotted (<c>custom.plan</c>, <c>context.page.url</c>).</summary>
    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z0-9_$]+)*$")]
    public static partial Regex PlainName();

    /// <summary>A name as written: plain when it can be, else in backticks (a backtick inside doubled).</summary>
    public static string Name(string name) =>
        PlainName().IsMatch(name) && !Reserved.Contains(name) ? name : "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>A text in double quotes with JSON's escapes for quotes, backslashes and control characters (other characters as they are).</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }

        return builder.Append('"').ToString();
    }
}
