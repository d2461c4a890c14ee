namespace Monfri.Application.Common.Results;

/// <summary>What kind of outcome a use case had. Expected failures are values, not exceptions.</summary>
public enum ResultStatus
{
    Ok,
    Invalid,
    NotFound,
    Forbidden,
    Unauthorized,
    Conflict,
}

/// <summary>One problem with a request; <see cref="Field"/> names the input it is about, when there is one.</summary>
public sealed record ResultError(string Message, string? Field = null);

/// <summary>Outcome of a use case without a value.</summary>
public class Result
{
    protected Result(ResultStatus status, IReadOnlyList<ResultError> errors)
    {
        Status = status;
        Errors = errors;
    }

    public ResultStatus Status { get; }
    public IReadOnlyList<ResultError> Errors { get; }
    public bool IsSuccess => Status == ResultStatus.Ok;

    /// <summary>All error messages joined, for a snackbar or a log line.</summary>
    public string ErrorMessage => string.Join(" ", Errors.Select(e => e.Message));

    public static Result Success() => new(ResultStatus.Ok, []);
    public static Result Invalid(params ResultError[] errors) => new(ResultStatus.Invalid, errors);
    public static Result Invalid(string message, string? field = null) => Invalid(new ResultError(message, field));
    public static Result NotFound(string message) => new(ResultStatus.NotFound, [new(message)]);
    public static Result Forbidden(string message) => new(ResultStatus.Forbidden, [new(message)]);
    public static Result Unauthorized(string message) => new(ResultStatus.Unauthorized, [new(message)]);
    public static Result Conflict(string message) => new(ResultStatus.Conflict, [new(message)]);

    /// <summary>Used by pipeline behaviours, which only know the response type.</summary>
    public static Result Failure(ResultStatus status, IReadOnlyList<ResultError> errors) => new(status, errors);
}

/// <summary>Outcome of a use case that produces a value on success.</summary>
public sealed class Result<T> : Result
{
    private readonly T? _value;

    private Result(T value) : base(ResultStatus.Ok, []) => _value = value;

    private Result(ResultStatus status, IReadOnlyList<ResultError> errors) : base(status, errors)
    {
        if (status == ResultStatus.Ok)
        {
            throw new ArgumentException("A failed result needs a failure status.", nameof(status));
        }
    }

    /// <summary>The value; reading it from a failed result is a bug.</summary>
    public T Value => IsSuccess
        ? _value!
        : throw new InvalidOperationException($"Result is {Status}: {ErrorMessage}");

    public static Result<T> Success(T value) => new(value);
    public static new Result<T> Invalid(params ResultError[] errors) => new(ResultStatus.Invalid, errors);
    public static new Result<T> Invalid(string message, string? field = null) => Invalid(new ResultError(message, field));
    public static new Result<T> NotFound(string message) => new(ResultStatus.NotFound, [new(message)]);
    public static new Result<T> Forbidden(string message) => new(ResultStatus.Forbidden, [new(message)]);
    public static new Result<T> Unauthorized(string message) => new(ResultStatus.Unauthorized, [new(message)]);
    public static new Result<T> Conflict(string message) => new(ResultStatus.Conflict, [new(message)]);
    public static new Result<T> Failure(ResultStatus status, IReadOnlyList<ResultError> errors) => new(status, errors);

    /// <summary>Carries a failure of another result over to this type.</summary>
    public static Result<T> From(Result failed) => new(failed.Status, failed.Errors);

    public static implicit operator Result<T>(T value) => Success(value);
}
