using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Security;

namespace Monfri.Infrastructure.Persistence;

/// <summary>One context per operation, stamped with who is acting so the audit log and the event handlers can name them.</summary>
internal sealed class MonfriDbFactory(IDbContextFactory<MonfriDbContext> factory, ICurrentUser currentUser, IServiceProvider services) : IMonfriDbFactory
{
    public async Task<IMonfriDb> CreateAsync(CancellationToken cancellationToken = default)
    {
        var db = await factory.CreateDbContextAsync(cancellationToken);
        db.ActorId = currentUser.Id;
        // Domain event handlers run in this same scope: they see the same acting user.
        db.EventServices = services;
        return db;
    }
}
