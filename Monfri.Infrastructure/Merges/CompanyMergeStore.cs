using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Companies;

namespace Monfri.Infrastructure.Merges;

/// <summary><see cref="ICompanyMergeStore"/>: the ingest's group links (<c>cdp_company_groups</c>, not mapped by EF) follow a merged company.</summary>
public sealed class CompanyMergeStore : ICompanyMergeStore
{
    public async Task MoveGroupLinksAsync(IMonfriDb db, Guid absorbedId, Guid survivorId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"UPDATE cdp_company_groups SET company_id = {survivorId} WHERE company_id = {absorbedId}", cancellationToken);
}
