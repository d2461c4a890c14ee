using Mediator;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.GetBoard;
using Monfri.Application.Crm.Pipelines;
using Monfri.Application.Crm.Pipelines.AddPipelineStage;
using Monfri.Application.Crm.Pipelines.CreatePipeline;
using Monfri.Application.Crm.Pipelines.DeletePipelineStage;
using Monfri.Application.Crm.Pipelines.ListPipelines;
using Monfri.Application.Crm.Pipelines.ReorderPipelineStages;
using Monfri.Application.Crm.Pipelines.UpdatePipeline;
using Monfri.Application.Crm.Pipelines.UpdatePipelineStage;

namespace Monfri.Web.Endpoints.Pipelines;

/// <summary>/api/v1/pipelines — pipelines and their stages (changes need the Admin or Manager role).</summary>
public static class PipelineEndpoints
{
    public sealed record PipelineBody(string Name, bool NoSkippingStages, bool NoMovingBackwards);

    public sealed record StageOrderBody(IReadOnlyList<Guid> OpenStageIds);

    /// <summary>Query string of a board: the same filters the board page offers.</summary>
    public sealed record BoardRequest(Guid? OwnerId, DateOnly? CloseDateFrom, DateOnly? CloseDateTo, decimal? AmountMin, decimal? AmountMax, string? Tag, string? Search);

    public static RouteGroupBuilder MapPipelineEndpoints(this RouteGroupBuilder api)
    {
        var pipelines = api.MapGroup("/pipelines").WithTags("Pipelines");

        pipelines.MapGet("/", async (IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListPipelinesQuery(), ct)).ToHttp())
            .WithSummary("List pipelines with their stages in order").Produces<IReadOnlyList<PipelineDto>>();

        pipelines.MapGet("/{id:guid}/board", async (Guid id, [AsParameters] BoardRequest request, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetBoardQuery(id, new BoardFilter
                {
                    OwnerId = request.OwnerId,
                    CloseDateFrom = request.CloseDateFrom,
                    CloseDateTo = request.CloseDateTo,
                    AmountMin = request.AmountMin,
                    AmountMax = request.AmountMax,
                    Tag = request.Tag,
                    Search = request.Search,
                }), ct)).ToHttp())
            .WithSummary("The pipeline's board: stages and the open deals you may see, with company, owner and next task").Produces<Board>();

        pipelines.MapPost("/", async (CreatePipelineCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command, ct)).ToHttp(p => TypedResults.Created($"/api/v1/pipelines/{p.Id}", p)))
            .WithSummary("Create a pipeline from its open stages (Won and Lost are added)").Produces<PipelineDto>(StatusCodes.Status201Created);

        pipelines.MapPut("/{id:guid}", async (Guid id, PipelineBody body, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new UpdatePipelineCommand(id, body.Name, body.NoSkippingStages, body.NoMovingBackwards), ct)).ToHttp())
            .WithSummary("Rename a pipeline and set its movement rules").Produces<PipelineDto>();

        pipelines.MapPost("/{id:guid}/stages", async (Guid id, StageInput body, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new AddPipelineStageCommand(id, body.Name, body.Probability, body.RottingDays, body.RequiredFields), ct)).ToHttp())
            .WithSummary("Add an open stage (before Won and Lost)").Produces<PipelineDto>();

        pipelines.MapPut("/{id:guid}/stages/{stageId:guid}", async (Guid id, Guid stageId, StageInput body, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new UpdatePipelineStageCommand(id, stageId, body.Name, body.Probability, body.RottingDays, body.RequiredFields ?? []), ct)).ToHttp())
            .WithSummary("Rename a stage, set its probability, rotting days and required fields").Produces<PipelineDto>();

        pipelines.MapPut("/{id:guid}/stages/order", async (Guid id, StageOrderBody body, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ReorderPipelineStagesCommand(id, body.OpenStageIds), ct)).ToHttp())
            .WithSummary("Reorder the open stages").Produces<PipelineDto>();

        pipelines.MapDelete("/{id:guid}/stages/{stageId:guid}", async (Guid id, Guid stageId, Guid? moveDealsTo, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new DeletePipelineStageCommand(id, stageId, moveDealsTo), ct)).ToHttp())
            .WithSummary("Delete an open stage; a stage with deals needs ?moveDealsTo={stageId}").Produces<PipelineDto>();
        return api;
    }
}
