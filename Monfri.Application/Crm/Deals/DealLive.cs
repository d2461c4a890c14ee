using Monfri.Application.Common.Live;

namespace Monfri.Application.Crm.Deals;

/// <summary>The <c>deal.*</c> updates published on <c>pipeline:{id}</c> after a deal change has committed.</summary>
public static class DealLive
{
    public const string Created = "deal.created";
    public const string Updated = "deal.updated";
    public const string Moved = "deal.moved";
    public const string Won = "deal.won";
    public const string Lost = "deal.lost";
    public const string Deleted = "deal.deleted";

    public static ValueTask PublishAsync(this ILiveFeed live, string kind, DealSnapshot deal, CancellationToken cancellationToken) =>
        live.PublishAsync(LiveTopics.Pipeline(deal.PipelineId), kind, deal, cancellationToken);
}
