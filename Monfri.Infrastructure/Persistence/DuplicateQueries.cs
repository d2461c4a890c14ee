using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Companies;

namespace Monfri.Infrastructure.Persistence;

/// <summary><see cref="IDuplicateQueries"/>: the duplicate searches, run on the use case's own unit of work.</summary>
public sealed class DuplicateQueries : IDuplicateQueries
{
    // Every contact would be compared with every other, so instead the contacts are grouped by what makes a
    // duplicate (an email address; company + name key) in one hashed pass, and pairs are formed only inside the
    // few groups with more than one member. 20,000 contacts take a few tens of milliseconds this way, and the
    // small estimates keep PostgreSQL from planning (and JIT-compiling) a huge self-join.
    // The name key ignores case, spaces and punctuation ("Mary-Ann O'Neil" = "maryann oneil").
    private const string ContactPairsSql = """
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

    // The keys are computed once per company, companies are grouped by each key in one hashed pass, and pairs
    // are formed only inside groups with more than one member (see ListContactDuplicatePairs).
    private static readonly string CompanyPairsSql = $"""
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

    // Companies that are likely the same as one with this name and domain: the same domain (or one under the
    // same registered domain, "eu.acme.com" / "acme.com"), or the same name ignoring case, punctuation and legal
    // form ("Acme Inc." / "ACME").
    private static readonly string SimilarCompaniesSql = $"""
        SELECT id, name, domain,
               CASE WHEN {CompanyMatchKeys.DomainRoot("domain")} = {CompanyMatchKeys.DomainRoot("{3}")} THEN 'Same domain' ELSE 'Similar name' END AS reason
        FROM companies
        WHERE id <> {"{0}"} AND (NOT {"{1}"} OR owner_id = {"{2}"})
          AND ({CompanyMatchKeys.DomainRoot("domain")} = {CompanyMatchKeys.DomainRoot("{3}")}
               OR ({CompanyMatchKeys.NameKey("{4}")} <> '' AND {CompanyMatchKeys.NameKey("name")} = {CompanyMatchKeys.NameKey("{4}")}))
        ORDER BY name, id
        LIMIT 10
        """;

    public async Task<IReadOnlyList<DuplicatePairRow>> ContactPairsAsync(IMonfriDb db, bool ownOnly, Guid userId, int offset, int limit, CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<DuplicatePairRow>(ContactPairsSql, ownOnly, userId, offset, limit).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<DuplicatePairRow>> CompanyPairsAsync(IMonfriDb db, bool ownOnly, Guid userId, int offset, int limit, CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<DuplicatePairRow>(CompanyPairsSql, ownOnly, userId, offset, limit).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<PossibleCompanyDuplicate>> SimilarCompaniesAsync(
        IMonfriDb db, Guid excludeId, bool ownOnly, Guid userId, string domain, string name, CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<PossibleCompanyDuplicate>(SimilarCompaniesSql, excludeId, ownOnly, userId, domain, name).ToListAsync(cancellationToken);
}
