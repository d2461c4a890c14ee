using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Pipelines;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals.GetBoard;

/// <summary>
/// The board of one pipeline: its stages and every open deal in it the viewer may see (own records only for
/// reps under that rule), narrowed by <see cref="Filter"/>, ordered by position within each stage.
/// </summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record GetBoardQuery(Guid PipelineId, BoardFilter? Filter = null) : IQuery<Result<Board>>;

public sealed class GetBoardValidator : AbstractValidator<GetBoardQuery>
{
    public GetBoardValidator()
    {
        RuleFor(q => q.Filter!.AmountMax).Must((q, max) => max is null || q.Filter!.AmountMin is null || max >= q.Filter.AmountMin)
            .WithMessage("The largest amount must not be below the smallest.").OverridePropertyName("AmountMax").When(q => q.Filter is not null);
        RuleFor(q => q.Filter!.CloseDateTo).Must((q, to) => to is null || q.Filter!.CloseDateFrom is null || to >= q.Filter.CloseDateFrom)
            .WithMessage("The close date range ends before it starts.").OverridePropertyName("CloseDateTo").When(q => q.Filter is not null);
    }
}

public sealed class GetBoardHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GetBoardQuery, Result<Board>>
{
    public async ValueTask<Result<Board>> Handle(GetBoardQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var pipeline = await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.PipelineId, cancellationToken);
        if (pipeline is null)
        {
            return Result<Board>.NotFound("That pipeline does not exist.");
        }

        var filter = query.Filter ?? new BoardFilter();
        var deals = BoardQueries.Filter(
            await access.VisibleAsync(db, db.Deals.AsNoTracking().Where(d => d.PipelineId == pipeline.Id && d.Status == DealStatus.Open), cancellationToken),
            filter);
        var cards = await BoardQueries.Cards(db, deals).ToListAsync(cancellationToken);
        var currency = await db.WorkspaceSettings.AsNoTracking().Where(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId).Select(s => s.DefaultCurrency).FirstOrDefaultAsync(cancellationToken) ?? "EUR";
        return new Board(pipeline.ToDto(), cards, filter, currency)
        {
            CanEdit = access.CanEditDeals,
            CanOverrideStageRules = access.CanOverrideStageRules,
        };
    }
}
