using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Reports.GetLeaderboard;

/// <summary>
/// Reps side by side over the filter's range: deals won and their amount (per currency), activities logged (notes,
/// calls, meetings and emails they logged that happened in the range, and tasks of theirs completed in it) and their
/// open tasks overdue now. A rep limited to their own records sees only their own row.
/// </summary>
[RequiresPermission(Permission.ViewReports)]
public sealed record GetLeaderboardQuery(ReportFilter Filter) : IQuery<Result<Leaderboard>>;

public sealed record Leaderboard(IReadOnlyList<LeaderboardRow> Rows)
{
    public bool IsEmpty => Rows.Count == 0;
}

public sealed record LeaderboardRow(Guid UserId, string Name, int DealsWon, IReadOnlyList<CurrencyAmount> WonAmount, int ActivitiesLogged, int TasksOverdue);

public sealed class GetLeaderboardValidator : AbstractValidator<GetLeaderboardQuery>
{
    public GetLeaderboardValidator() => RuleFor(q => q.Filter).NotNull().SetValidator(new ReportFilterValidator());
}

public sealed class GetLeaderboardHandler(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock) : IQueryHandler<GetLeaderboardQuery, Result<Leaderboard>>
{
    public async ValueTask<Result<Leaderboard>> Handle(GetLeaderboardQuery query, CancellationToken cancellationToken)
    {
        var (start, end, now) = (query.Filter.Start, query.Filter.End, clock.GetUtcNow());
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var onlyUser = await access.OwnRecordsOnlyAsync(db, cancellationToken) ? access.UserId : query.Filter.OwnerId;

        var won = await (await ReportDeals.VisibleAsync(db, access, query.Filter, cancellationToken))
            .Where(d => d.Status == DealStatus.Won && d.ClosedAt >= start && d.ClosedAt < end && d.OwnerId != null)
            .GroupBy(d => new { d.OwnerId, d.Currency })
            .Select(g => new { UserId = g.Key.OwnerId!.Value, g.Key.Currency, Count = g.Count(), Amount = g.Sum(d => d.Amount ?? 0m) })
            .ToListAsync(cancellationToken);

        var activities = db.Activities.AsNoTracking();
        var logged = await activities
            .Where(a => a.Type != ActivityType.Task && a.CreatedById != null && a.OccurredAt >= start && a.OccurredAt < end)
            .Where(a => onlyUser == null || a.CreatedById == onlyUser)
            .GroupBy(a => a.CreatedById!.Value).Select(g => new { UserId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var completed = await activities
            .Where(a => a.Type == ActivityType.Task && a.AssigneeId != null && a.CompletedAt >= start && a.CompletedAt < end)
            .Where(a => onlyUser == null || a.AssigneeId == onlyUser)
            .GroupBy(a => a.AssigneeId!.Value).Select(g => new { UserId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var overdue = await activities
            .Where(a => a.Type == ActivityType.Task && a.AssigneeId != null && a.CompletedAt == null && a.DueAt <= now)
            .Where(a => onlyUser == null || a.AssigneeId == onlyUser)
            .GroupBy(a => a.AssigneeId!.Value).Select(g => new { UserId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);

        var users = won.Select(w => w.UserId).Concat(logged.Select(l => l.UserId)).Concat(completed.Select(c => c.UserId)).Concat(overdue.Select(o => o.UserId))
            .Where(id => onlyUser == null || id == onlyUser).Distinct().ToList();
        var names = await ReportDeals.OwnerNamesAsync(db, users.Select(u => (Guid?)u), cancellationToken);
        var rows = users.Select(id => new LeaderboardRow(
                id, ReportDeals.OwnerName(names, id),
                won.Where(w => w.UserId == id).Sum(w => w.Count),
                won.Where(w => w.UserId == id).OrderBy(w => w.Currency, StringComparer.Ordinal).Select(w => new CurrencyAmount(w.Currency, w.Amount)).ToList(),
                logged.Where(l => l.UserId == id).Sum(l => l.Count) + completed.Where(c => c.UserId == id).Sum(c => c.Count),
                overdue.Where(o => o.UserId == id).Sum(o => o.Count)))
            .OrderByDescending(r => r.DealsWon).ThenByDescending(r => r.ActivitiesLogged).ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
        return new Leaderboard(rows);
    }
}
