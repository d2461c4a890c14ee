using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

/// <summary>What adding to or taking from a static list did: how many moved, how many named nobody (or nobody this user may see).</summary>
public sealed record StaticListChangeDto(int Changed, int NotFound, int MemberCount);

/// <summary>What the static-list use cases share: their limits and the one change they all make.</summary>
public static class StaticListPeople
{
    public const int MaxPerCall = 10_000;
    public const int MaxCsvBytes = 5 * 1024 * 1024;

    public static int Count(IReadOnlyList<Guid>? ids, IReadOnlyList<string>? emails) => (ids?.Count ?? 0) + (emails?.Count ?? 0);

    public static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Adds <paramref name="personIds"/> and the people with <paramref name="emails"/> to a static list, or takes them out.</summary>
    public static async ValueTask<Result<StaticListChangeDto>> ChangeAsync(
        IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access, Guid segmentId, IReadOnlyList<Guid>? personIds, IReadOnlyList<string>? emails, bool add, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var list = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == segmentId, cancellationToken);
        if (list is null)
        {
            return Result<StaticListChangeDto>.NotFound("No such segment.");
        }

        if (list.Kind != SegmentKind.Static)
        {
            return Result<StaticListChangeDto>.Invalid($"'{list.Name}' is chosen by its conditions; people are added by hand only to a static list.", "segmentId");
        }

        var ids = (personIds ?? []).Distinct().ToArray();
        var addresses = (emails ?? []).Select(e => e.Trim().ToLowerInvariant()).Where(e => e.Length > 0).Distinct().ToArray();
        var people = await access.VisibleAsync(db, db.People.AsNoTracking(), cancellationToken);
        var found = await people
            .Where(p => ids.Contains(p.Id) || (p.Email != null && addresses.Contains(p.Email.ToLower())))
            .Select(p => new { p.Id, p.Email })
            .ToListAsync(cancellationToken);
        var foundEmails = found.Where(p => p.Email != null).Select(p => p.Email!.ToLowerInvariant()).ToHashSet();
        var notFound = ids.Count(id => found.All(p => p.Id != id)) + addresses.Count(a => !foundEmails.Contains(a));
        var who = found.Select(p => p.Id).Distinct().ToList();
        var change = who.Count == 0
            ? new MembershipChange(segmentId, 0, 0, list.MemberCount)
            : add
                ? await engine.AddMembersAsync(segmentId, who, "added by hand", cancellationToken)
                : await engine.RemoveMembersAsync(segmentId, who, "removed by hand", cancellationToken);
        return new StaticListChangeDto(add ? change.Entered : change.Left, notFound, change.MemberCount);
    }
}
