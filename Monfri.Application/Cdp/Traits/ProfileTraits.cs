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

namespace Monfri.Application.Cdp.Traits;

/// <summary>A person's built-in and computed traits (the profile page's Traits section).</summary>
[RequiresRole(Roles.Admin, Roles.Manager, Roles.Sales, Roles.Marketing)]
public sealed record GetProfileTraitsQuery(Guid PersonId) : IQuery<Result<ProfileTraitsDto>>;

public sealed class GetProfileTraitsHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GetProfileTraitsQuery, Result<ProfileTraitsDto>>
{
    public async ValueTask<Result<ProfileTraitsDto>> Handle(GetProfileTraitsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var person = await ProfileVisibility.FindAsync(db, access, query.PersonId, cancellationToken);
        return person is null
            ? Result<ProfileTraitsDto>.NotFound("No such person.")
            : await ProfileTraitReader.ReadAsync(db, person, cancellationToken);
    }
}

/// <summary>A profile's traits by one of its identifiers (REST: <c>/api/v1/profiles/{idType}:{value}/traits</c>).</summary>
[RequiresRole(Roles.Admin, Roles.Manager, Roles.Marketing)]
public sealed record GetProfileTraitsByIdentityQuery(string IdType, string Value) : IQuery<Result<ProfileTraitsDto>>;

public sealed class GetProfileTraitsByIdentityHandler(IMonfriDbFactory dbFactory) : IQueryHandler<GetProfileTraitsByIdentityQuery, Result<ProfileTraitsDto>>
{
    public async ValueTask<Result<ProfileTraitsDto>> Handle(GetProfileTraitsByIdentityQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (await ProfileLookup.FindAsync(db, query.IdType, query.Value, cancellationToken) is not { } personId
            || await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == personId, cancellationToken) is not { } person)
        {
            return Result<ProfileTraitsDto>.NotFound($"No profile has the identifier {query.IdType}:{query.Value}.");
        }

        return await ProfileTraitReader.ReadAsync(db, person, cancellationToken);
    }
}

internal static class ProfileTraitReader
{
    /// <summary>Two indexed reads: the person's stats row, and their value rows joined to the definitions.</summary>
    public static async Task<ProfileTraitsDto> ReadAsync(IMonfriDb db, Domain.Crm.Person person, CancellationToken cancellationToken)
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
            person.FirstSeenAt, person.LastSeenAt, stats?.TotalEvents ?? 0,
            stats?.FirstTouchAt is { } firstAt ? new TouchDto(firstAt, stats.FirstTouchSource ?? "direct", stats.FirstTouchMedium ?? "(none)", stats.FirstTouchCampaign) : null,
            stats?.LastTouchAt is { } lastAt ? new TouchDto(lastAt, stats.LastTouchSource ?? "direct", stats.LastTouchMedium ?? "(none)", stats.LastTouchCampaign) : null);
        return new ProfileTraitsDto(person.Id, builtIn, computed);
    }

    private static readonly JsonElement Zero = JsonDocument.Parse("0").RootElement.Clone();

    /// <summary>A count over no events is 0, not unknown; other kinds have no value without events.</summary>
    private static JsonElement? EmptyValue(TraitKind kind) => kind is TraitKind.EventCount or TraitKind.UniqueCount ? Zero : null;
}
