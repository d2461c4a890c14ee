using Mediator;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Users.SetUserRoles;

[RequiresPermission(Permission.ManageUsers)]
public sealed record SetUserRolesCommand(Guid UserId, IReadOnlyCollection<string> Roles) : ICommand<Result>;

public sealed class SetUserRolesHandler(IIdentityService identity, ICurrentUser currentUser, ILiveFeed live)
    : ICommandHandler<SetUserRolesCommand, Result>
{
    public async ValueTask<Result> Handle(SetUserRolesCommand command, CancellationToken cancellationToken)
    {
        if (command.UserId == currentUser.Id && !command.Roles.Contains(Roles.Admin))
        {
            return Result.Invalid("You cannot remove your own Admin role; ask another admin.", nameof(command.Roles));
        }

        var result = await identity.SetRolesAsync(command.UserId, command.Roles, currentUser.Id, cancellationToken);
        if (result.IsSuccess)
        {
            await live.PublishAsync(LiveTopics.User(command.UserId), "account.changed", new { command.Roles }, cancellationToken);
        }

        return result;
    }
}

public sealed class SetUserRolesValidator : FluentValidation.AbstractValidator<SetUserRolesCommand>
{
    public SetUserRolesValidator() => RuleFor(c => c.Roles).ValidRoles();
}
