using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Security;

namespace Monfri.Infrastructure.Persistence;

/// <summary>One context per operation, stamped with who is acting so the audit log can name them.</summary>
internal sealed class MonfriDbFactory(IDbContextFactory<MonfriDbContext> factory, ICurrentUser currentUser) : IMonfriDbFactory
{
    public async Task<IMonfriDb> CreateAsync(CancellationToken cancellationToken = default)
    {
        var db = await factory.CreateDbContextAsync(cancellationToken);
        db.ActorId = currentUser.Id;
        return db;
    }
}
