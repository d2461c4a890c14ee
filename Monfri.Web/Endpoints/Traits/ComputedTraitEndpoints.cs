using Mediator;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Cdp.Traits.ListComputedTraits;
using Monfri.Application.Cdp.Traits.GetComputedTrait;
using Monfri.Application.Cdp.Traits.DeleteComputedTrait;
using Monfri.Application.Cdp.Traits.RestartTraitBackfill;
using Monfri.Application.Cdp.Traits.CreateComputedTrait;
using Monfri.Application.Cdp.Traits.UpdateComputedTrait;

namespace Monfri.Web.Endpoints.Traits;

/// <summary>/api/v1/computed-traits — trait definitions; /api/v1/profiles/{identity}/traits — a profile's trait values.</summary>
public static class ComputedTraitEndpoints
{
    public static RouteGroupBuilder MapComputedTraitEndpoints(this RouteGroupBuilder api)
    {
        var traits = api.MapGroup("/computed-traits").WithTags("Computed traits");
        traits.MapGet("/", async (IMediator mediator, CancellationToken ct) => (await mediator.Send(new ListComputedTraitsQuery(), ct)).ToHttp())
            .WithSummary("List computed traits with their backfill status and skipped events").Produces<IReadOnlyList<ComputedTraitDto>>();
        traits.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => (await mediator.Send(new GetComputedTraitQuery(id), ct)).ToHttp())
            .WithSummary("Get a computed trait").Produces<ComputedTraitDto>();
        traits.MapPost("/", async (ComputedTraitInput input, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new CreateComputedTraitCommand(input), ct)).ToHttp(t => TypedResults.Created($"/api/v1/computed-traits/{t.Id}", t), body: "Trait"))
            .WithSummary("Define a computed trait; it counts new events at once and is backfilled over stored ones")
            .Produces<ComputedTraitDto>(StatusCodes.Status201Created);
        traits.MapPut("/{id:guid}", async (Guid id, ComputedTraitInput input, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new UpdateComputedTraitCommand(id, input), ct)).ToHttp(body: "Trait"))
            .WithSummary("Rename a computed trait or change its definition (a changed definition is backfilled again; the key never changes)")
            .Produces<ComputedTraitDto>();
        traits.MapPost("/{id:guid}/backfill", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new RestartTraitBackfillCommand(id), ct)).ToHttp())
            .WithSummary("Compute a trait again over the stored events (e.g. after a failed backfill)");
        traits.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new DeleteComputedTraitCommand(id), ct)).ToHttp())
            .WithSummary("Delete a computed trait and its values");

        return api;
    }
}
