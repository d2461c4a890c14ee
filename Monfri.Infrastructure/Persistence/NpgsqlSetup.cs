using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Monfri.Infrastructure.Persistence;

public static class NpgsqlSetup
{
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <summary>The provider settings every MonfriDbContext uses, at run time and design time alike.</summary>
    public static DbContextOptionsBuilder UseMonfriNpgsql(this DbContextOptionsBuilder builder, NpgsqlDataSource dataSource) =>
        builder.UseNpgsql(dataSource, Configure).UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder<MonfriDbContext> UseMonfriNpgsql(this DbContextOptionsBuilder<MonfriDbContext> builder, string connectionString)
    {
        builder.UseNpgsql(connectionString, Configure).UseSnakeCaseNamingConvention();
        return builder;
    }

    private static void Configure(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsHistoryTable(MigrationsHistoryTable);
}
