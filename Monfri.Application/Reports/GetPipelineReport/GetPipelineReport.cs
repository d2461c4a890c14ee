using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Reports.GetPipelineReport;

/// <summary>
/// The open pipeline as it stands now: per stage and per owner, how many deals, their amount and their amount weighted
/// by the stage's probability, in each currency. The filter's pipeline and owner narrow it; its dates do not apply
/// (an open deal is in the pipeline whatever day it was created).
/// </summary>
[RequiresPermission(Permission.ViewReports)]
public sealed record GetPipelineReportQuery(ReportFilter Filter) : IQuery<Result<PipelineReport>>;

/// <summary>Open deals by stage (in pipeline and stage order; every open stage of the pipelines shown, empty ones with no rows) and by owner.</summary>
public sealed record PipelineReport(IReadOnlyList<PipelineStageTotals> Stages, IReadOnlyList<OwnerPipelineTotals> Owners)
{
    public bool IsEmpty => Stages.All(s => s.Count == 0);
}

public sealed record PipelineStageTotals(Guid PipelineId, string Pipeline, Guid StageId, string Stage, int Probability, int Count, IReadOnlyList<PipelineMoney> ByCurrency);

public sealed record OwnerPipelineTotals(Guid? OwnerId, string Owner, int Count, IReadOnlyList<PipelineMoney> ByCurrency);

/// <summary>Deals in one currency: how many, their amount (a missing amount counts as zero) and weighted amount.</summary>
public sealed record PipelineMoney(string Currency, int Count, decimal Amount, decimal Weighted);

public sealed class GetPipelineReportValidator : AbstractValidator<GetPipelineReportQuery>
{
    public GetPipelineReportValidator() => RuleFor(q => q.Filter).NotNull().SetValidator(new ReportFilterValidator());
}

public sealed class GetPipelineReportHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GetPipelineReportQuery, Result<PipelineReport>>
{
    public async ValueTask<Result<PipelineReport>> Handle(GetPipelineReportQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deals = (await ReportDeals.VisibleAsync(db, access, query.Filter, cancellationToken)).Where(d => d.Status == DealStatus.Open);

        // Grouped in the database: one row per stage, owner and currency.
        var rows = await (
                from d in deals
                join s in db.PipelineStages on d.StageId equals s.Id
                group new { Amount = d.Amount ?? 0m, s.Probability } by new { d.StageId, d.OwnerId, d.Currency } into g
                select new { g.Key.StageId, g.Key.OwnerId, g.Key.Currency, Count = g.Count(), Amount = g.Sum(x => x.Amount), Weighted = g.Sum(x => x.Amount * x.Probability / 100m) })
            .ToListAsync(cancellationToken);

        var pipelines = await db.Pipelines.AsNoTracking()
            .Where(p => query.Filter.PipelineId == null || p.Id == query.Filter.PipelineId)
            .OrderBy(p => p.Order).ThenBy(p => p.Name)
            .Select(p => new { p.Id, p.Name, Stages = p.Stages.Where(s => s.Kind == StageKind.Open).OrderBy(s => s.Order).Select(s => new { s.Id, s.Name, s.Probability }).ToList() })
            .ToListAsync(cancellationToken);

        static IReadOnlyList<PipelineMoney> Money(IEnumerable<(string Currency, int Count, decimal Amount, decimal Weighted)> parts) =>
            parts.GroupBy(p => p.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new PipelineMoney(g.Key, g.Sum(p => p.Count), g.Sum(p => p.Amount), g.Sum(p => p.Weighted))).ToList();

        var stages = pipelines.SelectMany(p => p.Stages.Select(s =>
        {
            var inStage = rows.Where(r => r.StageId == s.Id).ToList();
            return new PipelineStageTotals(p.Id, p.Name, s.Id, s.Name, s.Probability, inStage.Sum(r => r.Count),
                Money(inStage.Select(r => (r.Currency, r.Count, r.Amount, r.Weighted))));
        })).ToList();

        var names = await ReportDeals.OwnerNamesAsync(db, rows.Select(r => r.OwnerId), cancellationToken);
        var owners = rows.GroupBy(r => r.OwnerId)
            .Select(g => new OwnerPipelineTotals(g.Key, ReportDeals.OwnerName(names, g.Key), g.Sum(r => r.Count), Money(g.Select(r => (r.Currency, r.Count, r.Amount, r.Weighted)))))
            .OrderByDescending(o => o.Count).ThenBy(o => o.Owner, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
        return new PipelineReport(stages, owners);
    }
}
