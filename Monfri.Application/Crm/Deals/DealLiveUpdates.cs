using Monfri.Application.Common.Events;
using Monfri.Application.Common.Live;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals;

/// <summary>
/// Tells open boards and contact pages of every committed deal change (<see cref="DealLive"/>): the deal as committed,
/// on its pipeline and on the pages of its contacts before and after the change.
/// </summary>
public sealed class DealLiveUpdates(ILiveFeed live)
    : IDomainEventHandler<DealCreated>,
      IDomainEventHandler<DealUpdated>,
      IDomainEventHandler<DealMoved>,
      IDomainEventHandler<DealDeleted>
{
    public ValueTask HandleAsync(DealCreated domainEvent, CancellationToken cancellationToken) =>
        live.PublishAsync(DealLive.Created, DealSnapshot.Of(domainEvent.Deal), ContactsOf(domainEvent.Deal), cancellationToken);

    public ValueTask HandleAsync(DealUpdated domainEvent, CancellationToken cancellationToken) =>
        // A contact taken off the deal hears of it too: their page drops the deal.
        live.PublishAsync(DealLive.Updated, DealSnapshot.Of(domainEvent.Deal), domainEvent.PreviousContactIds.Concat(ContactsOf(domainEvent.Deal)),
            cancellationToken, domainEvent.PreviousOwnerId);

    public ValueTask HandleAsync(DealMoved domainEvent, CancellationToken cancellationToken)
    {
        var kind = !domainEvent.ChangedStage ? DealLive.Moved : domainEvent.Status switch
        {
            DealStatus.Won => DealLive.Won,
            DealStatus.Lost => DealLive.Lost,
            _ => DealLive.Moved,
        };
        var snapshot = DealSnapshot.Of(domainEvent.Deal);
        // Out of a deleted stage: the boards reload on pipeline.changed; the contacts' pages see the move.
        return domainEvent.StageRemoved
            ? live.PublishOnProfilesAsync(kind, snapshot, ContactsOf(domainEvent.Deal), cancellationToken)
            : live.PublishAsync(kind, snapshot, ContactsOf(domainEvent.Deal), cancellationToken);
    }

    public ValueTask HandleAsync(DealDeleted domainEvent, CancellationToken cancellationToken) =>
        live.PublishAsync(DealLive.Deleted, DealSnapshot.Of(domainEvent.Deal), domainEvent.ContactIds, cancellationToken);

    private static IEnumerable<Guid> ContactsOf(Deal deal) => deal.Contacts.Select(c => c.PersonId).ToList();
}
