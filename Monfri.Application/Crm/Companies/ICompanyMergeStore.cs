using Monfri.Application.Common.Persistence;

namespace Monfri.Application.Crm.Companies;

/// <summary>What a company merge moves beyond the CRM's own tables (Infrastructure holds the SQL), in the caller's transaction.</summary>
public interface ICompanyMergeStore
{
    /// <summary>Group calls linked to the absorbed company (by their groupId) link to the survivor from now on.</summary>
    Task MoveGroupLinksAsync(IMonfriDb db, Guid absorbedId, Guid survivorId, CancellationToken cancellationToken);
}
