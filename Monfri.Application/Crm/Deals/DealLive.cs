using Monfri.Application.Common.Live;

namespace Monfri.Application.Crm.Deals;

/// <summary>
/// The <c>deal.*</c> updates published on <c>pipeline:{id}</c> after a deal change has committed. Each is
/// scoped to the deal's owner, so a rep limited to their own records only receives their own deals — and a
/// <see cref="LiveScope.HiddenKind"/> when a deal of theirs goes to someone else.
/// </summary>
public static class DealLive
{
    public const string Created = "deal.created";
    public const string Updated = "deal.updated";
    public const string Moved = "deal.moved";
    public const string Won = "deal.won";
    public const string Lost = "deal.lost";
    public const string Deleted = "deal.deleted";

    /// <param name="previousOwnerId">The owner before this change, when the change may have reassigned the deal.</param>
    public static ValueTask PublishAsync(this ILiveFeed live, string kind, DealSnapshot deal, CancellationToken cancellationToken, Guid? previousOwnerId = null) =>
        live.PublishAsync(
            LiveTopics.Pipeline(deal.PipelineId),
            kind,
            deal,
            new LiveScope(deal.Id, deal.OwnerId, previousOwnerId != deal.OwnerId ? previousOwnerId : null),
            cancellationToken);
}
