using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Monfri.Application.Common.Persistence;
using Monfri.Domain.Crm;

namespace Monfri.Infrastructure.Persistence;

/// <summary>
/// Gives a new workspace a pipeline to start with ("Sales pipeline"), so deals can be created on day one.
/// Runs at every start and does nothing once any pipeline exists, even one the workspace renamed or replaced.
/// </summary>
public sealed class DefaultPipelineSeeder(IDbContextFactory<MonfriDbContext> dbFactory, TimeProvider clock, ILogger<DefaultPipelineSeeder> logger)
{
    public const string Name = "Sales pipeline";

    private const long SeedLockKey = AdvisoryLocks.DefaultPipelineSeed;

    public static IReadOnlyList<(string Name, int Probability, int? RottingDays)> Stages { get; } =
    [
        ("Qualification", 10, 14),
        ("Needs analysis", 30, 14),
        ("Proposal", 60, 14),
        ("Negotiation", 80, 14),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Several Monfri processes may start together on one database; the lock lets exactly one seed.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SeedLockKey})", cancellationToken);
        if (await db.Pipelines.AnyAsync(cancellationToken))
        {
            return;
        }

        db.Pipelines.Add(Pipeline.Create(Name, Stages, clock.GetUtcNow(), order: 0, isDefault: true));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Created the default pipeline {Pipeline}", Name);
    }
}
