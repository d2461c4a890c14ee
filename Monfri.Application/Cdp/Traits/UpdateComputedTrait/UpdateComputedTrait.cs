using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits.UpdateComputedTrait;

/// <summary>Renames a trait or changes what it computes; a changed definition is computed again from the stored events.</summary>
[RequiresPermission(Permission.ManageComputedTraits)]
public sealed record UpdateComputedTraitCommand(Guid Id, ComputedTraitInput Trait) : ICommand<Result<ComputedTraitDto>>;

public sealed class UpdateComputedTraitValidator : AbstractValidator<UpdateComputedTraitCommand>
{
    public UpdateComputedTraitValidator() => RuleFor(c => c.Trait).NotNull().SetValidator(new ComputedTraitInputValidator());
}

public sealed class UpdateComputedTraitHandler(IMonfriDbFactory dbFactory, IComputedTraitStore store, TimeProvider clock, ITraitBackfillSignal backfill, ILiveFeed live)
    : ICommandHandler<UpdateComputedTraitCommand, Result<ComputedTraitDto>>
{
    public async ValueTask<Result<ComputedTraitDto>> Handle(UpdateComputedTraitCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var trait = await db.ComputedTraits.FirstOrDefaultAsync(t => t.Id == command.Id, cancellationToken);
        if (trait is null)
        {
            return Result<ComputedTraitDto>.NotFound("No such computed trait.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var redefined = trait.Update(command.Trait.Name, command.Trait.Definition, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        if (redefined)
        {
            // Values of the old definition would be wrong until the backfill reached each person: they go now.
            await db.ComputedTraitValues.Where(v => v.TraitId == trait.Id).ExecuteDeleteAsync(cancellationToken);
            await store.ForgetStateAsync(db, trait.Id, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (redefined)
        {
            backfill.Wake();
        }

        await live.PublishAsync(LiveTopics.Traits, "trait.changed", new { trait.Id }, cancellationToken);
        return ComputedTraitDto.From(trait, redefined ? 0 : (await store.SkippedAsync(db, cancellationToken)).GetValueOrDefault(trait.Id));
    }
}
