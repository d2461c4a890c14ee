using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits.DeleteComputedTrait;

/// <summary>Deletes a trait with its values everywhere.</summary>
[RequiresPermission(Permission.ManageComputedTraits)]
public sealed record DeleteComputedTraitCommand(Guid Id) : ICommand<Result>;

public sealed class DeleteComputedTraitHandler(IMonfriDbFactory dbFactory, ILiveFeed live) : ICommandHandler<DeleteComputedTraitCommand, Result>
{
    public async ValueTask<Result> Handle(DeleteComputedTraitCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        // Buckets and values go with it (ON DELETE CASCADE).
        var removed = await db.ComputedTraits.Where(t => t.Id == command.Id).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
        {
            return Result.NotFound("No such computed trait.");
        }

        await live.PublishAsync(LiveTopics.Traits, "trait.changed", new { command.Id }, cancellationToken);
        return Result.Success();
    }
}
