using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Persistence;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>One source from configuration: <c>Monfri__Bootstrap__Sources__0__Name</c>, <c>…__WriteKey</c>, <c>…__Kind</c>, <c>…__AllowedOrigins__0</c>.</summary>
public sealed class BootstrapSource
{
    public string? Name { get; set; }
    public string? WriteKey { get; set; }
    public SourceKind Kind { get; set; } = SourceKind.Website;
    public List<string> AllowedOrigins { get; set; } = [];
}

/// <summary>
/// Provisions sources from configuration at start-up so a deployment is set up without clicking. A source is
/// matched by name: missing ones are created, an existing one gets the configured write key (configuration is
/// the source of truth for what it names); everything else is left as edited in the UI.
/// </summary>
public sealed class SourceBootstrapper(IDbContextFactory<MonfriDbContext> dbFactory, IConfiguration configuration, TimeProvider clock, ILogger<SourceBootstrapper> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var configured = configuration.GetSection("Monfri:Bootstrap:Sources").Get<List<BootstrapSource>>() ?? [];
        if (configured.Count == 0)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.SuppressAudit = true; // configuration is the record of what it provisions
        foreach (var item in configured.Where(s => !string.IsNullOrWhiteSpace(s.Name)))
        {
            var name = item.Name!.Trim();
            var key = string.IsNullOrWhiteSpace(item.WriteKey) ? null : item.WriteKey.Trim();
            var existing = await db.Sources.FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
            if (existing is null)
            {
                db.Sources.Add(Source.Create(name, item.Kind, item.AllowedOrigins, clock.GetUtcNow(), key));
                logger.LogInformation("Created source {Name} from configuration", name);
            }
            else if (key is not null && existing.WriteKey != key)
            {
                existing.RotateKey(clock.GetUtcNow(), key);
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (configured.Count > 0)
        {
            // Several nodes starting together: another one created the same sources first.
            logger.LogInformation("Sources from configuration were provisioned by another node");
        }
    }
}
