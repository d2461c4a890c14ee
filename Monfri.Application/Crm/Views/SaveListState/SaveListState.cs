using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Views.SaveListState;

/// <summary>Remembers how the user left a list, so it opens that way next time (in any browser).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record SaveListStateCommand(CrmObjectType ObjectType, string Definition) : ICommand<Result>;

public sealed class SaveListStateValidator : AbstractValidator<SaveListStateCommand>
{
    public SaveListStateValidator()
    {
        RuleFor(c => c.Definition).NotEmpty().MaximumLength(20_000).Must(SavedViewNames.IsJson).WithMessage("The list state is not valid JSON.");
    }
}

public sealed class SaveListStateHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<SaveListStateCommand, Result>
{
    public async ValueTask<Result> Handle(SaveListStateCommand command, CancellationToken cancellationToken)
    {
        if (currentUser.Id is not { } userId)
        {
            return Result.Unauthorized("Sign in to keep list settings.");
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var view = await db.SavedViews.FirstOrDefaultAsync(v => v.UserId == userId && v.ObjectType == command.ObjectType && v.Name == SavedViewNames.ListState, cancellationToken);
        if (view is null)
        {
            db.SavedViews.Add(SavedView.Create(userId, command.ObjectType, SavedViewNames.ListState, command.Definition, clock.GetUtcNow()));
        }
        else
        {
            view.Update(SavedViewNames.ListState, command.Definition, clock.GetUtcNow());
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two tabs of the same user saved at once; the other one's state stands.
            return Result.Conflict("The list was saved from another window at the same moment.");
        }

        return Result.Success();
    }
}
