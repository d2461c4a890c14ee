using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Privacy.LiftSuppression;

/// <summary>
/// Lifts a suppression (the person withdrew their objection, or it was made by mistake): their events are
/// collected and they may be emailed again from now on. Events dropped meanwhile stay lost.
/// </summary>
[RequiresPermission(Permission.ManagePrivacy)]
public sealed record LiftSuppressionCommand(Guid RequestId) : ICommand<Result<PrivacyRequestDto>>;

public sealed class LiftSuppressionHandler(IMonfriDbFactory dbFactory, IPrivacyRequestStore store, ILiveFeed live, TimeProvider clock)
    : ICommandHandler<LiftSuppressionCommand, Result<PrivacyRequestDto>>
{
    public async ValueTask<Result<PrivacyRequestDto>> Handle(LiftSuppressionCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var request = await db.PrivacyRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == command.RequestId, cancellationToken);
        if (request is null)
        {
            return Result<PrivacyRequestDto>.NotFound("There is no such privacy request.");
        }

        if (!request.CanBeLifted || !await store.LiftSuppressionAsync(request.Id, clock.GetUtcNow(), cancellationToken))
        {
            return Result<PrivacyRequestDto>.Conflict("Only a finished suppression that has not been lifted yet can be lifted.");
        }

        var lifted = await db.PrivacyRequests.AsNoTracking().Where(r => r.Id == request.Id).Select(PrivacyRequestDto.Project(db)).FirstAsync(cancellationToken);
        await live.PublishAsync(LiveTopics.Privacy, PrivacyLive.Changed, lifted, cancellationToken);
        return lifted;
    }
}
