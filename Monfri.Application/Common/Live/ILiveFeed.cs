using System.Security.Claims;
using Monfri.Application.Common.Results;

namespace Monfri.Application.Common.Live;

/// <summary>
/// The one way changes reach open screens (DESIGN.md §4). Publish only after the change has committed.
/// Blazor components and the SignalR hub both subscribe here; the transport (in-process or PostgreSQL
/// NOTIFY across nodes) is a configuration choice.
/// </summary>
public interface ILiveFeed
{
    /// <summary>Sends <paramref name="data"/> to every subscriber of <paramref name="topic"/> on every node.</summary>
    ValueTask PublishAsync(string topic, string kind, object? data = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends an update about one owned record: viewers limited to their own records receive it only when
    /// <paramref name="scope"/> says the record is theirs (or was, as a <see cref="LiveScope.HiddenKind"/>).
    /// </summary>
    ValueTask PublishAsync(string topic, string kind, object? data, LiveScope scope, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivers the topic's updates to <paramref name="onUpdate"/>, in order, until the returned handle is
    /// disposed. Refused (forbidden) when <paramref name="viewer"/> may not read the topic. Scoped updates
    /// are shaped per viewer by the <see cref="ILiveAudience"/> on the way.
    /// </summary>
    Result<IDisposable> Subscribe(string topic, ClaimsPrincipal viewer, Func<LiveUpdate, ValueTask> onUpdate);
}
