using System.Text.Json;
using Monfri.Application.Common.Results;

namespace Monfri.Web.Endpoints;

/// <summary>The one mapping from use-case results to HTTP answers (ProblemDetails for every failure).</summary>
public static class ResultHttp
{
    public static IResult ToHttp<T>(this Result<T> result, Func<T, IResult>? onSuccess = null) =>
        result.IsSuccess ? onSuccess?.Invoke(result.Value) ?? TypedResults.Ok(result.Value) : Failure(result);

    public static IResult ToHttp(this Result result) =>
        result.IsSuccess ? TypedResults.NoContent() : Failure(result);

    private static IResult Failure(Result result) => result.Status switch
    {
        ResultStatus.Invalid => TypedResults.ValidationProblem(
            result.Errors.GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.Field ?? "")).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail: result.ErrorMessage),
        ResultStatus.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", result),
        ResultStatus.Forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", result),
        ResultStatus.Unauthorized => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", result),
        ResultStatus.Conflict => Problem(StatusCodes.Status409Conflict, "Conflict", result),
        _ => throw new InvalidOperationException($"No HTTP mapping for {result.Status}."),
    };

    private static IResult Problem(int status, string title, Result result) =>
        TypedResults.Problem(statusCode: status, title: title, detail: result.ErrorMessage);
}
