using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Conditions;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments.CreateSegment;

/// <summary>Defines a segment; it is evaluated over everyone before the answer, then kept current as people change.</summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record CreateSegmentCommand(SegmentInput Segment) : ICommand<Result<SegmentDto>>;


public sealed class CreateSegmentValidator : AbstractValidator<CreateSegmentCommand>
{
    public CreateSegmentValidator() => RuleFor(c => c.Segment).NotNull().SetValidator(new SegmentInputValidator());
}


public sealed class CreateSegmentHandler(IMonfriDbFactory dbFactory, IConditionCatalogSource catalogs, ISegmentEngine engine, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<CreateSegmentCommand, Result<SegmentDto>>
{
    public async ValueTask<Result<SegmentDto>> Handle(CreateSegmentCommand command, CancellationToken cancellationToken)
    {
        var input = command.Segment;
        var catalog = await catalogs.LoadAsync(cancellationToken);
        var (definition, problems) = await SegmentChecks.ProblemsAsync(dbFactory, catalog, input, null, cancellationToken);
        if (problems.Count > 0)
        {
            return Result<SegmentDto>.Invalid([.. problems]);
        }

        var segment = Segment.Create(input.Name, input.Description, definition!, currentUser.Id, clock.GetUtcNow());
        await using (var db = await dbFactory.CreateAsync(cancellationToken))
        {
            db.Segments.Add(segment);
            await db.SaveChangesAsync(cancellationToken);
        }

        // Evaluated before the answer, so the list the user returns to shows the count; later changes are incremental.
        await engine.EvaluateAsync(segment.Id, "defined", cancellationToken);
        return await SegmentChecks.ReadAsync(dbFactory, catalogs, segment.Id, cancellationToken);
    }
}
