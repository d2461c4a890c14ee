using Mediator;
using Monfri.Application.Common.Jobs;
using Monfri.Application.Common.Paging;
using Monfri.Application.Jobs;
using Monfri.Application.Jobs.ListJobs;

namespace Monfri.Web.Endpoints.Jobs;

/// <summary>/api/v1/jobs — the job scheduler's recent and failed work (Admin only, enforced by the Mediator pipeline).</summary>
public static class JobEndpoints
{
    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder api)
    {
        api.MapGroup("/jobs").WithTags("Jobs")
            .MapGet("/", async (JobState? state, int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListJobsQuery(state, page ?? 0, pageSize ?? 50), ct)).ToHttp())
            .WithSummary("Background jobs (imports, privacy requests, reminders, trait ageing, file retention), newest first; state=Queued|Running|Succeeded|Failed|Dead filters")
            .Produces<Page<JobDto>>();
        return api;
    }
}
