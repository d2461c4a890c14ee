using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Companies;

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

public sealed class ListCompanyDuplicatePairsHandler(IMonfriDbFactory dbFactory, CrmAccess access)
    : IQueryHandler<ListCompanyDuplicatePairsQuery, Result<Page<DuplicatePair>>>
{
    // The keys are computed once per company, companies are grouped by each key in one hashed pass, and pairs
    // are formed only inside groups with more than one member (see ListContactDuplicatePairs).
    private static readonly string Sql = $"""
        WITH visible AS (
            SELECT id, {CompanyMatchKeys.NameKey("name")} AS name_key, {CompanyMatchKeys.DomainRoot("domain")} AS domain_root
            FROM companies
            WHERE NOT {"{0}"} OR owner_id = {"{1}"}
        ),
        groups AS (
            SELECT 'Similar name' AS reason, array_agg(id) AS ids FROM visible WHERE name_key <> '' GROUP BY name_key HAVING count(*) > 1
            UNION ALL
            SELECT 'Same domain ' || domain_root, array_agg(id) FROM visible WHERE domain_root IS NOT NULL GROUP BY domain_root HAVING count(*) > 1
        ),
        pairs AS (
            SELECT DISTINCT a.id AS a_id, b.id AS b_id, g.reason
            FROM groups g CROSS JOIN LATERAL unnest(g.ids) AS a(id) CROSS JOIN LATERAL unnest(g.ids) AS b(id)
            WHERE a.id < b.id
        ),
        grouped AS (
            SELECT a_id, b_id, array_agg(reason ORDER BY reason) AS reasons FROM pairs GROUP BY a_id, b_id
        )
        SELECT a_id, b_id, reasons, (count(*) OVER ())::int AS total
        FROM grouped
        ORDER BY b_id DESC, a_id DESC
        OFFSET {"{2}"} LIMIT {"{3}"}
        """;

    public async ValueTask<Result<Page<DuplicatePair>>> Handle(ListCompanyDuplicatePairsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var ownOnly = await access.OwnRecordsOnlyAsync(db, cancellationToken);
        var rows = await db.Database.SqlQueryRaw<DuplicatePairRow>(Sql, ownOnly, access.UserId ?? Guid.Empty, query.PageIndex * query.PageSize, query.PageSize)
            .ToListAsync(cancellationToken);

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
