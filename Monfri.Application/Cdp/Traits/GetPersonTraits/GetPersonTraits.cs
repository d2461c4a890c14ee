using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;

namespace Monfri.Application.Cdp.Traits.GetPersonTraits;

/// <summary>A person's built-in, computed and identify traits (the profile page's trait cards).</summary>
[RequiresPermission(Permission.ViewProfiles)]
public sealed record GetPersonTraitsQuery(Guid PersonId) : IQuery<Result<PersonTraitsDto>>;

public sealed class GetPersonTraitsHandler(IMonfriDbFactory dbFactory, CrmAccess access, IEventTimelineStore events) : IQueryHandler<GetPersonTraitsQuery, Result<PersonTraitsDto>>
{
    public async ValueTask<Result<PersonTraitsDto>> Handle(GetPersonTraitsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var person = await ProfileVisibility.FindAsync(db, access, query.PersonId, cancellationToken);
        return person is null
            ? Result<PersonTraitsDto>.NotFound("No such person.")
            : await ProfileTraitReader.ReadAsync(db, person, await events.CountAsync(person.Id, cancellationToken),
                await ProfileVisibility.LastSeenAsync(events, person, cancellationToken), cancellationToken);
    }
}

internal static class ProfileTraitReader
{
    /// <summary>Three indexed reads: the person's stats row, their value rows joined to the definitions, their identify traits.</summary>
    public static async Task<PersonTraitsDto> ReadAsync(IMonfriDb db, Domain.Crm.Person person, long totalEvents, DateTimeOffset? lastSeenAt, CancellationToken cancellationToken)
    {
        var stats = await db.ProfileStats.AsNoTracking().FirstOrDefaultAsync(s => s.PersonId == person.Id, cancellationToken);
        var rows = await (
                from t in db.ComputedTraits.AsNoTracking()
                join v in db.ComputedTraitValues.AsNoTracking().Where(v => v.PersonId == person.Id) on t.Id equals v.TraitId into values
                from v in values.DefaultIfEmpty()
                orderby t.Name
                select new { t.Id, t.Key, t.Name, t.Kind, t.WindowDays, t.Status, Value = v == null ? null : v.Value })
            .ToListAsync(cancellationToken);
        var computed = rows.Select(r => new TraitValueDto(r.Id, r.Key, r.Name, r.Kind, r.WindowDays, r.Status,
                r.Value is null ? EmptyValue(r.Kind) : JsonDocument.Parse(r.Value).RootElement.Clone()))
            .ToList();
        var builtIn = new BuiltInTraitsDto(
            person.FirstSeenAt, lastSeenAt, totalEvents,
            stats?.FirstTouchAt is { } firstAt ? new TouchDto(firstAt, stats.FirstTouchSource ?? "direct", stats.FirstTouchMedium ?? "(none)", stats.FirstTouchCampaign) : null,
            stats?.LastTouchAt is { } lastAt ? new TouchDto(lastAt, stats.LastTouchSource ?? "direct", stats.LastTouchMedium ?? "(none)", stats.LastTouchCampaign) : null);
        var identify = await db.IdentifyTraits.AsNoTracking().Where(t => t.PersonId == person.Id).Select(t => t.Traits).FirstOrDefaultAsync(cancellationToken);
        return new PersonTraitsDto(person.Id, builtIn, computed, IdentifyTraitDto.From(identify));
    }

    private static readonly JsonElement Zero = JsonDocument.Parse("0").RootElement.Clone();

    /// <summary>A count over no events is 0, not unknown; other kinds have no value without events.</summary>
    private static JsonElement? EmptyValue(TraitKind kind) => kind is TraitKind.EventCount or TraitKind.UniqueCount ? Zero : null;
}
