using Mediator;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Users.SetUserActive;

/// <summary>Deactivates or reactivates an account. A deactivated user's sessions and API tokens stop working.</summary>
[RequiresPermission(Permission.ManageUsers)]
public sealed record SetUserActiveCommand(Guid UserId, bool Active) : ICommand<Result>;

public sealed class SetUserActiveHandler(IIdentityService identity, ICurrentUser currentUser, ILiveFeed live)
    : ICommandHandler<SetUserActiveCommand, Result>
{
    public async ValueTask<Result> Handle(SetUserActiveCommand command, CancellationToken cancellationToken)
    {
        if (command.UserId == currentUser.Id && !command.Active)
        {
            return Result.Invalid("You cannot deactivate your own account.");
        }

        var result = await identity.SetActiveAsync(command.UserId, command.Active, currentUser.Id, cancellationToken);
        if (result.IsSuccess && !command.Active)
        {
            // Open circuits of that user listen on their own topic and sign out at once.
            await live.PublishAsync(LiveTopics.User(command.UserId), "account.deactivated", null, cancellationToken);
        }

        return result;
    }
}
