using Microsoft.Extensions.Logging;
using Monfri.Application.Common.Live;
using Monfri.Application.Crm.Activities;
using Npgsql;

namespace Monfri.Infrastructure.Scheduling;

/// <summary>
/// Tells assignees when their tasks fall due: every <see cref="Interval"/> (a recurring job of kind <see cref="Kind"/>)
/// it claims open tasks whose due time has passed and that were not reminded yet, marks them reminded and publishes
/// <c>task.due</c> on each assignee's user topic. The claim is one UPDATE over rows locked with
/// <c>FOR UPDATE SKIP LOCKED</c>, so however many runs race (two slots' jobs on two nodes), each task is reminded exactly once.
/// </summary>
/// <remarks>
/// The claim is plain SQL rather than a use case: it is a few rows of bookkeeping with no user behind it,
/// and the UPDATE … RETURNING is what makes it safe across processes.
/// </remarks>
public sealed class TaskReminderService(
    NpgsqlDataSource dataSource,
    ILiveFeed live,
    TimeProvider clock,
    ILogger<TaskReminderService> logger) : IJobHandler
{
    public const string Kind = "tasks.remind";

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>Bounds one run's work; a backlog (e.g. after downtime) drains over the next runs.</summary>
    private const int BatchSize = 500;

    // The record a reminder links to: the contact first, then the deal, then the company (as the UI does).
    private const string ClaimSql = """
        WITH due AS (
            SELECT id FROM activities
            WHERE type = 'Task' AND completed_at IS NULL AND reminded_at IS NULL
              AND assignee_id IS NOT NULL AND due_at <= @now
            ORDER BY due_at
            LIMIT @batch
            FOR UPDATE SKIP LOCKED
        ), claimed AS (
            UPDATE activities a SET reminded_at = @now
            FROM due
            WHERE a.id = due.id
            RETURNING a.id, a.subject, a.due_at, a.assignee_id, a.person_id, a.company_id, a.deal_id
        )
        SELECT c.id, c.subject, c.due_at, c.assignee_id, c.person_id, c.company_id, c.deal_id,
               coalesce(nullif(trim(coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '')), ''), p.email, d.name, co.name)
        FROM claimed c
        LEFT JOIN people p ON p.id = c.person_id
        LEFT JOIN deals d ON d.id = c.deal_id
        LEFT JOIN companies co ON co.id = c.company_id
        """;

    public Task RunAsync(JobRun job, CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    /// <summary>Claims the tasks due now and publishes one reminder for each; returns how many were sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var notices = new List<(Guid Assignee, TaskDueNotice Notice)>();
        await using (var command = dataSource.CreateCommand(ClaimSql))
        {
            command.Parameters.AddWithValue("now", clock.GetUtcNow());
            command.Parameters.AddWithValue("batch", BatchSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                notices.Add((reader.GetGuid(3), new TaskDueNotice(
                    ActivityId: reader.GetGuid(0),
                    Subject: reader.GetString(1),
                    DueAt: reader.GetFieldValue<DateTimeOffset>(2),
                    PersonId: reader.IsDBNull(4) ? null : reader.GetGuid(4),
                    CompanyId: reader.IsDBNull(5) ? null : reader.GetGuid(5),
                    DealId: reader.IsDBNull(6) ? null : reader.GetGuid(6),
                    RecordName: reader.IsDBNull(7) ? null : reader.GetString(7))));
            }
        }

        // Published after the claim committed (DESIGN.md §4). Should a publish fail now, that reminder is not
        // repeated; the task still shows as overdue in "My tasks" and in the app bar's count.
        foreach (var (assignee, notice) in notices)
        {
            await live.PublishAsync(LiveTopics.User(assignee), TaskLiveKinds.Due, notice, cancellationToken);
        }

        if (notices.Count > 0)
        {
            logger.LogInformation("Sent {Count} task reminders", notices.Count);
        }

        return notices.Count;
    }
}
