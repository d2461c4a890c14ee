using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.BlockList;

/// <summary>The Admin-maintained identifier values that never identify anyone (on top of the built-in junk list).</summary>
[RequiresPermission(Permission.ManageBlockList)]
public sealed record ListBlockedIdentifiersQuery : IQuery<Result<IReadOnlyList<string>>>;

public sealed class ListBlockedIdentifiersHandler(IMonfriDbFactory dbFactory) : IQueryHandler<ListBlockedIdentifiersQuery, Result<IReadOnlyList<string>>>
{
    public async ValueTask<Result<IReadOnlyList<string>>> Handle(ListBlockedIdentifiersQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await db.BlockedIdentifiers.AsNoTracking().OrderBy(b => b.Value).Select(b => b.Value).ToListAsync(cancellationToken);
    }
}

[RequiresPermission(Permission.ManageBlockList)]
public sealed record BlockIdentifierCommand(string Value) : ICommand<Result>;

public sealed class BlockIdentifierHandler(IMonfriDbFactory dbFactory, TimeProvider clock) : ICommandHandler<BlockIdentifierCommand, Result>
{
    public async ValueTask<Result> Handle(BlockIdentifierCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var value = command.Value.Trim();
        if (!await db.BlockedIdentifiers.AnyAsync(b => b.Value == value, cancellationToken))
        {
            db.BlockedIdentifiers.Add(BlockedIdentifier.Create(value, clock.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken);
        }

        return Result.Success();
    }
}

public sealed class BlockIdentifierValidator : AbstractValidator<BlockIdentifierCommand>
{
    public BlockIdentifierValidator() =>
        RuleFor(c => c.Value).NotEmpty().WithMessage("Enter the identifier value to block.").MaximumLength(IdentityTypes.MaxValueLength);
}

[RequiresPermission(Permission.ManageBlockList)]
public sealed record UnblockIdentifierCommand(string Value) : ICommand<Result>;

public sealed class UnblockIdentifierHandler(IMonfriDbFactory dbFactory) : ICommandHandler<UnblockIdentifierCommand, Result>
{
    public async ValueTask<Result> Handle(UnblockIdentifierCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var removed = await db.BlockedIdentifiers.Where(b => b.Value == command.Value.Trim()).ExecuteDeleteAsync(cancellationToken);
        return removed == 0 ? Result.NotFound("That value is not blocked.") : Result.Success();
    }
}
