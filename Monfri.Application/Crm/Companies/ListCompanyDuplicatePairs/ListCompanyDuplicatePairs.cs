using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Companies.ListCompanyDuplicatePairs;

/// <summary>
/// Likely duplicate companies across the workspace, as pairs: the same name ignoring case, punctuation and
/// legal form, or domains under the same registered domain. Newest pairs first; only companies the user may see.
/// </summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListCompanyDuplicatePairsQuery(int PageIndex = 0, int PageSize = 50) : IQuery<Result<Page<DuplicatePair>>>, IPagedQuery;

public sealed class ListCompanyDuplicatePairsValidator : AbstractValidator<ListCompanyDuplicatePairsQuery>
{
    public ListCompanyDuplicatePairsValidator()
    {
        this.RuleForPaging(maxPageSize: 200);
    }
}

public sealed class ListCompanyDuplicatePairsHandler(IMonfriDbFactory dbFactory, IDuplicateQueries duplicates, CrmAccess access)
    : IQueryHandler<ListCompanyDuplicatePairsQuery, Result<Page<DuplicatePair>>>
{
    public async ValueTask<Result<Page<DuplicatePair>>> Handle(ListCompanyDuplicatePairsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var ownOnly = await access.OwnRecordsOnlyAsync(db, cancellationToken);
        var rows = await duplicates.CompanyPairsAsync(db, ownOnly, access.UserId ?? Guid.Empty, query.PageIndex * query.PageSize, query.PageSize, cancellationToken);

        var ids = rows.SelectMany(r => new[] { r.AId, r.BId }).Distinct().ToList();
        var members = await db.Companies.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new DuplicateMember(c.Id, c.Name, c.Domain, c.Industry, c.CreatedAt))
            .ToDictionaryAsync(m => m.Id, cancellationToken);

        var pairs = rows
            .Where(r => members.ContainsKey(r.AId) && members.ContainsKey(r.BId))
            .Select(r => new DuplicatePair(members[r.AId], members[r.BId], r.Reasons))
            .ToList();
        return new Page<DuplicatePair>(pairs, query.PageIndex, query.PageSize, rows.FirstOrDefault()?.Total ?? 0);
    }
}
