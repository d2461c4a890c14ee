using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Contacts.GetContact;

/// <summary>One contact with its company, owner and deals. Hidden or unknown contacts are "not found" alike.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetContactQuery(Guid Id) : IQuery<Result<ContactDetail>>;

public sealed class GetContactHandler(IMonfriDbFactory dbFactory, CrmAccess access, Cdp.Profiles.IEventTimelineStore events) : IQueryHandler<GetContactQuery, Result<ContactDetail>>
{
    public async ValueTask<Result<ContactDetail>> Handle(GetContactQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.Id && p.IsContact, cancellationToken);
        if (person is null || !await access.CanSeeAsync(db, person.OwnerId, cancellationToken))
        {
            return Result<ContactDetail>.NotFound("That contact does not exist, or you may not see it.");
        }

        var company = person.CompanyId is { } companyId
            ? await db.Companies.AsNoTracking().Where(c => c.Id == companyId).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken)
            : null;
        var owner = person.OwnerId is { } ownerId
            ? await db.UserRefs.Where(u => u.Id == ownerId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken)
            : null;
        // Their deals as this user may see them: a rep limited to their own records does not see a colleague's deal
        // here either (nor learns of it when the live update about it reloads this list).
        var visibleDeals = await access.VisibleAsync(db, db.Deals.AsNoTracking(), cancellationToken);
        var deals = await (
                from link in db.DealContacts
                join deal in visibleDeals on link.DealId equals deal.Id
                join stage in db.PipelineStages on deal.StageId equals stage.Id
                where link.PersonId == person.Id
                orderby deal.CreatedAt descending
                select new RelatedDeal(deal.Id, deal.Name, deal.Amount, deal.Currency, deal.Status.ToString(), stage.Name))
            .ToListAsync(cancellationToken);

        return new ContactDetail(person.Id, person.FirstName, person.LastName, person.Email, person.OtherEmails, person.Phone, person.JobTitle,
            person.CompanyId, company, person.OwnerId, owner, person.LifecycleStage, person.LeadSource, person.Tags, person.CustomFields,
            // Their events count as activity, to the moment (the stored value is kept to the minute by ingest).
            person.CreatedAt, person.UpdatedAt, Cdp.Profiles.GetPersonProfile.ProfileVisibility.Later(person.LastActivityAt, await events.LastEventAtAsync(person.Id, cancellationToken)),
            person.Version, deals);
    }
}
