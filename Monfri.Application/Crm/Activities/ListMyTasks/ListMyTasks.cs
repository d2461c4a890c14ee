using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Common.Time;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities.ListMyTasks;

/// <summary>
/// The current user's tasks: open ones grouped overdue (due time passed), today (due later today) and
/// upcoming (later, or no due date), plus those completed in the last <see cref="CompletedDays"/> days.
/// "Today" is the user's today: pass the browser's <see cref="TimeZone"/> (IANA id or offset; UTC if empty).
/// </summary>
[RequiresPermission(Permission.ViewActivities)]
public sealed record ListMyTasksQuery(string? TimeZone = null) : IQuery<Result<MyTaskGroups>>
{
    public const int CompletedDays = 7;
    public const int MaxOpen = 500;
    public const int MaxCompleted = 50;
}

public sealed class ListMyTasksHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser, TimeProvider clock)
    : IQueryHandler<ListMyTasksQuery, Result<MyTaskGroups>>
{
    public async ValueTask<Result<MyTaskGroups>> Handle(ListMyTasksQuery query, CancellationToken cancellationToken)
    {
        if (currentUser.Id is not { } me)
        {
            return Result<MyTaskGroups>.Unauthorized("Sign in to see your tasks.");
        }

        UserTimeZone.TryParse(query.TimeZone, out var zone); // the validator refused what does not parse
        var now = clock.GetUtcNow();
        var tomorrow = UserTimeZone.StartOfTomorrow(now, zone);
        var completedSince = now.AddDays(-ListMyTasksQuery.CompletedDays);

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var mine = db.Activities.AsNoTracking().Where(a => a.Type == ActivityType.Task && a.AssigneeId == me);
        var open = await mine.Where(a => a.CompletedAt == null)
            .OrderBy(a => a.DueAt).ThenBy(a => a.Id)
            .Take(ListMyTasksQuery.MaxOpen)
            .ToListAsync(cancellationToken);
        var completed = await mine.Where(a => a.CompletedAt >= completedSince)
            .OrderByDescending(a => a.CompletedAt).ThenBy(a => a.Id)
            .Take(ListMyTasksQuery.MaxCompleted)
            .ToListAsync(cancellationToken);

        var dtos = await ActivityReader.ToDtosAsync(db, [.. open, .. completed], currentUser, cancellationToken);
        var openDtos = dtos.Take(open.Count).ToList();
        return new MyTaskGroups(
            Overdue: openDtos.Where(t => t.DueAt <= now).ToList(),
            Today: openDtos.Where(t => t.DueAt > now && t.DueAt < tomorrow).ToList(),
            Upcoming: openDtos.Where(t => t.DueAt is null || t.DueAt >= tomorrow).ToList(),
            Completed: dtos.Skip(open.Count).ToList());
    }
}

public sealed class ListMyTasksValidator : AbstractValidator<ListMyTasksQuery>
{
    public ListMyTasksValidator() =>
        RuleFor(q => q.TimeZone).Must(z => UserTimeZone.TryParse(z, out _))
            .WithMessage("Unknown time zone: give an IANA id such as Europe/Berlin or an offset such as +02:00.");
}
