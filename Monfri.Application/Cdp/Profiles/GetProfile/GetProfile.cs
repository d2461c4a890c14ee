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
using Monfri.Application.Cdp.Profiles.GetPersonProfile;

namespace Monfri.Application.Cdp.Profiles.GetProfile;

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
