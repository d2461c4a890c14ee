using Mediator;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Users.CreateUser;

[RequiresPermission(Permission.ManageUsers)]
public sealed record CreateUserCommand(string Email, string DisplayName, string Password, IReadOnlyCollection<string> Roles)
    : ICommand<Result<UserDto>>
{
    // The password never reaches a log line through the record's generated ToString.
    public override string ToString() => $"CreateUserCommand {{ Email = {Email}, Roles = {string.Join(",", Roles)} }}";
}

public sealed class CreateUserHandler(IIdentityService identity, ICurrentUser currentUser, ILiveFeed live) : ICommandHandler<CreateUserCommand, Result<UserDto>>
{
    public async ValueTask<Result<UserDto>> Handle(CreateUserCommand command, CancellationToken cancellationToken)
    {
        var created = await identity.CreateUserAsync(
            new NewUser(command.Email.Trim(), command.DisplayName.Trim(), command.Password, command.Roles),
            currentUser.Id,
            cancellationToken);
        if (created.IsSuccess)
        {
            await live.PublishAsync(LiveTopics.Workspace, "user.created", new { created.Value.Id, created.Value.DisplayName }, cancellationToken);
        }

        return created;
    }
}
