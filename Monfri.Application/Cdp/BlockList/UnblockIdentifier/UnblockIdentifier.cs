using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.BlockList.UnblockIdentifier;

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
