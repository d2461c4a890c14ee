using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Conditions;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments.CreateStaticList;

/// <summary>A new static list: a segment whose members are added by hand, from a list selection, a CSV or the API.</summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record CreateStaticListCommand(string Name, string? Description = null) : ICommand<Result<SegmentDto>>;

public sealed class CreateStaticListValidator : AbstractValidator<CreateStaticListCommand>
{
    public CreateStaticListValidator()
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("Give the list a name.")
            .MaximumLength(Segment.MaxNameLength).WithMessage($"A name has at most {Segment.MaxNameLength} characters.");
        RuleFor(c => c.Description).MaximumLength(Segment.MaxDescriptionLength).WithMessage($"A description has at most {Segment.MaxDescriptionLength} characters.");
    }
}

public sealed class CreateStaticListHandler(IMonfriDbFactory dbFactory, IConditionCatalogSource catalogs, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<CreateStaticListCommand, Result<SegmentDto>>
{
    public async ValueTask<Result<SegmentDto>> Handle(CreateStaticListCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var name = command.Name.Trim();
        if (await db.Segments.AnyAsync(s => s.Name.ToLower() == name.ToLower(), cancellationToken))
        {
            return Result<SegmentDto>.Invalid($"A segment named '{name}' already exists.", "name");
        }

        var list = Segment.CreateStatic(name, command.Description, currentUser.Id, clock.GetUtcNow());
        db.Segments.Add(list);
        await db.SaveChangesAsync(cancellationToken);
        return SegmentDto.From(list, await catalogs.LoadAsync(cancellationToken));
    }
}
