using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Companies.FindCompanyDuplicates;

/// <summary>
/// Companies that are likely the same as one with this name and domain: the same domain (or one under the
/// same registered domain, "eu.acme.com" / "acme.com"), or the same name ignoring case, punctuation and legal
/// form ("Acme Inc." / "ACME"); the keys are <c>CompanyMatchKeys</c> in Infrastructure.
/// </summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record FindCompanyDuplicatesQuery(string? Name, string? Domain, Guid? ExcludeId = null) : IQuery<Result<IReadOnlyList<PossibleCompanyDuplicate>>>;

public sealed class FindCompanyDuplicatesHandler(IMonfriDbFactory dbFactory, IDuplicateQueries duplicates, CrmAccess access)
    : IQueryHandler<FindCompanyDuplicatesQuery, Result<IReadOnlyList<PossibleCompanyDuplicate>>>
{
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
        return Result<IReadOnlyList<PossibleCompanyDuplicate>>.Success(
            await duplicates.SimilarCompaniesAsync(db, query.ExcludeId ?? Guid.Empty, ownOnly, access.UserId ?? Guid.Empty, domain, name, cancellationToken));
    }
}
