using Mediator;
using Microsoft.AspNetCore.Mvc;
using Monfri.Application.Common.Paging;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.DeleteDeal;
using Monfri.Application.Crm.Deals.GetDeal;
using Monfri.Application.Crm.Deals.ListDeals;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Application.Crm.Deals.UpdateDeal;
using Monfri.Domain.Crm;
using Monfri.Web.Endpoints.Contacts;

namespace Monfri.Web.Endpoints.Deals;

/// <summary>/api/v1/deals — deals: list with filters, read, create, update, move between stages, delete.</summary>
public static class DealEndpoints
{
    /// <summary>Query string of the list: filters, sort and page (pageIndex starts at 0).</summary>
    public sealed record ListRequest(
        string? Search,
        Guid? PipelineId,
        Guid? StageId,
        DealStatus? Status,
        Guid? OwnerId,
        DateOnly? CloseDateFrom,
        DateOnly? CloseDateTo,
        decimal? AmountMin,
        decimal? AmountMax,
        string? Tag,
        string? SortBy,
        SortDirection? Direction,
        int? PageIndex,
        int? PageSize,
        [property: FromQuery(Name = "cf")] string[]? Cf)
    {
        public DealFilter ToFilter() => new()
        {
            Search = Search,
            PipelineId = PipelineId,
            StageId = StageId,
            Status = Status,
            OwnerId = OwnerId,
            CloseDateFrom = CloseDateFrom,
            CloseDateTo = CloseDateTo,
            AmountMin = AmountMin,
            AmountMax = AmountMax,
            Tag = Tag,
            CustomFields = CustomFieldQuery.Parse(Cf),
        };
    }

    /// <summary>A move: the stage to go to, plus the stage and version the caller last saw (a conflict if either changed).</summary>
    public sealed record MoveBody(Guid StageId, Guid ExpectedStageId, uint Version, double? Position = null, string? LostReason = null, bool Override = false);

    public static RouteGroupBuilder MapDealEndpoints(this RouteGroupBuilder api)
    {
        var deals = api.MapGroup("/deals").WithTags("Deals");

        deals.MapGet("/", async ([AsParameters] ListRequest request, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListDealsQuery(
                    request.ToFilter(),
                    request.SortBy,
                    request.Direction ?? SortDirection.Ascending,
                    request.PageIndex ?? 0,
                    request.PageSize ?? 50), ct)).ToHttp())
            .WithSummary("List deals (filtered, sorted, one page)").Produces<Page<DealListItem>>();

        deals.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetDealQuery(id), ct)).ToHttp())
            .WithSummary("Get a deal with its stage history").Produces<DealDetail>();

        deals.MapPost("/", async (CreateDealCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command, ct)).ToHttp(deal => TypedResults.Created($"/api/v1/deals/{deal.Id}", deal)))
            .WithSummary("Create a deal (in the given stage, else the first stage of the default pipeline)")
            .Produces<DealDetail>(StatusCodes.Status201Created);

        deals.MapPut("/{id:guid}", async (Guid id, UpdateDealCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command with { Id = id }, ct)).ToHttp())
            .WithSummary("Update a deal's fields; send the version you read (409 when it changed meanwhile)").Produces<DealDetail>();

        deals.MapPost("/{id:guid}/move", async (Guid id, MoveBody body, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new MoveDealToStageCommand(id, body.StageId, body.ExpectedStageId, body.Version, body.Position, body.LostReason, body.Override), ct)).ToHttp())
            .WithSummary("Move a deal to another stage of its pipeline (Won and Lost included)").Produces<DealSnapshot>();

        deals.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new DeleteDealCommand(id), ct)).ToHttp())
            .WithSummary("Delete a deal");

        deals.MapDealExport();
        return api;
    }
}
