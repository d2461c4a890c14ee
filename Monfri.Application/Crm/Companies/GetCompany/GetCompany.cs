using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Contacts;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Companies.GetCompany;

/// <summary>One company with the contacts and deals that belong to it (those the user may see).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetCompanyQuery(Guid Id) : IQuery<Result<CompanyDetail>>;

public sealed class GetCompanyHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GetCompanyQuery, Result<CompanyDetail>>
{
    public async ValueTask<Result<CompanyDetail>> Handle(GetCompanyQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var company = await db.Companies.AsNoTracking().FirstOrDefaultAsync(c => c.Id == query.Id, cancellationToken);
        if (company is null || !await access.CanSeeAsync(db, company.OwnerId, cancellationToken))
        {
            return Result<CompanyDetail>.NotFound("That company does not exist, or you may not see it.");
        }

        var owner = company.OwnerId is { } ownerId
            ? await db.UserRefs.Where(u => u.Id == ownerId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken)
            : null;
        var contacts = await (await access.VisibleAsync(db, db.People.AsNoTracking().Where(p => p.IsContact && p.CompanyId == company.Id), cancellationToken))
            .OrderBy(p => p.LastName).ThenBy(p => p.FirstName).Take(200)
            .Select(p => new CompanyContact(p.Id, ((p.FirstName ?? "") + " " + (p.LastName ?? "")).Trim(), p.Email, p.JobTitle))
            .ToListAsync(cancellationToken);
        var deals = await (
                from deal in await access.VisibleAsync(db, db.Deals.AsNoTracking().Where(d => d.CompanyId == company.Id), cancellationToken)
                join stage in db.PipelineStages on deal.StageId equals stage.Id
                orderby deal.CreatedAt descending
                select new RelatedDeal(deal.Id, deal.Name, deal.Amount, deal.Currency, deal.Status.ToString(), stage.Name))
            .Take(200).ToListAsync(cancellationToken);

        return new CompanyDetail(company.Id, company.Name, company.Domain, company.Industry, company.Size, company.OwnerId, owner,
            company.Tags, company.CustomFields, company.CreatedAt, company.UpdatedAt, company.LastActivityAt, company.Version, contacts, deals);
    }
}
