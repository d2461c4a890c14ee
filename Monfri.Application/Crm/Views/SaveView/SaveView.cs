using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Views.SaveView;

/// <summary>Saves the current filters, sort and columns under a name (same name: replaced).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record SaveViewCommand(CrmObjectType ObjectType, string Name, string Definition) : ICommand<Result<SavedViewDto>>;

public sealed class SaveViewValidator : AbstractValidator<SaveViewCommand>
{
    public SaveViewValidator()
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("Name the view.").MaximumLength(100)
            .Must(n => !n.TrimStart().StartsWith(SavedViewNames.ReservedPrefix, StringComparison.Ordinal)).WithMessage($"A view name cannot start with {SavedViewNames.ReservedPrefix}.");
        RuleFor(c => c.Definition).NotEmpty().MaximumLength(20_000).Must(SavedViewNames.IsJson).WithMessage("The view definition is not valid JSON.");
    }
}

public sealed class SaveViewHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<SaveViewCommand, Result<SavedViewDto>>
{
    public async ValueTask<Result<SavedViewDto>> Handle(SaveViewCommand command, CancellationToken cancellationToken)
    {
        if (currentUser.Id is not { } userId)
        {
            return Result<SavedViewDto>.Unauthorized("Sign in to save views.");
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var name = command.Name.Trim();
        var view = await db.SavedViews.FirstOrDefaultAsync(v => v.UserId == userId && v.ObjectType == command.ObjectType && v.Name == name, cancellationToken);
        if (view is null)
        {
            view = SavedView.Create(userId, command.ObjectType, name, command.Definition, clock.GetUtcNow());
            db.SavedViews.Add(view);
        }
        else
        {
            view.Update(name, command.Definition, clock.GetUtcNow());
        }

        await db.SaveChangesAsync(cancellationToken);
        return new SavedViewDto(view.Id, view.ObjectType, view.Name, view.Definition);
    }
}
