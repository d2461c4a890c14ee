using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Contacts;

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

public sealed class ListContactDuplicatePairsHandler(IMonfriDbFactory dbFactory, CrmAccess access)
    : IQueryHandler<ListContactDuplicatePairsQuery, Result<Page<DuplicatePair>>>
{
    // Every contact would be compared with every other, so instead the contacts are grouped by what makes a
    // duplicate (an email address; company + name key) in one hashed pass, and pairs are formed only inside the
    // few groups with more than one member. 20,000 contacts take a few tens of milliseconds this way, and the
    // small estimates keep PostgreSQL from planning (and JIT-compiling) a huge self-join.
    // The name key ignores case, spaces and punctuation ("Mary-Ann O'Neil" = "maryann oneil").
    private const string Sql = """
        WITH visible AS (
            SELECT id, email, other_emails, company_id,
                   lower(regexp_replace(coalesce(first_name, '') || coalesce(last_name, ''), '[^[:alnum:]]+', '', 'g')) AS name_key
            FROM people
            WHERE is_contact AND (NOT {0} OR owner_id = {1})
        ),
        addresses AS (
            SELECT id, email::text AS address FROM visible WHERE email IS NOT NULL
            UNION ALL
            SELECT v.id, e.address FROM visible v CROSS JOIN LATERAL unnest(v.other_emails) AS e(address)
        ),
        shared_emails AS (
            SELECT address, array_agg(DISTINCT id) AS ids FROM addresses GROUP BY address HAVING count(DISTINCT id) > 1
        ),
        shared_names AS (
            SELECT array_agg(id) AS ids FROM visible
            WHERE company_id IS NOT NULL AND name_key <> ''
            GROUP BY company_id, name_key HAVING count(*) > 1
        ),
        pairs AS (
            SELECT a.id AS a_id, b.id AS b_id, 'Same email ' || s.address AS reason
            FROM shared_emails s CROSS JOIN LATERAL unnest(s.ids) AS a(id) CROSS JOIN LATERAL unnest(s.ids) AS b(id)
            WHERE a.id < b.id
            UNION
            SELECT a.id, b.id, 'Same name at the same company'
            FROM shared_names s CROSS JOIN LATERAL unnest(s.ids) AS a(id) CROSS JOIN LATERAL unnest(s.ids) AS b(id)
            WHERE a.id < b.id
        ),
        grouped AS (
            SELECT a_id, b_id, array_agg(reason ORDER BY reason) AS reasons FROM pairs GROUP BY a_id, b_id
        )
        SELECT a_id, b_id, reasons, (count(*) OVER ())::int AS total
        FROM grouped
        ORDER BY b_id DESC, a_id DESC
        OFFSET {2} LIMIT {3}
        """;

    public async ValueTask<Result<Page<DuplicatePair>>> Handle(ListContactDuplicatePairsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var ownOnly = await access.OwnRecordsOnlyAsync(db, cancellationToken);
        var rows = await db.Database.SqlQueryRaw<DuplicatePairRow>(Sql, ownOnly, access.UserId ?? Guid.Empty, query.PageIndex * query.PageSize, query.PageSize)
            .ToListAsync(cancellationToken);

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
        member.Name.Length > 0 ? member : member with { Name = member.Detail ?? "Unnamed contact" };
}
