using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Companies;

/// <summary>
/// Companies that are likely the same as one with this name and domain: the same domain (or one under the
/// same registered domain, "eu.acme.com" / "acme.com"), or the same name ignoring case, punctuation and legal
/// form ("Acme Inc." / "ACME").
/// </summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record FindCompanyDuplicatesQuery(string? Name, string? Domain, Guid? ExcludeId = null) : IQuery<Result<IReadOnlyList<PossibleCompanyDuplicate>>>;

public sealed class FindCompanyDuplicatesHandler(IMonfriDbFactory dbFactory, CrmAccess access)
    : IQueryHandler<FindCompanyDuplicatesQuery, Result<IReadOnlyList<PossibleCompanyDuplicate>>>
{
    private static readonly string Sql = $"""
        SELECT id, name, domain,
               CASE WHEN {CompanyMatchKeys.DomainRoot("domain")} = {CompanyMatchKeys.DomainRoot("{3}")} THEN 'Same domain' ELSE 'Similar name' END AS reason
        FROM companies
        WHERE id <> {"{0}"} AND (NOT {"{1}"} OR owner_id = {"{2}"})
          AND ({CompanyMatchKeys.DomainRoot("domain")} = {CompanyMatchKeys.DomainRoot("{3}")}
               OR ({CompanyMatchKeys.NameKey("{4}")} <> '' AND {CompanyMatchKeys.NameKey("name")} = {CompanyMatchKeys.NameKey("{4}")}))
        ORDER BY name, id
        LIMIT 10
        """;

    public async ValueTask<Result<IReadOnlyList<PossibleCompanyDuplicate>>> Handle(FindCompanyDuplicatesQuery query, CancellationToken cancellationToken)
    {
        var domain = Company.NormalizeDomain(query.Domain) ?? "";
        var name = query.Name?.Trim() ?? "";
        if (domain.Length == 0 && name.Length == 0)
        {
            return Result<IReadOnlyList<PossibleCompanyDuplicate>>.Success([]);
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var ownOnly = await access.OwnRecordsOnlyAsync(db, cancellationToken);
        var found = await db.Database.SqlQueryRaw<PossibleCompanyDuplicate>(Sql, query.ExcludeId ?? Guid.Empty, ownOnly, access.UserId ?? Guid.Empty, domain, name)
            .ToListAsync(cancellationToken);
        return found;
    }
}

/// <summary>
/// How companies are matched, as SQL so that one definition serves the single lookup and the workspace-wide
/// pair listing, and the database does the comparing.
/// </summary>
public static class CompanyMatchKeys
{
    private const string LegalForms = "inc|incorporated|llc|llp|lp|ltd|limited|gmbh|ag|kg|sa|sas|sarl|srl|spa|bv|nv|corp|corporation|co|company|plc|oy|ab|as|pty|pte";

    /// <summary>"Acme, Inc." → "acme": lower case, no punctuation or spaces, trailing legal forms dropped.</summary>
    public static string NameKey(string expression) =>
        $"replace(regexp_replace(' ' || btrim(regexp_replace(lower({expression}), '[^[:alnum:]]+', ' ', 'g')), '( ({LegalForms}))+$', ''), ' ', '')";

    /// <summary>The registered domain: "eu.acme.com" → "acme.com", "shop.acme.co.uk" → "acme.co.uk".</summary>
    public static string DomainRoot(string expression) =>
        $"substring({expression} from '([^.]+\\.(?:(?:co|com|org|net|ac|gov|edu)\\.[a-z][a-z]|[^.]+))$')";
}
