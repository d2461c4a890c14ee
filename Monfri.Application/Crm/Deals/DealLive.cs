using Monfri.Application.Common.Live;
using Monfri.Application.Reports;

namespace Monfri.Application.Crm.Deals;

/// <summary>
/// The <c>deal.*</c> updates published after a deal change has committed (by <see cref="DealLiveUpdates"/>): on <c>pipeline:{id}</c> for the boards, and
/// on <c>profile:{personId}</c> of every contact of the deal (before and after the change) for their open contact and
/// profile pages. Each is scoped to the deal's owner, so a rep limited to their own records only receives their own
/// deals — and a <see cref="LiveScope.HiddenKind"/> when a deal of theirs goes to someone else.
/// </summary>
public static class DealLive
{
    public const string Created = "deal.created";
    public const string Updated = "deal.updated";
    public const string Moved = "deal.moved";
    public const string Won = "deal.won";
    public const string Lost = "deal.lost";
    public const string Deleted = "deal.deleted";

    /// <param name="contacts">The deal's contacts; after a change of contacts, those before and after it.</param>
    /// <param name="previousOwnerId">The owner before this change, when the change may have reassigned the deal.</param>
    public static async ValueTask PublishAsync(
        this ILiveFeed live, string kind, DealSnapshot deal, IEnumerable<Guid> contacts, CancellationToken cancellationToken, Guid? previousOwnerId = null)
    {
        await live.PublishAsync(LiveTopics.Pipeline(deal.PipelineId), kind, deal, Scope(deal, previousOwnerId), cancellationToken);
        await live.PublishOnProfilesAsync(kind, deal, contacts, cancellationToken, previousOwnerId);
        await live.PublishAsync(LiveTopics.Reports, ReportsLive.Changed, new ReportsLive.Change(ReportsLive.Deals, deal.Id), Scope(deal, previousOwnerId), cancellationToken);
    }

    /// <summary>Only the contacts' pages: for changes whose boards are told otherwise (a deleted stage reloads them).</summary>
    public static async ValueTask PublishOnProfilesAsync(
        this ILiveFeed live, string kind, DealSnapshot deal, IEnumerable<Guid> contacts, CancellationToken cancellationToken, Guid? previousOwnerId = null)
    {
        foreach (var personId in contacts.Distinct())
        {
            await live.PublishAsync(LiveTopics.Profile(personId), kind, deal, Scope(deal, previousOwnerId), cancellationToken);
        }
    }

    private static LiveScope Scope(DealSnapshot deal, Guid? previousOwnerId) =>
        new(deal.Id, deal.OwnerId, previousOwnerId != deal.OwnerId ? previousOwnerId : null);
}
