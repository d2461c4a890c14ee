using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals.FindDealParties;

/// <summary>Companies and contacts whose name (or email, domain) contains <see cref="Search"/>, for linking them to a deal.</summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record FindDealPartiesQuery(string? Search, int Take = 10) : IQuery<Result<DealParties>>;

public sealed record DealParties(IReadOnlyList<DealLink> Companies, IReadOnlyList<DealLink> Contacts);

public sealed class FindDealPartiesHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<FindDealPartiesQuery, Result<DealParties>>
{
    // SearchTerms escapes % and _ with a backslash; Npgsql's two-argument Like sends ESCAPE '', so name it here.
    private const string LikeEscape = "\\";

    public async ValueTask<Result<DealParties>> Handle(FindDealPartiesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var take = Math.Clamp(query.Take, 1, 50);
        var companies = await access.VisibleAsync(db, db.Companies.AsNoTracking(), cancellationToken);
        var people = await access.VisibleAsync(db, db.People.AsNoTracking().Where(p => p.IsContact), cancellationToken);
        if (SearchTerms.ToPattern(query.Search) is { } pattern)
        {
            companies = companies.Where(c => EF.Functions.Like(EF.Property<string>(c, SearchTerms.Column), pattern, LikeEscape));
            people = people.Where(p => EF.Functions.Like(EF.Property<string>(p, SearchTerms.Column), pattern, LikeEscape));
        }

        var companyLinks = await companies.OrderBy(c => c.Name).Take(take).Select(c => new DealLink(c.Id, c.Name, c.Domain)).ToListAsync(cancellationToken);
        var contactRows = await people.OrderBy(p => p.LastName).ThenBy(p => p.FirstName).Take(take)
            .Select(p => new { p.Id, p.FirstName, p.LastName, p.Email }).ToListAsync(cancellationToken);
        var contactLinks = contactRows
            .Select(p => new DealLink(p.Id, PersonName.Display(p.FirstName, p.LastName, p.Email), p.Email))
            .ToList();
        return new DealParties(companyLinks, contactLinks);
    }
}
