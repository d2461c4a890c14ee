using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Infrastructure.Persistence;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>
/// Write keys cached for a few seconds: a key changed on this node (rotated, disabled) takes effect at once
/// (<see cref="Invalidate"/>), one changed on another node within <see cref="Lifetime"/>.
/// </summary>
public sealed class SourceDirectory(IDbContextFactory<MonfriDbContext> dbFactory, TimeProvider clock) : ISourceDirectory
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (SourceKey? Source, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<SourceKey?> FindAsync(string writeKey, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(writeKey, out var cached) && now - cached.At < Lifetime)
        {
            return cached.Source;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var source = await db.Sources.AsNoTracking().Where(s => s.WriteKey == writeKey)
            .Select(s => new SourceKey(s.Id, s.Name, s.Enabled, s.AllowedOrigins)).FirstOrDefaultAsync(cancellationToken);
        if (_cache.Count > 10_000)
        {
            // Unknown keys are cached too (a misconfigured client retries a lot); keep that bounded.
            _cache.Clear();
        }

        _cache[writeKey] = (source, now);
        return source;
    }

    public void Invalidate() => _cache.Clear();
}
