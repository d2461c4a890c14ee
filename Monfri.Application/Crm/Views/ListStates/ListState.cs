using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Views.ListStates;

/// <summary>The signed-in user's last state of one list (its filter, sort and columns as the list's JSON), null when they never changed it.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetListStateQuery(CrmObjectType ObjectType) : IQuery<Result<string?>>;

/// <summary>Remembers how the user left a list, so it opens that way next time (in any browser).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record SaveListStateCommand(CrmObjectType ObjectType, string Definition) : ICommand<Result>;

/// <summary>Forgets the user's last state of a list: it opens with the default filter, sort and columns again.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ResetListStateCommand(CrmObjectType ObjectType) : ICommand<Result>;

public sealed class SaveListStateValidator : AbstractValidator<SaveListStateCommand>
{
    public SaveListStateValidator()
    {
        RuleFor(c => c.Definition).NotEmpty().MaximumLength(20_000).Must(SavedViewNames.IsJson).WithMessage("The list state is not valid JSON.");
    }
}

/// <summary>A list's last state is kept as the user's saved view of that list under a reserved name (not listed as a view).</summary>
public sealed class ListStateHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser, TimeProvider clock)
    : IQueryHandler<GetListStateQuery, Result<string?>>,
      ICommandHandler<SaveListStateCommand, Result>,
      ICommandHandler<ResetListStateCommand, Result>
{
    public const string ViewName = $"{SavedViewNames.ReservedPrefix}list:last";

    public async ValueTask<Result<string?>> Handle(GetListStateQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await db.SavedViews.AsNoTracking()
            .Where(v => v.UserId == currentUser.Id && v.ObjectType == query.ObjectType && v.Name == ViewName)
            .Select(v => v.Definition)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async ValueTask<Result> Handle(SaveListStateCommand command, CancellationToken cancellationToken)
    {
        if (currentUser.Id is not { } userId)
        {
            return Result.Unauthorized("Sign in to keep list settings.");
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var view = await db.SavedViews.FirstOrDefaultAsync(v => v.UserId == userId && v.ObjectType == command.ObjectType && v.Name == ViewName, cancellationToken);
        if (view is null)
        {
            db.SavedViews.Add(SavedView.Create(userId, command.ObjectType, ViewName, command.Definition, clock.GetUtcNow()));
        }
        else
        {
            view.Update(ViewName, command.Definition, clock.GetUtcNow());
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

    public async ValueTask<Result> Handle(ResetListStateCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        await db.SavedViews.Where(v => v.UserId == currentUser.Id && v.ObjectType == command.ObjectType && v.Name == ViewName).ExecuteDeleteAsync(cancellationToken);
        return Result.Success();
    }
}
