using FluentValidation;
using Mediator;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Text;

namespace Monfri.Application.Common.Behaviours;

/// <summary>
/// Refuses text the database cannot store (NUL, lone surrogates) in any field of any message, then runs the
/// message's FluentValidation validators; failures become an invalid result with per-field errors. Every REST
/// call and every form passes here, so one check covers them all, including fields added later.
/// </summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private readonly IValidator<TMessage>[] _validators = validators.ToArray();

    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        var unstorable = StorableText.FindIn(message);
        if (unstorable.Count > 0)
        {
            return ResultFailure<TResponse>.For(ResultStatus.Invalid, unstorable.Select(u => new ResultError(u.Problem, u.Field)).ToList());
        }

        if (_validators.Length == 0)
        {
            return await next(message, cancellationToken);
        }

        var errors = new List<ResultError>();
        foreach (var validator in _validators)
        {
            var outcome = await validator.ValidateAsync(message, cancellationToken);
            errors.AddRange(outcome.Errors.Select(e => new ResultError(e.ErrorMessage, e.PropertyName)));
        }

        return errors.Count == 0
            ? await next(message, cancellationToken)
            : ResultFailure<TResponse>.For(ResultStatus.Invalid, errors);
    }
}
