using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;

namespace Monfri.Application.Common.Behaviours;

/// <summary>First in the pipeline: one log line per request with who sent it, how long it took and how it ended.</summary>
public sealed class LoggingBehaviour<TMessage, TResponse>(
    ICurrentUser currentUser,
    ILogger<LoggingBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var name = typeof(TMessage).Name;
        try
        {
            var response = await next(message, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response is Result { IsSuccess: false } failed)
            {
                logger.LogInformation(
                    "{Message} by {User} ended {Status} in {Elapsed:0.0} ms: {Errors}",
                    name, UserName(), failed.Status, elapsed, failed.ErrorMessage);
            }
            else
            {
                logger.LogDebug("{Message} by {User} succeeded in {Elapsed:0.0} ms", name, UserName(), elapsed);
            }

            return response;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "{Message} by {User} failed", name, UserName());
            throw;
        }
    }

    private string UserName() =>
        currentUser.IsSystem ? "system" : currentUser.Email ?? currentUser.Id?.ToString() ?? "anonymous";
}
