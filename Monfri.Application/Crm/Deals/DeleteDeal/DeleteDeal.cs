using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Deals.DeleteDeal;

/// <summary>Deletes a deal with its contact links and stage history; the audit log keeps that it existed.</summary>
[RequiresPermission(Permission.EditDeals)]
public sealed record DeleteDealCommand(Guid DealId) : ICommand<Result>;

public sealed class DeleteDealHandler(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock) : ICommandHandler<DeleteDealCommand, Result>
{
    public async ValueTask<Result> Handle(DeleteDealCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deal = await db.Deals.Include(d => d.Contacts).FirstOrDefaultAsync(d => d.Id == command.DealId, cancellationToken);
        if (deal is null || !await access.CanSeeAsync(db, deal.OwnerId, cancellationToken))
        {
            return Result.NotFound("That deal does not exist.");
        }

        deal.Delete(clock.GetUtcNow());
        db.Deals.Remove(deal);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result.Conflict("This deal was changed or deleted by someone else since you opened it. Reload and try again.");
        }

        return Result.Success();
    }
}
