using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits.CreateComputedTrait;

/// <summary>Defines a trait; it counts live events at once and is backfilled over the stored ones in the background.</summary>
[RequiresPermission(Permission.ManageComputedTraits)]
public sealed record CreateComputedTraitCommand(ComputedTraitInput Trait) : ICommand<Result<ComputedTraitDto>>;

public sealed class CreateComputedTraitValidator : AbstractValidator<CreateComputedTraitCommand>
{
    public CreateComputedTraitValidator()
    {
        RuleFor(c => c.Trait).NotNull().SetValidator(new ComputedTraitInputValidator());
        RuleFor(c => c.Trait.Key).Must(ComputedTrait.IsValidKey).When(c => c.Trait is not null)
            .WithMessage($"The key is snake_case: lower-case letters, digits and _, starting with a letter, at most {ComputedTrait.MaxKeyLength} characters (e.g. total_revenue).");
        RuleFor(c => c.Trait.Key).Must(k => !ComputedTrait.BuiltInKeys.Contains(k.Trim())).When(c => c.Trait?.Key is not null)
            .WithMessage(c => $"'{c.Trait.Key.Trim()}' is a built-in trait every profile has; choose another key.");
    }
}

public sealed class CreateComputedTraitHandler(IMonfriDbFactory dbFactory, TimeProvider clock, ITraitBackfillSignal backfill, ILiveFeed live)
    : ICommandHandler<CreateComputedTraitCommand, Result<ComputedTraitDto>>
{
    public async ValueTask<Result<ComputedTraitDto>> Handle(CreateComputedTraitCommand command, CancellationToken cancellationToken)
    {
        var input = command.Trait;
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (await db.ComputedTraits.AnyAsync(t => t.Key == input.Key.Trim(), cancellationToken))
        {
            return Result<ComputedTraitDto>.Invalid("A computed trait with this key exists already.", "trait.key");
        }

        var trait = ComputedTrait.Create(input.Key, input.Name, input.Definition, clock.GetUtcNow());
        db.ComputedTraits.Add(trait);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Result<ComputedTraitDto>.Invalid("A computed trait with this key exists already.", "trait.key");
        }

        backfill.Wake();
        await live.PublishAsync(LiveTopics.Traits, "trait.changed", new { trait.Id }, cancellationToken);
        return ComputedTraitDto.From(trait, 0);
    }
}
