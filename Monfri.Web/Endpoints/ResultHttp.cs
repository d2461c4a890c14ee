using System.Text.Json;
using Monfri.Application.Common.Results;

namespace Monfri.Web.Endpoints;

/// <summary>The one mapping from use-case results to HTTP answers (ProblemDetails for every failure).</summary>
public static class ResultHttp
{
    /// <param name="result">The use case's result.</param>
    /// <param name="onSuccess">The answer on success; 200 with the value when null.</param>
    /// <param name="body">
    /// The command property that holds the request body (e.g. <c>Trait</c> of <c>CreateComputedTraitCommand(Trait)</c>):
    /// field errors are named as in the body the client sent — <c>windowDays</c>, not <c>trait.WindowDays</c>.
    /// </param>
    public static IResult ToHttp<T>(this Result<T> result, Func<T, IResult>? onSuccess = null, string? body = null) =>
        result.IsSuccess ? onSuccess?.Invoke(result.Value) ?? TypedResults.Ok(result.Value) : Failure(result, body);

    public static IResult ToHttp(this Result result, string? body = null) =>
        result.IsSuccess ? TypedResults.NoContent() : Failure(result, body);

    private static IResult Failure(Result result, string? body) => result.Status switch
    {
        ResultStatus.Invalid => TypedResults.ValidationProblem(
            result.Errors.GroupBy(e => JsonField(e.Field, body)).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail: result.ErrorMessage),
        ResultStatus.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", result),
        ResultStatus.Forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", result),
        ResultStatus.Unauthorized => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", result),
        ResultStatus.Conflict => Problem(StatusCodes.Status409Conflict, "Conflict", result),
        _ => throw new InvalidOperationException($"No HTTP mapping for {result.Status}."),
    };

    /// <summary>"Trait.Definition.WindowDays" → "definition.windowDays" when the body is Trait; "Items[0].Name" → "items[0].name".</summary>
    internal static string JsonField(string? field, string? body)
    {
        var path = field ?? "";
        if (body is not null)
        {
            if (path == body)
            {
                return "";
            }

            if (path.StartsWith(body + ".", StringComparison.Ordinal))
            {
                path = path[(body.Length + 1)..];
            }
        }

        return string.Join('.', path.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
    }

    private static IResult Problem(int status, string title, Result result) =>
        TypedResults.Problem(statusCode: status, title: title, detail: result.ErrorMessage);
}
