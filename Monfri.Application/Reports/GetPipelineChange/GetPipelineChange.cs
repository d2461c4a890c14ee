using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Reports.GetPipelineChange;

/// <summary>
/// How the pipeline changed over the filter's range: deals added (created), moved forward (to a later open stage of
/// their pipeline), won and lost in it. Slipped close dates are not reported: the close date's history is not kept.
/// </summary>
[RequiresPermission(Permission.ViewReports)]
public sealed record GetPipelineChangeQuery(ReportFilter Filter) : IQuery<Result<PipelineChange>>;

/// <param name="MovedForward">Moves to a later open stage (a deal moved twice counts twice).</param>
public sealed record PipelineChange(PipelineFlow Added, int MovedForward, PipelineFlow Won, PipelineFlow Lost)
{
    public bool IsEmpty => Added.Count + MovedForward + Won.Count + Lost.Count == 0;
}

/// <summary>How many deals, and their amount per currency.</summary>
public sealed record PipelineFlow(int Count, IReadOnlyList<CurrencyAmount> Amount);

public sealed class GetPipelineChangeValidator : AbstractValidator<GetPipelineChangeQuery>
{
    public GetPipelineChangeValidator() => RuleFor(q => q.Filter).NotNull().SetValidator(new ReportFilterValidator());
}

public sealed class GetPipelineChangeHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GetPipelineChangeQuery, Result<PipelineChange>>
{
    public async ValueTask<Result<PipelineChange>> Handle(GetPipelineChangeQuery query, CancellationToken cancellationToken)
    {
        var (start, end) = (query.Filter.Start, query.Filter.End);
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deals = await ReportDeals.VisibleAsync(db, access, query.Filter, cancellationToken);

        async Task<PipelineFlow> FlowAsync(IQueryable<Deal> matching)
        {
            var rows = await matching.GroupBy(d => d.Currency).Select(g => new { Currency = g.Key, Count = g.Count(), Amount = g.Sum(d => d.Amount ?? 0m) })
                .ToListAsync(cancellationToken);
            return new PipelineFlow(rows.Sum(r => r.Count), rows.OrderBy(r => r.Currency, StringComparer.Ordinal).Select(r => new CurrencyAmount(r.Currency, r.Amount)).ToList());
        }

        var added = await FlowAsync(deals.Where(d => d.CreatedAt >= start && d.CreatedAt < end));
        var won = await FlowAsync(deals.Where(d => d.Status == DealStatus.Won && d.ClosedAt >= start && d.ClosedAt < end));
        var lost = await FlowAsync(deals.Where(d => d.Status == DealStatus.Lost && d.ClosedAt >= start && d.ClosedAt < end));
        var forward = await (
                from c in db.DealStageChanges
                where c.ChangedAt >= start && c.ChangedAt < end && deals.Any(d => d.Id == c.DealId)
                join before in db.PipelineStages on c.FromStageId equals before.Id
                join after in db.PipelineStages on c.ToStageId equals after.Id
                where before.Kind == StageKind.Open && after.Kind == StageKind.Open && before.PipelineId == after.PipelineId && after.Order > before.Order
                select c.Id)
            .CountAsync(cancellationToken);
        return new PipelineChange(added, forward, won, lost);
    }
}
