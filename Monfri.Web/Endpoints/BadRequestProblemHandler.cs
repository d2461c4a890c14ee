using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Monfri.Web.Endpoints;

/// <summary>
/// A request the API cannot read (malformed JSON, "not-a-date" for a date, a number too large) answers 400
/// with a ProblemDetails naming the field and the problem, instead of an empty 400.
/// </summary>
internal sealed class BadRequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (detail, field) = bad.InnerException switch
        {
            JsonException json => ($"The request body is not valid: {Describe(json)}", json.Path?.TrimStart('$', '.') is { Length: > 0 } at ? at : NullName(json.Message)),
            _ => (bad.Message, null),
        };
        context.Response.StatusCode = bad.StatusCode;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = bad.StatusCode, Title = "The request could not be read.", Detail = detail };
        if (!string.IsNullOrEmpty(field))
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    // System.Text.Json reports a wrong type ("could not be converted") and broken JSON alike; tell them apart.
    private static string Describe(JsonException json) =>
        json.Path is { Length: > 1 } path && json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
            ? $"the value at '{path.TrimStart('$', '.')}' has the wrong type or format (line {json.LineNumber + 1}, position {json.BytePositionInLine}).{Choices(json.Message)}"
            : NullName(json.Message) is { } name
                ? $"'{(json.Path?.TrimStart('$', '.') is { Length: > 0 } at ? at : name)}' cannot be null: send a value, or leave the field out where it is optional."
                : $"malformed JSON (line {json.LineNumber + 1}, position {json.BytePositionInLine}).";

    /// <summary>The field a null was refused for ("The constructor parameter 'Tags' on type … doesn't allow null values"), camelCased as sent.</summary>
    private static string? NullName(string message) =>
        System.Text.RegularExpressions.Regex.Match(message, @"^The (?:constructor parameter|property or field) '(?<name>[^']+)' .*doesn't allow") is { Success: true } match
            ? JsonNamingPolicy.CamelCase.ConvertName(match.Groups["name"].Value)
            : null;

    /// <summary>" Use one of: EventCount, Sum, …" when the value was meant for one of our enums (a kind, a status).</summary>
    private static string Choices(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"converted to (?<type>[\w.+]+)\.");
        var type = match.Success && match.Groups["type"].Value.StartsWith("Monfri.", StringComparison.Ordinal)
            ? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(match.Groups["type"].Value)).FirstOrDefault(t => t is not null)
            : null;
        return type is { IsEnum: true } ? $" Use one of: {string.Join(", ", Enum.GetNames(type))}." : "";
    }
}
