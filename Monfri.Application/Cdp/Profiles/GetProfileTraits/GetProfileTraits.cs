using System.Text.Json;
using Mediator;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;

namespace Monfri.Application.Cdp.Profiles.GetProfileTraits;

/// <summary>
/// What a website backend personalises with: the traits the person told us (<see cref="Identify"/>, from their
/// identify calls), the traits derived from their events (<see cref="Computed"/>), the names of the segments they are in, and
/// when they were first and last seen.
/// </summary>
public sealed record ProfileTraitsDto(
    Guid ProfileId,
    DateTimeOffset? FirstSeenAt,
    DateTimeOffset? LastSeenAt,
    IReadOnlyDictionary<string, JsonElement> Identify,
    IReadOnlyDictionary<string, JsonElement> Computed,
    IReadOnlyList<string> Segments);

/// <summary>The person behind an identifier as the traits API needs it: one indexed read.</summary>
public sealed record ProfileFacts(Guid PersonId, DateTimeOffset? FirstSeenAt, DateTimeOffset? LastSeenAt, IReadOnlyDictionary<string, JsonElement> IdentifyTraits);

/// <summary>
/// The current values of a person's computed traits (and built-in ones) by key. Kept by the computed-trait engine
/// (Infrastructure/Traits); the traits API only reads what it has computed.
/// </summary>
public interface IComputedTraitReader
{
    Task<IReadOnlyDictionary<string, JsonElement>> ReadAsync(Guid personId, CancellationToken cancellationToken);
}

/// <summary>
/// A profile's traits by one of its identifiers (<c>anonymous_id:…</c>, <c>user_id:42</c>, <c>email:…</c>,
/// <c>id:{personId}</c>), for personalising a page while it renders: one or two indexed reads, nothing tracked.
/// </summary>
[RequiresPermission(Permission.ViewProfiles)]
public sealed record GetProfileTraitsQuery(string IdType, string Value) : IQuery<Result<ProfileTraitsDto>>;

public sealed class GetProfileTraitsHandler(IProfileStore store, IComputedTraitReader computed, Segments.ISegmentEngine segments, IMonfriDbFactory dbFactory, CrmAccess access)
    : IQueryHandler<GetProfileTraitsQuery, Result<ProfileTraitsDto>>
{
    public async ValueTask<Result<ProfileTraitsDto>> Handle(GetProfileTraitsQuery query, CancellationToken cancellationToken)
    {
        var type = query.IdType.Trim().ToLowerInvariant();
        var value = type == IdentityTypes.Email ? query.Value.Trim().ToLowerInvariant() : query.Value;
        var facts = type == "id"
            ? Guid.TryParse(value, out var id) ? await store.FactsByIdAsync(id, cancellationToken) : null
            : await store.FactsByIdentityAsync(type, value, cancellationToken);
        if (facts is null || (access.MayBeLimitedToOwnRecords && !await VisibleAsync(facts.PersonId, cancellationToken)))
        {
            return Result<ProfileTraitsDto>.NotFound($"No profile has the identifier {query.IdType}:{query.Value}, or you may not see it.");
        }

        var traits = await computed.ReadAsync(facts.PersonId, cancellationToken);
        var memberOf = await segments.SegmentsOfAsync(facts.PersonId, cancellationToken);
        return new ProfileTraitsDto(facts.PersonId, facts.FirstSeenAt, facts.LastSeenAt, facts.IdentifyTraits, traits, memberOf);
    }

    /// <summary>Only for a rep the own-records rule may limit: everyone else skips the extra read.</summary>
    private async Task<bool> VisibleAsync(Guid personId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await ProfileVisibility.FindAsync(db, access, personId, cancellationToken) is not null;
    }
}
