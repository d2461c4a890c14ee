using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits.RestartTraitBackfill;

/// <summary>Starts a failed (or any) trait's backfill again from the first person.</summary>
[RequiresPermission(Permission.ManageComputedTraits)]
public sealed record RestartTraitBackfillCommand(Guid Id) : ICommand<Result>;

public sealed class RestartTraitBackfillHandler(IMonfriDbFactory dbFactory, TimeProvider clock, ITraitBackfillSignal backfill, ILiveFeed live)
    : ICommandHandler<RestartTraitBackfillCommand, Result>
{
    public async ValueTask<Result> Handle(RestartTraitBackfillCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var trait = await db.ComputedTraits.FirstOrDefaultAsync(t => t.Id == command.Id, cancellationToken);
        if (trait is null)
        {
            return Result.NotFound("No such computed trait.");
        }

        trait.StartBackfill(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        backfill.Wake();
        await live.PublishAsync(LiveTopics.Traits, "trait.changed", new { trait.Id }, cancellationToken);
        return Result.Success();
    }
}
