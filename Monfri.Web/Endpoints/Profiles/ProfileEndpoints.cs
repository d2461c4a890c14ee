using Mediator;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Cdp.Merges;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Sources;
using Monfri.Application.Common.Paging;
using Monfri.Application.Cdp.Sources.RotateSourceKey;
using Monfri.Application.Cdp.Sources.UpdateSource;
using Monfri.Application.Cdp.Sources.ListSources;
using Monfri.Application.Cdp.Sources.CreateSource;
using Monfri.Application.Cdp.Sources.GetSource;
using Monfri.Application.Cdp.Merges.ListProfileMerges;
using Monfri.Application.Cdp.Merges.UndoProfileMerge;
using Monfri.Application.Cdp.Profiles.GetProfile;
using Monfri.Application.Cdp.Profiles.GetProfileTraits;
using Monfri.Application.Cdp.Profiles.ListProfileEvents;

namespace Monfri.Web.Endpoints.Profiles;

/// <summary>/api/v1/sources and /api/v1/profiles — sources with their keys, profiles by any identifier, their events and merges.</summary>
public static class CdpEndpoints
{
    public static RouteGroupBuilder MapCdpEndpoints(this RouteGroupBuilder api)
    {
        var sources = api.MapGroup("/sources").WithTags("Sources");
        sources.MapGet("/", async (IMediator mediator, CancellationToken ct) => (await mediator.Send(new ListSourcesQuery(), ct)).ToHttp())
            .WithSummary("List sources with their write keys").Produces<IReadOnlyList<SourceDto>>();
        sources.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => (await mediator.Send(new GetSourceQuery(id), ct)).ToHttp())
            .WithSummary("Get a source").Produces<SourceDto>();
        sources.MapPost("/", async (SourceInput input, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new CreateSourceCommand(input), ct)).ToHttp(s => TypedResults.Created($"/api/v1/sources/{s.Id}", s), body: "Source"))
            .WithSummary("Create a source; its write key is generated").Produces<SourceDto>(StatusCodes.Status201Created);
        sources.MapPut("/{id:guid}", async (Guid id, SourceInput input, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new UpdateSourceCommand(id, input), ct)).ToHttp(body: "Source"))
            .WithSummary("Rename, enable/disable a source or change its allowed origins").Produces<SourceDto>();
        sources.MapPost("/{id:guid}/rotate-key", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new RotateSourceKeyCommand(id), ct)).ToHttp())
            .WithSummary("Replace the write key; the old one is refused from now on").Produces<SourceDto>();

        var profiles = api.MapGroup("/profiles").WithTags("Profiles");
        profiles.MapGet("/{identity}", async (string identity, IMediator mediator, CancellationToken ct) =>
                Split(identity) is var (type, value)
                    ? (await mediator.Send(new GetProfileQuery(type, value), ct)).ToHttp()
                    : BadIdentity())
            .WithSummary("A profile by identifier, written {idType}:{value} (user_id:42, email:ann@example.com, anonymous_id:…, id:{personId})")
            .Produces<ProfileDto>();
        profiles.MapGet("/{identity}/events", async (string identity, int? pageIndex, int? pageSize, IMediator mediator, CancellationToken ct) =>
                Split(identity) is var (type, value)
                    ? (await mediator.Send(new ListProfileEventsQuery(type, value, pageIndex ?? 0, pageSize ?? 50), ct)).ToHttp()
                    : BadIdentity())
            .WithSummary("A profile's events, newest first, paged").Produces<Page<ProfileEventDto>>();
        profiles.MapGet("/{identity}/merges", async (string identity, IMediator mediator, CancellationToken ct) =>
                Split(identity) is var (type, value)
                    ? (await mediator.Send(new ListProfileMergesQuery(type, value), ct)).ToHttp()
                    : BadIdentity())
            .WithSummary("The merges that formed a profile (with the chain of earlier ones, newest first) and the merges that were refused")
            .Produces<MergeHistoryDto>();
        api.MapPost("/profile-merges/{id:guid}/undo", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new UndoProfileMergeCommand(id), ct)).ToHttp())
            .WithTags("Profiles")
            .WithSummary("Admin: undo a merge; the absorbed profile comes back with its identities, events, traits, activities and deal links")
            .Produces<UndoneMergeDto>();
        profiles.MapGet("/{identity}/traits", async (string identity, IMediator mediator, CancellationToken ct) =>
                Split(identity) is var (type, value)
                    ? (await mediator.Send(new GetProfileTraitsQuery(type, value), ct)).ToHttp()
                    : BadIdentity())
            .WithSummary("A profile's traits for personalisation: identify traits, computed traits, segments, first/last seen")
            .WithDescription("Answers in one or two indexed reads, so a website backend can call it while rendering a page for a returning visitor "
                + "(anonymous_id:… from the visitor's cookie, or user_id:… once signed in). `identify` holds what identify calls set, "
                + "`computed` the traits derived from events, `segments` the segments the profile is in. An unknown identifier answers 404.")
            .Produces<ProfileTraitsDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>
    /// "user_id:tenant%2F42" → (user_id, tenant/42): the server decodes every escape of a path except %2F, which
    /// would otherwise split the segment, so an id with a slash arrives still encoded.
    /// </summary>
    private static (string Type, string Value)? Split(string identity)
    {
        var colon = identity.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 || colon == identity.Length - 1
            ? null
            : (identity[..colon], identity[(colon + 1)..].Replace("%2F", "/", StringComparison.OrdinalIgnoreCase));
    }

    private static IResult BadIdentity() =>
        TypedResults.Problem(statusCode: 400, title: "Bad identifier", detail: "Write the identifier as {idType}:{value}, e.g. user_id:42.");
}
