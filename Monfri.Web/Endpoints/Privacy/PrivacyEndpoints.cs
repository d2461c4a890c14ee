using Mediator;
using Monfri.Application.Common.Paging;
using Monfri.Application.Privacy;
using Monfri.Application.Privacy.CreatePrivacyRequest;
using Monfri.Application.Privacy.DownloadPrivacyExport;
using Monfri.Application.Privacy.GetPrivacyRequest;
using Monfri.Application.Privacy.LiftSuppression;
using Monfri.Application.Privacy.ListPrivacyRequests;

namespace Monfri.Web.Endpoints.Privacy;

/// <summary>/api/v1/privacy-requests — GDPR export, deletion and suppression of one person (Admin only, enforced by the Mediator pipeline).</summary>
public static class PrivacyEndpoints
{
    public static RouteGroupBuilder MapPrivacyEndpoints(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("/privacy-requests").WithTags("Privacy requests");

        requests.MapPost("/", async (CreatePrivacyRequestCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command, ct)).ToHttp(request => TypedResults.Accepted($"/api/v1/privacy-requests/{request.Id}", request)))
            .WithSummary("Queue a privacy request: kind Export|Delete|Suppress, identityType email|user_id|anonymous_id|<external id type>, identityValue")
            .Produces<PrivacyRequestDto>(StatusCodes.Status202Accepted);

        requests.MapGet("/", async (int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListPrivacyRequestsQuery(page ?? 0, pageSize ?? 20), ct)).ToHttp())
            .WithSummary("Privacy requests, newest first (identifiers masked)").Produces<Page<PrivacyRequestDto>>();

        requests.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetPrivacyRequestQuery(id), ct)).ToHttp())
            .WithSummary("A privacy request's status (Queued, Running, Completed, NoDataHeld, Failed) and counts").Produces<PrivacyRequestDto>();

        requests.MapGet("/{id:guid}/export", async (Guid id, IMediator mediator, CancellationToken ct) =>
            {
                var export = await mediator.Send(new DownloadPrivacyExportQuery(id), ct);
                // The stream holds a database connection until the response has been written; Results.Stream disposes it.
                return export.IsSuccess
                    ? Results.Stream(export.Value.Content, "application/json", export.Value.FileName)
                    : export.ToHttp();
            })
            .WithSummary("Download the JSON document of a completed export: profile, identities, traits, activities, deals, merges, emails and events")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        requests.MapPost("/{id:guid}/lift", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new LiftSuppressionCommand(id), ct)).ToHttp())
            .WithSummary("Lift a suppression: the person's events are collected and they may be emailed again from now on")
            .Produces<PrivacyRequestDto>();
        return api;
    }
}
