using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Profiles;

public sealed record IdentityDto(string Type, string Value);

/// <summary>A merge this profile took part in; <see cref="UndoneAt"/> is set once an Admin undid it (the two are apart again).</summary>
public sealed record MergeDto(Guid WinnerId, Guid LoserId, MergeOutcome Outcome, string IdentityType, string IdentityValue, string? MessageId, string Reason, DateTimeOffset MergedAt, DateTimeOffset? UndoneAt);

/// <summary>A profile: the person, every identifier that points at it, its traits and its merge history.</summary>
public sealed record ProfileDto(
    Guid Id,
    bool IsContact,
    string DisplayName,
    string? Email,
    string? FirstName,
    string? LastName,
    string? Phone,
    DateTimeOffset? FirstSeenAt,
    DateTimeOffset? LastSeenAt,
    IReadOnlyList<IdentityDto> Identities,
    IReadOnlyDictionary<string, object?> Traits,
    IReadOnlyList<MergeDto> Merges);

/// <summary>Finds a profile by one of its identifiers, e.g. <c>user_id:42</c> or <c>email:ann@example.com</c>.</summary>
/// <remarks>Sales reps read profiles like on screen: anonymous visitors, and contacts they may see (own records rule).</remarks>
[RequiresPermission(Permission.ViewProfiles)]
public sealed record GetProfileQuery(string IdType, string Value) : IQuery<Result<ProfileDto>>;

public sealed class GetProfileHandler(IMonfriDbFactory dbFactory, IProfileStore store, IEventTimelineStore events, CrmAccess access) : IQueryHandler<GetProfileQuery, Result<ProfileDto>>
{
    public async ValueTask<Result<ProfileDto>> Handle(GetProfileQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (await ProfileLookup.FindAsync(db, query.IdType, query.Value, cancellationToken) is not { } found
            || await ProfileVisibility.FindAsync(db, access, found, cancellationToken) is not { } person)
        {
            return Result<ProfileDto>.NotFound($"No profile has the identifier {query.IdType}:{query.Value}, or you may not see it.");
        }

        var personId = person.Id;
        var identities = ProfileVisibility.WithContactEmail(await db.ProfileIdentities.AsNoTracking().Where(i => i.PersonId == personId)
            .OrderBy(i => i.Type).ThenBy(i => i.CreatedAt).Select(i => new IdentityDto(i.Type, i.Value)).ToListAsync(cancellationToken), person);
        var merges = await db.ProfileMerges.AsNoTracking().Where(m => m.WinnerId == personId || m.LoserId == personId)
            .OrderBy(m => m.MergedAt)
            .Select(m => new MergeDto(m.WinnerId, m.LoserId, m.Outcome, m.IdentityType, m.IdentityValue, m.MessageId, m.Reason, m.MergedAt, m.UndoneAt))
            .ToListAsync(cancellationToken);
        var traits = await store.TraitsAsync(personId, cancellationToken);
        return new ProfileDto(person.Id, person.IsContact, person.DisplayName, person.Email, person.FirstName, person.LastName, person.Phone,
            person.FirstSeenAt, await ProfileVisibility.LastSeenAsync(events, person, cancellationToken), identities, traits, merges);
    }
}

/// <summary>A profile's events, newest first, one page at a time.</summary>
[RequiresPermission(Permission.ViewProfiles)]
public sealed record ListProfileEventsQuery(string IdType, string Value, int PageIndex = 0, int PageSize = 50) : IQuery<Result<Page<ProfileEventDto>>>, IPagedQuery;

public sealed class ListProfileEventsValidator : AbstractValidator<ListProfileEventsQuery>
{
    public ListProfileEventsValidator() => this.RuleForPaging(maxPageSize: 500);
}

public sealed class ListProfileEventsHandler(IMonfriDbFactory dbFactory, IProfileStore store, CrmAccess access)
    : IQueryHandler<ListProfileEventsQuery, Result<Page<ProfileEventDto>>>
{
    public async ValueTask<Result<Page<ProfileEventDto>>> Handle(ListProfileEventsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (await ProfileLookup.FindAsync(db, query.IdType, query.Value, cancellationToken) is not { } personId
            || await ProfileVisibility.FindAsync(db, access, personId, cancellationToken) is null)
        {
            return Result<Page<ProfileEventDto>>.NotFound($"No profile has the identifier {query.IdType}:{query.Value}, or you may not see it.");
        }

        var (items, total) = await store.EventsAsync(personId, query.PageIndex, query.PageSize, cancellationToken);
        return new Page<ProfileEventDto>(items, query.PageIndex, query.PageSize, total);
    }
}

internal static class ProfileLookup
{
    /// <summary>Identity first; an email also finds a CRM contact that never sent an event; <c>id</c> is the person id.</summary>
    public static async Task<Guid?> FindAsync(IMonfriDb db, string idType, string value, CancellationToken cancellationToken)
    {
        var type = idType.Trim().ToLowerInvariant();
        if (type == "id")
        {
            return Guid.TryParse(value, out var id) && await db.People.AnyAsync(p => p.Id == id, cancellationToken) ? id : null;
        }

        var lookup = type == IdentityTypes.Email ? value.Trim().ToLowerInvariant() : value;
        var found = await db.ProfileIdentities.AsNoTracking().Where(i => i.Type == type && i.Value == lookup)
            .Select(i => (Guid?)i.PersonId).FirstOrDefaultAsync(cancellationToken);
        if (found is null && type == IdentityTypes.Email)
        {
            found = await db.People.AsNoTracking().Where(p => p.Email == lookup).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);
        }

        return found;
    }
}
