using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Monfri.Infrastructure.Identity;

namespace Monfri.Infrastructure.Persistence;

/// <summary>
/// The one EF Core model of Monfri. Created per operation through <see cref="IDbContextFactory{TContext}"/>
/// (a Blazor circuit outlives any sensible unit of work). Names are snake_case.
/// </summary>
public sealed class MonfriDbContext(DbContextOptions<MonfriDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    /// <summary>Cookie and antiforgery keys, shared by every Monfri process on this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(MonfriDbContext).Assembly);
    }
}
