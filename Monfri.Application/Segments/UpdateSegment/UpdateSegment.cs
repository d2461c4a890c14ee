using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Conditions;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments.UpdateSegment;

/// <summary>Renames a segment or changes its definition; a changed definition is evaluated again at once.</summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record UpdateSegmentCommand(Guid Id, SegmentInput Segment) : ICommand<Result<SegmentDto>>;

public sealed class UpdateSegmentValidator : AbstractValidator<UpdateSegmentCommand>
{
    public UpdateSegmentValidator() => RuleFor(c => c.Segment).NotNull().SetValidator(new SegmentInputValidator());
}

public sealed class UpdateSegmentHandler(IMonfriDbFactory dbFactory, IConditionCatalogSource catalogs, ISegmentEngine engine, TimeProvider clock)
    : ICommandHandler<UpdateSegmentCommand, Result<SegmentDto>>
{
    public async ValueTask<Result<SegmentDto>> Handle(UpdateSegmentCommand command, CancellationToken cancellationToken)
    {
        var input = command.Segment;
        bool redefined;
        await using (var db = await dbFactory.CreateAsync(cancellationToken))
        {
            var segment = await db.Segments.FirstOrDefaultAsync(s => s.Id == command.Id, cancellationToken);
            if (segment is null)
            {
                return Result<SegmentDto>.NotFound("No such segment.");
            }

            if (segment.Kind == SegmentKind.Static)
            {
                return Result<SegmentDto>.Invalid($"'{segment.Name}' is a static list: it has no conditions to change.", "definition");
            }

            var catalog = await catalogs.LoadAsync(cancellationToken);
            var (definition, problems) = await SegmentChecks.ProblemsAsync(dbFactory, catalog, input, segment.Id, cancellationToken);
            if (problems.Count > 0)
            {
                return Result<SegmentDto>.Invalid([.. problems]);
            }

            var before = segment.Definition;
            segment.Update(input.Name, input.Description, definition!, clock.GetUtcNow());
            redefined = before != segment.Definition;
            await db.SaveChangesAsync(cancellationToken);
        }

        if (redefined)
        {
            await engine.EvaluateAsync(command.Id, "redefined", cancellationToken);
        }

        return await SegmentChecks.ReadAsync(dbFactory, catalogs, command.Id, cancellationToken);
    }
}
