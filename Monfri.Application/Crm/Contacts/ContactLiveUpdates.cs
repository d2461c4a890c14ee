using Monfri.Application.Common.Events;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Contacts;

/// <summary>
/// Tells open screens of committed contact changes: a new contact on the workspace topic, an edit and a merge on the
/// contact's own <c>profile:{id}</c> topic (an edit scoped to its owner, so a rep limited to their own records only
/// hears of theirs). <c>By</c> is who made the change, so their own page can tell it from a colleague's.
/// </summary>
public sealed class ContactLiveUpdates(ILiveFeed live, ICurrentUser currentUser)
    : IDomainEventHandler<ContactCreated>,
      IDomainEventHandler<ContactUpdated>,
      IDomainEventHandler<ContactsMerged>
{
    public ValueTask HandleAsync(ContactCreated domainEvent, CancellationToken cancellationToken) =>
        live.PublishAsync(LiveTopics.Workspace, "contact.created", new { Id = domainEvent.PersonId, Name = domainEvent.DisplayName }, cancellationToken);

    public ValueTask HandleAsync(ContactUpdated domainEvent, CancellationToken cancellationToken)
    {
        var person = domainEvent.Person;
        return live.PublishAsync(LiveTopics.Profile(person.Id), "contact.updated", new { person.Id, person.Version, By = currentUser.Id },
            new LiveScope(person.Id, person.OwnerId, domainEvent.PreviousOwnerId == person.OwnerId ? null : domainEvent.PreviousOwnerId), cancellationToken);
    }

    public async ValueTask HandleAsync(ContactsMerged domainEvent, CancellationToken cancellationToken)
    {
        var merged = new { domainEvent.SurvivorId, domainEvent.AbsorbedId, By = currentUser.Id };
        await live.PublishAsync(LiveTopics.Profile(domainEvent.SurvivorId), "contact.merged", merged, cancellationToken);
        await live.PublishAsync(LiveTopics.Profile(domainEvent.AbsorbedId), "contact.merged", merged, cancellationToken);
    }
}
