using Monfri.Web.Endpoints;
using Monfri.Application.Segments.AddToStaticList;
using Monfri.Application.Segments.ExportSegmentMembers;
using Monfri.Application.Segments.RemoveFromStaticList;
using Monfri.Application.Segments.GetSegmentActivity;
using Monfri.Application.Segments.CreateStaticList;
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
        segments.MapGet("/{id:guid}/members", async (Guid id, int? page, int? pageSize, string? sortBy, SortDirection? direction, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListSegmentMembersQuery(id, page ?? 0, pageSize ?? 50, sortBy, direction ?? SortDirection.Descending), ct)).ToHttp())
            .WithSummary("A segment's members, most recent entry first unless sortBy (name, email, enteredAt, lastSeenAt) says otherwise (page from 0, pageSize 1–500)")
            .Produces<Page<SegmentPersonDto>>();
        segments.MapGet("/{id:guid}/members/export", async (Guid id, string? sortBy, SortDirection? direction, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var export = await mediator.Send(new ExportSegmentMembersQuery(id, sortBy, direction ?? SortDirection.Descending), ct);
                if (!export.IsSuccess)
                {
                    return export.ToHttp();
                }

                await CsvExport.StreamAsync(http, "segment-members", ["Id", "Name", "Email", "Identified", "Entered", "Last seen"], export.Value,
                    m => [m.Id.ToString(), m.DisplayName, m.Email, m.Identified ? "yes" : "no", m.EnteredAt?.ToString("O"), m.LastSeenAt?.ToString("O")], ct);
                return Results.Empty;
            })
            .WithSummary("Export a segment's members as CSV, in the list's order");
        segments.MapGet("/{id:guid}/activity", async (Guid id, int? days, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetSegmentActivityQuery(id, days ?? 30), ct)).ToHttp())
            .WithSummary("A segment's size per UTC day and how many entered and left today").Produces<SegmentActivityDto>();
        segments.MapPost("/lists", async (StaticListInput input, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new CreateStaticListCommand(input.Name, input.Description), ct)).ToHttp(s => TypedResults.Created($"/api/v1/segments/{s.Id}", s), body: "List"))
            .WithSummary("Create a static list: a segment whose members are added by hand or through /members")
            .Produces<SegmentDto>(StatusCodes.Status201Created);
        segments.MapPost("/{id:guid}/members", async (Guid id, StaticListPeopleInput input, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new AddToStaticListCommand(id, input.PersonIds, input.Emails), ct)).ToHttp(body: "People"))
            .WithSummary("Add people to a static list by id or email (at most 10,000 a call)").Produces<StaticListChangeDto>();
        segments.MapDelete("/{id:guid}/members", async (Guid id, [Microsoft.AspNetCore.Mvc.FromBody] StaticListPeopleInput input, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new RemoveFromStaticListCommand(id, input.PersonIds, input.Emails), ct)).ToHttp(body: "People"))
            .WithSummary("Take people out of a static list by id or email").Produces<StaticListChangeDto>();
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

/// <summary>A new static list.</summary>
public sealed record StaticListInput(string Name, string? Description);

/// <summary>Whom to add to or take from a static list.</summary>
public sealed record StaticListPeopleInput(IReadOnlyList<Guid>? PersonIds, IReadOnlyList<string>? Emails);
