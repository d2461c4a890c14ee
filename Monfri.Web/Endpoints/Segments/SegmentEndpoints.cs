using Mediator;
using Monfri.Application.Common.Paging;
using Monfri.Application.Segments;
using Monfri.Application.Segments.ListSegmentMembers;
using Monfri.Application.Segments.PreviewSegment;
using Monfri.Application.Segments.GetSegment;
using Monfri.Application.Segments.DeleteSegment;
using Monfri.Application.Segments.UpdateSegment;
using Monfri.Application.Segments.ListSegments;
using Monfri.Application.Segments.CreateSegment;

namespace Monfri.Web.Endpoints.Segments;

/// <summary>/api/v1/segments — segment definitions (the condition tree as JSON), their members and a preview.</summary>
public static class SegmentEndpoints
{
    public static RouteGroupBuilder MapSegmentEndpoints(this RouteGroupBuilder api)
    {
        var segments = api.MapGroup("/segments").WithTags("Segments");
        segments.MapGet("/", async (IMediator mediator, CancellationToken ct) => (await mediator.Send(new ListSegmentsQuery(), ct)).ToHttp())
            .WithSummary("List segments with their member counts").Produces<IReadOnlyList<SegmentDto>>();
        segments.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => (await mediator.Send(new GetSegmentQuery(id), ct)).ToHttp())
            .WithSummary("Get a segment with its definition").Produces<SegmentDto>();
        segments.MapGet("/{id:guid}/members", async (Guid id, int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListSegmentMembersQuery(id, page ?? 0, pageSize ?? 50), ct)).ToHttp())
            .WithSummary("A segment's members, most recent entry first (page from 0, pageSize 1–500)").Produces<Page<SegmentPersonDto>>();
        segments.MapPost("/", async (SegmentInput input, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new CreateSegmentCommand(input), ct)).ToHttp(s => TypedResults.Created($"/api/v1/segments/{s.Id}", s), body: "Segment"))
            .WithSummary("Define a segment; it is evaluated before the answer and kept current afterwards")
            .Produces<SegmentDto>(StatusCodes.Status201Created);
        segments.MapPut("/{id:guid}", async (Guid id, SegmentInput input, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new UpdateSegmentCommand(id, input), ct)).ToHttp(body: "Segment"))
            .WithSummary("Rename a segment or change its definition (a changed definition is evaluated again)").Produces<SegmentDto>();
        segments.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new DeleteSegmentCommand(id), ct)).ToHttp())
            .WithSummary("Delete a segment (refused while another segment includes it)");
        segments.MapPost("/preview", async (PreviewSegmentQuery query, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(query, ct)).ToHttp(body: "Definition"))
            .WithSummary("Count and sample the people a definition matches now, without saving it").Produces<SegmentPreviewDto>();
        return api;
    }
}
