using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Conditions;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

/// <summary>Defines a segment; it is evaluated over everyone before the answer, then kept current as people change.</summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record CreateSegmentCommand(SegmentInput Segment) : ICommand<Result<SegmentDto>>;

/// <summary>Renames a segment or changes its definition; a changed definition is evaluated again at once.</summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record UpdateSegmentCommand(Guid Id, SegmentInput Segment) : ICommand<Result<SegmentDto>>;

public sealed class SegmentInputValidator : AbstractValidator<SegmentInput>
{
    public SegmentInputValidator()
    {
        RuleFor(s => s.Name).NotEmpty().WithMessage("A segment needs a name.")
            .MaximumLength(Segment.MaxNameLength).WithMessage($"A segment's name has at most {Segment.MaxNameLength} characters.");
        RuleFor(s => s.Description).MaximumLength(Segment.MaxDescriptionLength)
            .WithMessage($"A description has at most {Segment.MaxDescriptionLength} characters.");
        RuleFor(s => s.Definition).NotNull().WithMessage("A segment needs a definition.");
    }
}

public sealed class CreateSegmentValidator : AbstractValidator<CreateSegmentCommand>
{
    public CreateSegmentValidator() => RuleFor(c => c.Segment).NotNull().SetValidator(new SegmentInputValidator());
}

public sealed class UpdateSegmentValidator : AbstractValidator<UpdateSegmentCommand>
{
    public UpdateSegmentValidator() => RuleFor(c => c.Segment).NotNull().SetValidator(new SegmentInputValidator());
}

public sealed class CreateSegmentHandler(IMonfriDbFactory dbFactory, IConditionCatalogSource catalogs, ISegmentEngine engine, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<CreateSegmentCommand, Result<SegmentDto>>
{
    public async ValueTask<Result<SegmentDto>> Handle(CreateSegmentCommand command, CancellationToken cancellationToken)
    {
        var input = command.Segment;
        var catalog = await catalogs.LoadAsync(cancellationToken);
        if (await SegmentChecks.ProblemsAsync(dbFactory, catalog, input, null, cancellationToken) is { Count: > 0 } problems)
        {
            return Result<SegmentDto>.Invalid([.. problems]);
        }

        var segment = Segment.Create(input.Name, input.Description, input.Definition, currentUser.Id, clock.GetUtcNow());
        await using (var db = await dbFactory.CreateAsync(cancellationToken))
        {
            db.Segments.Add(segment);
            await db.SaveChangesAsync(cancellationToken);
        }

        // Evaluated before the answer, so the list the user returns to shows the count; later changes are incremental.
        await engine.EvaluateAsync(segment.Id, "defined", cancellationToken);
        return await SegmentChecks.ReadAsync(dbFactory, segment.Id, cancellationToken);
    }
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
            if (await SegmentChecks.ProblemsAsync(dbFactory, catalog, input, segment.Id, cancellationToken) is { Count: > 0 } problems)
            {
                return Result<SegmentDto>.Invalid([.. problems]);
            }

            var before = segment.Definition;
            segment.Update(input.Name, input.Description, input.Definition, clock.GetUtcNow());
            redefined = before != segment.Definition;
            await db.SaveChangesAsync(cancellationToken);
        }

        if (redefined)
        {
            await engine.EvaluateAsync(command.Id, "redefined", cancellationToken);
        }

        return await SegmentChecks.ReadAsync(dbFactory, command.Id, cancellationToken);
    }
}

internal static class SegmentChecks
{
    public static async Task<List<ResultError>> ProblemsAsync(
        IMonfriDbFactory dbFactory, ConditionCatalog catalog, SegmentInput input, Guid? self, CancellationToken cancellationToken)
    {
        var problems = ConditionValidator.Validate(input.Definition, catalog, self).ToList();
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var name = input.Name.Trim();
        if (await db.Segments.AnyAsync(s => s.Id != self && s.Name.ToLower() == name.ToLower(), cancellationToken))
        {
            problems.Insert(0, new ResultError($"A segment named '{name}' already exists.", "name"));
        }

        return problems;
    }

    public static async Task<Result<SegmentDto>> ReadAsync(IMonfriDbFactory dbFactory, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return segment is null ? Result<SegmentDto>.NotFound("No such segment.") : SegmentDto.From(segment);
    }
}
