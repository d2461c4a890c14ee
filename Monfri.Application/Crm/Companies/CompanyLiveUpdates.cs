using Monfri.Application.Common.Events;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Companies;

/// <summary>
/// Tells open screens of committed company changes: a new company on the workspace topic, an edit and a merge on the
/// company's own <c>company:{id}</c> topic (an edit scoped to its owner).
/// </summary>
public sealed class CompanyLiveUpdates(ILiveFeed live, ICurrentUser currentUser)
    : IDomainEventHandler<CompanyCreated>,
      IDomainEventHandler<CompanyUpdated>,
      IDomainEventHandler<CompaniesMerged>
{
    public ValueTask HandleAsync(CompanyCreated domainEvent, CancellationToken cancellationToken) =>
        live.PublishAsync(LiveTopics.Workspace, "company.created", new { Id = domainEvent.CompanyId, domainEvent.Name }, cancellationToken);

    public ValueTask HandleAsync(CompanyUpdated domainEvent, CancellationToken cancellationToken) =>
        live.PublishAsync(LiveTopics.Company(domainEvent.CompanyId), "company.updated", new { Id = domainEvent.CompanyId },
            new LiveScope(domainEvent.CompanyId, domainEvent.OwnerId, domainEvent.PreviousOwnerId == domainEvent.OwnerId ? null : domainEvent.PreviousOwnerId),
            cancellationToken);

    public async ValueTask HandleAsync(CompaniesMerged domainEvent, CancellationToken cancellationToken)
    {
        var merged = new { domainEvent.SurvivorId, domainEvent.AbsorbedId, By = currentUser.Id };
        await live.PublishAsync(LiveTopics.Company(domainEvent.SurvivorId), "company.merged", merged, cancellationToken);
        await live.PublishAsync(LiveTopics.Company(domainEvent.AbsorbedId), "company.merged", merged, cancellationToken);
    }
}
