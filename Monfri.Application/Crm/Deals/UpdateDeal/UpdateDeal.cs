using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Common;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Deals.UpdateDeal;

/// <summary>
/// Saves a deal's fields. <see cref="Version"/> is the version the editor loaded: a save based on an older
/// version is refused with a conflict instead of silently overwriting a colleague's change.
/// </summary>
[RequiresPermission(Permission.EditDeals)]
public sealed record UpdateDealCommand : DealInput, ICommand<Result<DealDetail>>
{
    public Guid Id { get; init; }
    public uint Version { get; init; }
}

public sealed class UpdateDealHandler(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock)
    : ICommandHandler<UpdateDealCommand, Result<DealDetail>>
{
    public const string Changed = "This deal was changed by someone else since you opened it. Reload to see their changes, then edit again.";

    public async ValueTask<Result<DealDetail>> Handle(UpdateDealCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deal = await db.Deals.Include(d => d.Contacts).FirstOrDefaultAsync(d => d.Id == command.Id, cancellationToken);
        if (deal is null || !await access.CanSeeAsync(db, deal.OwnerId, cancellationToken))
        {
            return Result<DealDetail>.NotFound("That deal does not exist.");
        }

        if (deal.Version != command.Version)
        {
            return Result<DealDetail>.Conflict(Changed);
        }

        var details = await DealInputResolver.ResolveAsync(db, command, cancellationToken);
        if (!details.IsSuccess)
        {
            return Result<DealDetail>.From(details);
        }

        var now = clock.GetUtcNow();
        deal.Update(details.Value, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<DealDetail>.Conflict(Changed);
        }

        return (await DealQueries.LoadAsync(db, deal.Id, now, access, cancellationToken))!;
    }
}

public sealed class UpdateDealValidator : FluentValidation.AbstractValidator<UpdateDealCommand>
{
    public UpdateDealValidator() => Include(new DealInputValidator());
}
