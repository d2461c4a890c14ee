using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Reports.GetTimeInStage;

/// <summary>
/// How long deals stay in each open stage, from the stage history: every visit to a stage that ended (the deal moved
/// on, back, won or was lost) within the filter's range counts once, from entering the stage to leaving it. A deal
/// still sitting in a stage is not counted there yet: its time is not known.
/// </summary>
[RequiresPermission(Permission.ViewReports)]
public sealed record GetTimeInStageQuery(ReportFilter Filter) : IQuery<Result<TimeInStage>>;

/// <summary>Every open stage of the pipelines shown, in order; a stage nobody left in the range has no times.</summary>
public sealed record TimeInStage(IReadOnlyList<StageTime> Stages)
{
    public bool IsEmpty => Stages.All(s => s.Visits == 0);
}

public sealed record StageTime(Guid PipelineId, string Pipeline, Guid StageId, string Stage, int Visits, double? MeanDays, double? MedianDays);

public sealed class GetTimeInStageValidator : AbstractValidator<GetTimeInStageQuery>
{
    public GetTimeInStageValidator() => RuleFor(q => q.Filter).NotNull().SetValidator(new ReportFilterValidator());
}

public sealed class GetTimeInStageHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GetTimeInStageQuery, Result<TimeInStage>>
{
    public async ValueTask<Result<TimeInStage>> Handle(GetTimeInStageQuery query, CancellationToken cancellationToken)
    {
        var (start, end) = (query.Filter.Start, query.Filter.End);
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deals = await ReportDeals.VisibleAsync(db, access, query.Filter, cancellationToken);

        // The whole history of the deals that left a stage in the range: a visit may have begun long before it.
        var moved = db.DealStageChanges.Where(c => c.FromStageId != null && c.ChangedAt >= start && c.ChangedAt < end).Select(c => c.DealId);
        var changes = await db.DealStageChanges.AsNoTracking()
            .Where(c => moved.Contains(c.DealId) && deals.Any(d => d.Id == c.DealId))
            .OrderBy(c => c.DealId).ThenBy(c => c.ChangedAt).ThenBy(c => c.Id)
            .Select(c => new { c.DealId, c.ToStageId, c.ChangedAt })
            .ToListAsync(cancellationToken);

        var durations = new Dictionary<Guid, List<double>>();
        for (var i = 0; i + 1 < changes.Count; i++)
        {
            var (visit, next) = (changes[i], changes[i + 1]);
            if (visit.DealId != next.DealId || next.ChangedAt < start || next.ChangedAt >= end)
            {
                continue;
            }

            if (!durations.TryGetValue(visit.ToStageId, out var list))
            {
                durations[visit.ToStageId] = list = [];
            }

            list.Add((next.ChangedAt - visit.ChangedAt).TotalDays);
        }

        var pipelines = await db.Pipelines.AsNoTracking()
            .Where(p => query.Filter.PipelineId == null || p.Id == query.Filter.PipelineId)
            .OrderBy(p => p.Order).ThenBy(p => p.Name)
            .Select(p => new { p.Id, p.Name, Stages = p.Stages.Where(s => s.Kind == StageKind.Open).OrderBy(s => s.Order).Select(s => new { s.Id, s.Name }).ToList() })
            .ToListAsync(cancellationToken);
        return new TimeInStage(pipelines.SelectMany(p => p.Stages.Select(s =>
        {
            var times = durations.GetValueOrDefault(s.Id) ?? [];
            return new StageTime(p.Id, p.Name, s.Id, s.Name, times.Count, Stats.Mean(times), Stats.Median(times));
        })).ToList());
    }
}
