using Mediator;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.Domain.Privacy;

namespace Monfri.Application.Privacy.CreatePrivacyRequest;

/// <summary>
/// Queues an export, deletion or suppression for the person an identifier points at (an email, a user id, an
/// anonymous id or a custom external id). The work runs in the background; the answer is the queued request.
/// </summary>
[RequiresPermission(Permission.ManagePrivacy)]
public sealed record CreatePrivacyRequestCommand(PrivacyRequestKind Kind, string IdentityType, string IdentityValue)
    : ICommand<Result<PrivacyRequestDto>>
{
    // The identifier is personal data: it stays out of log lines written from the record's ToString.
    public override string ToString() => $"CreatePrivacyRequestCommand {{ Kind = {Kind}, IdentityType = {IdentityType} }}";
}

public sealed class CreatePrivacyRequestHandler(IPrivacyRequestStore store, ICurrentUser currentUser, ILiveFeed live, TimeProvider clock)
    : ICommandHandler<CreatePrivacyRequestCommand, Result<PrivacyRequestDto>>
{
    public async ValueTask<Result<PrivacyRequestDto>> Handle(CreatePrivacyRequestCommand command, CancellationToken cancellationToken)
    {
        var request = PrivacyRequest.Queue(command.Kind, command.IdentityType, command.IdentityValue, currentUser.Id!.Value, clock.GetUtcNow());
        await store.QueueAsync(request, cancellationToken);
        var dto = PrivacyRequestDto.From(request, MonfriClaims.DisplayNameOf(currentUser.Principal));
        await live.PublishAsync(LiveTopics.Privacy, PrivacyLive.Changed, dto, cancellationToken);
        return dto;
    }
}
