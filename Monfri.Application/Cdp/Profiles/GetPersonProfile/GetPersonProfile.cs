using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Application.Cdp.Profiles.GetProfile;

namespace Monfri.Application.Cdp.Profiles.GetPersonProfile;

/// <summary>The header of a person's profile page, for anonymous visitors and contacts alike.</summary>
public sealed record PersonProfileDto(
    Guid Id,
    bool IsContact,
    string DisplayName,
    string? Email,
    DateTimeOffset? FirstSeenAt,
    DateTimeOffset? LastSeenAt,
    string? LifecycleStage,
    string? OwnerName,
    IReadOnlyList<IdentityDto> Identities,
    DeviceSummary? Device,
    DateTimeOffset? KnownSince);

/// <summary>One person's profile by person id.</summary>
[RequiresPermission(Permission.ViewProfiles)]
public sealed record GetPersonProfileQuery(Guid PersonId) : IQuery<Result<PersonProfileDto>>;

public sealed class GetPersonProfileHandler(IMonfriDbFactory dbFactory, IEventTimelineStore events, CrmAccess access)
    : IQueryHandler<GetPersonProfileQuery, Result<PersonProfileDto>>
{
    public async ValueTask<Result<PersonProfileDto>> Handle(GetPersonProfileQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var person = await ProfileVisibility.FindAsync(db, access, query.PersonId, cancellationToken);
        if (person is null)
        {
            return Result<PersonProfileDto>.NotFound("No such person.");
        }

        var identities = ProfileVisibility.WithContactEmail(await db.ProfileIdentities.AsNoTracking().Where(i => i.PersonId == person.Id)
            .OrderBy(i => i.Type).ThenBy(i => i.CreatedAt).Select(i => new IdentityDto(i.Type, i.Value)).ToListAsync(cancellationToken), person);
        var owner = person.OwnerId is { } ownerId
            ? await db.UserRefs.Where(u => u.Id == ownerId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken)
            : null;
        var device = EventContext.Summarize(await events.LatestDeviceContextAsync(person.Id, cancellationToken));
        var knownSince = (await ProfileVisibility.KnownSinceAsync(db, events, person.Id, person.IsContact, cancellationToken))?.At;
        return new PersonProfileDto(
            person.Id, person.IsContact, person.IsContact ? person.DisplayName : PersonName.AnonymousVisitor, person.Email,
            person.FirstSeenAt, await ProfileVisibility.LastSeenAsync(events, person, cancellationToken), person.IsContact ? person.LifecycleStage : null, person.IsContact ? owner : null,
            identities, device, knownSince);
    }
}

internal static class ProfileVisibility
{
    /// <summary>
    /// The person if the current user may see them: contacts follow "reps see only their own records";
    /// anonymous visitors belong to nobody and are visible to everyone who may read profiles.
    /// </summary>
    /// <summary>
    /// When the person was last seen, exactly: ingest keeps <c>last_seen_at</c> to the minute (decision 010), so a
    /// burst of events after an identify would otherwise show the identify's time on their page.
    /// </summary>
    public static async Task<DateTimeOffset?> LastSeenAsync(IEventTimelineStore events, Domain.Crm.Person person, CancellationToken cancellationToken) =>
        Later(person.LastSeenAt, await events.LastEventAtAsync(person.Id, cancellationToken));

    public static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null || a >= b ? a : b;

    public static async Task<Domain.Crm.Person?> FindAsync(IMonfriDb db, CrmAccess access, Guid personId, CancellationToken cancellationToken)
    {
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == personId, cancellationToken);
        if (person is null || (person.IsContact && !await access.CanSeeAsync(db, person.OwnerId, cancellationToken)))
        {
            return null;
        }

        return person;
    }

    /// <summary>
    /// A contact typed in by hand (or imported) has its email before any event brought an identity row; events
    /// with that email already resolve to it (by <c>people.email</c>), so it is shown as the identity it is.
    /// </summary>
    public static IReadOnlyList<IdentityDto> WithContactEmail(List<IdentityDto> identities, Domain.Crm.Person person)
    {
        if (person.Email is { } email && !identities.Any(i => i.Type == IdentityTypes.Email && i.Value == email))
        {
            var at = identities.FindLastIndex(i => string.CompareOrdinal(i.Type, IdentityTypes.Email) <= 0) + 1;
            identities.Insert(at, new IdentityDto(IdentityTypes.Email, email));
        }

        return identities;
    }

    /// <summary>
    /// From when the person is known (as a timeline position): their first identify (or event with a user id); for a contact that got
    /// anonymous history only through a merge, the first merge into them. Null while they are anonymous.
    /// </summary>
    public static async Task<EventPosition?> KnownSinceAsync(
        IMonfriDb db, IEventTimelineStore events, Guid personId, bool isContact, CancellationToken cancellationToken)
    {
        if (!isContact)
        {
            return null;
        }

        if (await events.FirstIdentifiedAsync(personId, cancellationToken) is { } identified)
        {
            return identified;
        }

        var merged = await db.ProfileMerges.AsNoTracking()
            .Where(m => m.WinnerId == personId && m.Outcome == Domain.Cdp.MergeOutcome.Merged)
            .OrderBy(m => m.MergedAt).Select(m => (DateTimeOffset?)m.MergedAt).FirstOrDefaultAsync(cancellationToken);
        return merged is { } at ? new EventPosition(at) : null;
    }
}
