using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Views.DeleteSavedView;

[RequiresPermission(Permission.ViewContacts)]
public sealed record DeleteSavedViewCommand(Guid Id) : ICommand<Result>;

public sealed class DeleteSavedViewHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser)
    : ICommandHandler<DeleteSavedViewCommand, Result>
{
    public async ValueTask<Result> Handle(DeleteSavedViewCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deleted = await db.SavedViews.Where(v => v.Id == command.Id && v.UserId == currentUser.Id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 1 ? Result.Success() : Result.NotFound("That view does not exist.");
    }
}
