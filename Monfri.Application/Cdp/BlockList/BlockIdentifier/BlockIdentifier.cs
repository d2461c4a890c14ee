using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.BlockList.BlockIdentifier;

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
