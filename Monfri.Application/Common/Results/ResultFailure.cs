using System.Reflection;

namespace Monfri.Application.Common.Results;

/// <summary>
/// Builds a failed <typeparamref name="TResponse"/> for pipeline behaviours, which are generic over the
/// response. Every command and query returns <see cref="Result"/> or <see cref="Result{T}"/>; a message that
/// returns anything else cannot be refused by the pipeline and is a programming error caught at first use.
/// </summary>
internal static class ResultFailure<TResponse>
{
    private static readonly Func<ResultStatus, IReadOnlyList<ResultError>, TResponse> Create = Build();

    public static TResponse For(ResultStatus status, IReadOnlyList<ResultError> errors) => Create(status, errors);

    private static Func<ResultStatus, IReadOnlyList<ResultError>, TResponse> Build()
    {
        var type = typeof(TResponse);
        if (!typeof(Result).IsAssignableFrom(type))
        {
            return (_, _) => throw new InvalidOperationException(
                $"{type.Name} is not a Result: every Monfri command and query must return Result or Result<T>.");
        }

        var method = type.GetMethod(
            nameof(Result.Failure),
            BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly,
            [typeof(ResultStatus), typeof(IReadOnlyList<ResultError>)])!;
        return method.CreateDelegate<Func<ResultStatus, IReadOnlyList<ResultError>, TResponse>>();
    }
}
