using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Monfri.Infrastructure.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the app or a server.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<MonfriDbContext>
{
    public MonfriDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<MonfriDbContext>()
            .UseMonfriNpgsql("Host=localhost;Database=monfri_design")
            .Options);
}
