using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;

using Roles = Monfri.Domain.Common.Roles;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Contacts.ListContactDuplicatePairs;

/// <summary>
/// Likely duplicate contacts across the workspace, as pairs: the same email (primary or other) on two contacts,
/// or the same name at the same company. Newest pairs first; only contacts the user may see.
/// </summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListContactDuplicatePairsQuery(int PageIndex = 0, int PageSize = 50) : IQuery<Result<Page<DuplicatePair>>>, IPagedQuery;

public sealed class ListContactDuplicatePairsValidator : AbstractValidator<ListContactDuplicatePairsQuery>
{
    public ListContactDuplicatePairsValidator()
    {
        this.RuleForPaging(maxPageSize: 200);
    }
}

public sealed class ListContactDuplicatePairsHandler(IMonfriDbFactory dbFactory, IDuplicateQueries duplicates, CrmAccess access)
    : IQueryHandler<ListContactDuplicatePairsQuery, Result<Page<DuplicatePair>>>
{
    public async ValueTask<Result<Page<DuplicatePair>>> Handle(ListContactDuplicatePairsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var ownOnly = await access.OwnRecordsOnlyAsync(db, cancellationToken);
        var rows = await duplicates.ContactPairsAsync(db, ownOnly, access.UserId ?? Guid.Empty, query.PageIndex * query.PageSize, query.PageSize, cancellationToken);

        var ids = rows.SelectMany(r => new[] { r.AId, r.BId }).Distinct().ToList();
        var members = await (
                from p in db.People.AsNoTracking()
                where ids.Contains(p.Id)
                join c in db.Companies on p.CompanyId equals c.Id into companies
                from c in companies.DefaultIfEmpty()
                select new DuplicateMember(p.Id, ((p.FirstName ?? "") + " " + (p.LastName ?? "")).Trim(), p.Email, c == null ? null : c.Name, p.CreatedAt))
            .ToDictionaryAsync(m => m.Id, cancellationToken);

        var pairs = rows
            .Where(r => members.ContainsKey(r.AId) && members.ContainsKey(r.BId))
            .Select(r => new DuplicatePair(Named(members[r.AId]), Named(members[r.BId]), r.Reasons))
            .ToList();
        return new Page<DuplicatePair>(pairs, query.PageIndex, query.PageSize, rows.FirstOrDefault()?.Total ?? 0);
    }

    private static DuplicateMember Named(DuplicateMember member) =>
        member with { Name = PersonName.OrFallback(member.Name, member.Detail) };
}
