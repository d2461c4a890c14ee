using Monfri.Domain.Conditions;

namespace Monfri.Application.Conditions.Text;

/// <summary>
/// Where text that does not parse went wrong: <see cref="Offset"/> (0-based) and <see cref="Length"/> mark the
/// offending token, <see cref="Line"/> and <see cref="Column"/> (1-based) say where a person finds it.
/// </summary>
public sealed record ConditionTextError(string Message, int Offset, int Length, int Line, int Column)
{
    public override string ToString() => Message;
}

/// <summary>A definition read from text, or why it could not be read.</summary>
public sealed record ConditionTextResult(Condition? Condition, ConditionTextError? Error)
{
    public bool IsSuccess => Error is null;
}

/// <summary>
/// The small text language for condition trees (docs/segments-language.md), equal to the JSON form: the visual
/// builder, the text box and the REST API edit the same <see cref="Condition"/>. <see cref="Print"/> writes the
/// canonical text and <see cref="Parse"/> reads it back to the identical tree. Pipelines, stages and segments are
/// written by name, so both need the <see cref="ConditionCatalog"/>; a name that is missing or shared is written as
/// its id instead, which keeps the round trip exact. Unknown fields and events still parse: the validator names
/// them at save, as it does for JSON.
/// </summary>
public static class ConditionText
{
    /// <summary>Longest text accepted (a definition holds at most <see cref="ConditionValidator.MaxConditions"/> conditions).</summary>
    public const int MaxLength = 20_000;

    public static string Print(Condition condition, ConditionCatalog catalog) => new ConditionTextPrinter(catalog).Print(condition);

    public static ConditionTextResult Parse(string? text, ConditionCatalog catalog) => ConditionTextParser.Parse(text ?? "", catalog);
}
