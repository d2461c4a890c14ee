using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Companies;

namespace Monfri.Application.Crm.Common;

/// <summary>
/// The set-based duplicate searches (Infrastructure holds the SQL: the database groups and compares, so a
/// workspace of 20,000 contacts is scanned in one pass). <c>ownOnly</c> limits them to the records
/// <c>userId</c> owns.
/// </summary>
public interface IDuplicateQueries
{
    /// <summary>Pairs of contacts with the same email (primary or other), or the same name at the same company; newest pairs first.</summary>
    Task<IReadOnlyList<DuplicatePairRow>> ContactPairsAsync(IMonfriDb db, bool ownOnly, Guid userId, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Pairs of companies with a similar name or domains under the same registered domain; newest pairs first.</summary>
    Task<IReadOnlyList<DuplicatePairRow>> CompanyPairsAsync(IMonfriDb db, bool ownOnly, Guid userId, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Up to ten companies (not <paramref name="excludeId"/>) that look like one with this domain and name.</summary>
    Task<IReadOnlyList<PossibleCompanyDuplicate>> SimilarCompaniesAsync(
        IMonfriDb db, Guid excludeId, bool ownOnly, Guid userId, string domain, string name, CancellationToken cancellationToken);
}
