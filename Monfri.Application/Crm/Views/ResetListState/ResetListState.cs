using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Views.ResetListState;

/// <summary>Forgets the user's last state of a list: it opens with the default filter, sort and columns again.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ResetListStateCommand(CrmObjectType ObjectType) : ICommand<Result>;

public sealed class ResetListStateHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser)
    : ICommandHandler<ResetListStateCommand, Result>
{
    public async ValueTask<Result> Handle(ResetListStateCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        await db.SavedViews.Where(v => v.UserId == currentUser.Id && v.ObjectType == command.ObjectType && v.Name == SavedViewNames.ListState).ExecuteDeleteAsync(cancellationToken);
        return Result.Success();
    }
}
