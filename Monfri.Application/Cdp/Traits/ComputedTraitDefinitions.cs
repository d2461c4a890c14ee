using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits;

/// <summary>Every computed trait with its backfill status and how many events it had to skip.</summary>
[RequiresPermission(Permission.ManageComputedTraits)]
public sealed record ListComputedTraitsQuery : IQuery<Result<IReadOnlyList<ComputedTraitDto>>>;

public sealed class ListComputedTraitsHandler(IMonfriDbFactory dbFactory, IComputedTraitStore store) : IQueryHandler<ListComputedTraitsQuery, Result<IReadOnlyList<ComputedTraitDto>>>
{
    public async ValueTask<Result<IReadOnlyList<ComputedTraitDto>>> Handle(ListComputedTraitsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var traits = await db.ComputedTraits.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        var skipped = await store.SkippedAsync(db, cancellationToken);
        return traits.Select(t => ComputedTraitDto.From(t, skipped.GetValueOrDefault(t.Id))).ToList();
    }
}

[RequiresPermission(Permission.ManageComputedTraits)]
public sealed record GetComputedTraitQuery(Guid Id) : IQuery<Result<ComputedTraitDto>>;

public sealed class GetComputedTraitHandler(IMonfriDbFactory dbFactory, IComputedTraitStore store) : IQueryHandler<GetComputedTraitQuery, Result<ComputedTraitDto>>
{
    public async ValueTask<Result<ComputedTraitDto>> Handle(GetComputedTraitQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var trait = await db.ComputedTraits.AsNoTracking().FirstOrDefaultAsync(t => t.Id == query.Id, cancellationToken);
        return trait is null
            ? Result<ComputedTraitDto>.NotFound("No such computed trait.")
            : ComputedTraitDto.From(trait, (await store.SkippedAsync(db, cancellationToken)).GetValueOrDefault(trait.Id));
    }
}

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
