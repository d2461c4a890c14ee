using Mediator;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Visitors;
using Monfri.Application.Cdp.Visitors.ListVisitorEvents;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;
using Monfri.Application.Cdp.Profiles.GetProfileTimeline;

namespace Monfri.Web.Endpoints.Profiles;

/// <summary>/api/v1/people/{id} (the profile page's header and timeline) and /api/v1/visitors (the live stream's data).</summary>
public static class PeopleEndpoints
{
    public static RouteGroupBuilder MapPeopleEndpoints(this RouteGroupBuilder api)
    {
        var people = api.MapGroup("/people").WithTags("Profiles");
        people.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetPersonProfileQuery(id), ct)).ToHttp())
            .WithSummary("A person's profile: seen, device, identities, since when they are known").Produces<PersonProfileDto>();
        people.MapGet("/{id:guid}/timeline", async (Guid id, string? kind, string? eventName, string? after, int? pageSize, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetProfileTimelineQuery(id, kind, eventName, after, pageSize ?? 50), ct)).ToHttp())
            .WithSummary("Events, activities and deal stage changes, newest first; pass `next` as `after` for the following page")
            .Produces<TimelinePage>();

        api.MapGet("/visitors", async (Guid? sourceId, string? eventName, bool? identifiedOnly, string? urlContains, int? limit, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListVisitorEventsQuery(new VisitorEventFilter(sourceId, eventName, identifiedOnly ?? false, urlContains), limit ?? 200), ct)).ToHttp())
            .WithTags("Profiles").WithSummary("The latest events across all sources and who is active now").Produces<VisitorStreamDto>();
        return api;
    }
}
