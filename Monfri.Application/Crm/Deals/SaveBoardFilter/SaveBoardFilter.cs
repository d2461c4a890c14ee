using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Views;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals.SaveBoardFilter;

/// <summary>Remembers the user's filter on one pipeline's board, so the board opens the way they left it.</summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record SaveBoardFilterCommand(Guid PipelineId, BoardFilter Filter) : ICommand<Result>;

public sealed class SaveBoardFilterValidator : AbstractValidator<SaveBoardFilterCommand>
{
    public SaveBoardFilterValidator()
    {
        RuleFor(c => c.Filter.Tag).MaximumLength(50).WithMessage("A tag has at most 50 characters.").OverridePropertyName("Tag");
        RuleFor(c => c.Filter.Search).MaximumLength(200).WithMessage("Search for at most 200 characters.").OverridePropertyName("Search");
    }
}

/// <summary>Board filters are kept as the user's saved views of deals, under a name reserved for the board.</summary>
public sealed class SaveBoardFilterHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<SaveBoardFilterCommand, Result>
{
    public async ValueTask<Result> Handle(SaveBoardFilterCommand command, CancellationToken cancellationToken)
    {
        if (currentUser.Id is not { } userId)
        {
            return Result.Unauthorized("Sign in to keep board filters.");
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var name = SavedViewNames.Board(command.PipelineId);
        var definition = JsonSerializer.Serialize(command.Filter, LiveJson.Options);
        var view = await db.SavedViews.FirstOrDefaultAsync(v => v.UserId == userId && v.ObjectType == CrmObjectType.Deal && v.Name == name, cancellationToken);
        if (view is null)
        {
            db.SavedViews.Add(SavedView.Create(userId, CrmObjectType.Deal, name, definition, clock.GetUtcNow()));
        }
        else
        {
            view.Update(name, definition, clock.GetUtcNow());
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two tabs of the same user saved at once; the other one's filter stands.
            return Result.Conflict("The board filter was saved from another window at the same moment.");
        }

        return Result.Success();
    }
}
