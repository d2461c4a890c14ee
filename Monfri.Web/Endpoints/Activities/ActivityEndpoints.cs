using Mediator;
using Monfri.Application.Crm.Activities;
using Monfri.Application.Crm.Activities.CompleteTask;
using Monfri.Application.Crm.Activities.CountDueTasks;
using Monfri.Application.Crm.Activities.DeleteActivity;
using Monfri.Application.Crm.Activities.GetTimeline;
using Monfri.Application.Crm.Activities.ListMyTasks;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Crm.Activities.UpdateActivity;

namespace Monfri.Web.Endpoints.Activities;

/// <summary>
/// /api/v1/activities — notes, calls, meetings and tasks on contacts, companies and deals — and
/// /api/v1/tasks/mine, the caller's own tasks. Roles and record visibility are enforced by the use cases.
/// </summary>
public static class ActivityEndpoints
{
    /// <summary>The editable fields of an activity; <see cref="Version"/> is the one the change is based on.</summary>
    public sealed record UpdateActivityBody(
        string Subject,
        string? Body,
        Guid? PersonId,
        Guid? CompanyId,
        Guid? DealId,
        DateTimeOffset? OccurredAt,
        DateTimeOffset? DueAt,
        Guid? AssigneeId,
        uint Version);

    public static RouteGroupBuilder MapActivityEndpoints(this RouteGroupBuilder api)
    {
        var activities = api.MapGroup("/activities").WithTags("Activities");

        activities.MapGet("/", async (Guid? personId, Guid? companyId, Guid? dealId, string? cursor, int? pageSize, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetTimelineQuery(personId, companyId, dealId, cursor, pageSize ?? GetTimelineQuery.DefaultPageSize), ct)).ToHttp())
            .WithSummary("The timeline of one contact, company or deal, newest first")
            .WithDescription("Give exactly one of personId, companyId, dealId. A company's timeline includes its contacts' and deals' activities; "
                + "a contact's includes those of their deals. Pass nextCursor from a page as cursor to read the next one.")
            .Produces<TimelinePage>();

        activities.MapPost("/", async (LogActivityCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command, ct)).ToHttp(activity => TypedResults.Created($"/api/v1/activities/{activity.Id}", activity)))
            .WithSummary("Log a note, call, meeting or task")
            .WithDescription("The body is rich text (HTML); it is sanitized before it is stored. A task needs dueAt; its assignee defaults to the caller.")
            .Produces<ActivityDto>(StatusCodes.Status201Created);

        activities.MapPut("/{id:guid}", async (Guid id, UpdateActivityBody body, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(
                    new UpdateActivityCommand(id, body.Subject, body.Body, body.PersonId, body.CompanyId, body.DealId, body.OccurredAt, body.DueAt,
                        body.AssigneeId, body.Version),
                    ct)).ToHttp())
            .WithSummary("Edit an activity (409 when it changed since the given version)")
            .Produces<ActivityDto>();

        activities.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new DeleteActivityCommand(id), ct)).ToHttp())
            .WithSummary("Delete an activity");

        activities.MapPost("/{id:guid}/complete", async (Guid id, bool? completed, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new CompleteTaskCommand(id, completed ?? true), ct)).ToHttp())
            .WithSummary("Complete a task (?completed=false reopens it)")
            .Produces<ActivityDto>();

        var tasks = api.MapGroup("/tasks").WithTags("Activities");

        tasks.MapGet("/mine", async (string? timeZone, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListMyTasksQuery(timeZone), ct)).ToHttp())
            .WithSummary("The caller's tasks: overdue, today, upcoming and recently completed")
            .WithDescription("timeZone (IANA id such as Europe/Berlin, or an offset such as +02:00; default UTC) decides where today ends.")
            .Produces<MyTaskGroups>();

        tasks.MapGet("/mine/due-count", async (IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new CountDueTasksQuery(), ct)).ToHttp(count => TypedResults.Ok(new { count })))
            .WithSummary("How many of the caller's open tasks are due now or overdue");
        return api;
    }
}
