using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;

namespace Monfri.Infrastructure.Persistence;

internal sealed class MonfriDbFactory(IDbContextFactory<MonfriDbContext> factory) : IMonfriDbFactory
{
    public async Task<IMonfriDb> CreateAsync(CancellationToken cancellationToken = default) =>
        await factory.CreateDbContextAsync(cancellationToken);
}
