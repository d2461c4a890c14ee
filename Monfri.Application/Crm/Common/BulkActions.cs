using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Common;

/// <summary>What a bulk action did: how many records changed, and how many of the chosen were not found or hidden.</summary>
public sealed record BulkOutcome(int Changed, int Missing);

/// <summary>Assigns an owner to the selected records (null: no owner).</summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record AssignOwnerCommand(CrmObjectType ObjectType, IReadOnlyList<Guid> Ids, Guid? OwnerId) : ICommand<Result<BulkOutcome>>;

/// <summary>Adds a tag to the selected records.</summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record AddTagCommand(CrmObjectType ObjectType, IReadOnlyList<Guid> Ids, string Tag) : ICommand<Result<BulkOutcome>>;

/// <summary>Deletes the selected records (the list asks for confirmation first).</summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record DeleteRecordsCommand(CrmObjectType ObjectType, IReadOnlyList<Guid> Ids) : ICommand<Result<BulkOutcome>>;

public sealed class AssignOwnerValidator : AbstractValidator<AssignOwnerCommand>
{
    public AssignOwnerValidator() => RuleFor(c => c.Ids).NotEmpty().WithMessage("Select at least one record.").Must(i => i.Count <= BulkActions.MaxRecords).WithMessage($"At most {BulkActions.MaxRecords} records at once.");
}

public sealed class AddTagValidator : AbstractValidator<AddTagCommand>
{
    public AddTagValidator()
    {
        RuleFor(c => c.Ids).NotEmpty().WithMessage("Select at least one record.").Must(i => i.Count <= BulkActions.MaxRecords).WithMessage($"At most {BulkActions.MaxRecords} records at once.");
        RuleFor(c => c.Tag).NotEmpty().WithMessage("Enter a tag.").MaximumLength(50);
    }
}

public sealed class DeleteRecordsValidator : AbstractValidator<DeleteRecordsCommand>
{
    public DeleteRecordsValidator() => RuleFor(c => c.Ids).NotEmpty().WithMessage("Select at least one record.").Must(i => i.Count <= BulkActions.MaxRecords).WithMessage($"At most {BulkActions.MaxRecords} records at once.");
}

public sealed class BulkActions(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock, ILiveFeed live)
    : ICommandHandler<AssignOwnerCommand, Result<BulkOutcome>>,
      ICommandHandler<AddTagCommand, Result<BulkOutcome>>,
      ICommandHandler<DeleteRecordsCommand, Result<BulkOutcome>>
{
    public const int MaxRecords = 1000;

    public async ValueTask<Result<BulkOutcome>> Handle(AssignOwnerCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (command.OwnerId is { } ownerId && !await db.UserRefs.AnyAsync(u => u.Id == ownerId && u.IsActive, cancellationToken))
        {
            return Result<BulkOutcome>.Invalid("The owner must be an active user.", nameof(command.OwnerId));
        }

        return await ApplyAsync(db, command.ObjectType, command.Ids, r => r.AssignOwner(command.OwnerId, clock.GetUtcNow()), DealLive.Updated, cancellationToken);
    }

    public async ValueTask<Result<BulkOutcome>> Handle(AddTagCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await ApplyAsync(db, command.ObjectType, command.Ids, r => r.AddTag(command.Tag.Trim(), clock.GetUtcNow()), DealLive.Updated, cancellationToken);
    }

    public async ValueTask<Result<BulkOutcome>> Handle(DeleteRecordsCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await ApplyAsync(db, command.ObjectType, command.Ids, r => db.Remove(r), DealLive.Deleted, cancellationToken);
    }

    private async Task<Result<BulkOutcome>> ApplyAsync(IMonfriDb db, CrmObjectType type, IReadOnlyList<Guid> ids, Action<IBulkEditable> change, string dealKind, CancellationToken cancellationToken)
    {
        if (type == CrmObjectType.Deal && !access.CanEditDeals)
        {
            return Result<BulkOutcome>.Forbidden("Marketing can read deals but not change them.");
        }

        var wanted = ids.Distinct().ToList();
        List<IBulkEditable> records = type switch
        {
            CrmObjectType.Contact => [.. await (await access.VisibleAsync(db, db.People.Where(p => p.IsContact && wanted.Contains(p.Id)), cancellationToken)).ToListAsync(cancellationToken)],
            CrmObjectType.Company => [.. await (await access.VisibleAsync(db, db.Companies.Where(c => wanted.Contains(c.Id)), cancellationToken)).ToListAsync(cancellationToken)],
            _ => [.. await (await access.VisibleAsync(db, db.Deals.Where(d => wanted.Contains(d.Id)), cancellationToken)).ToListAsync(cancellationToken)],
        };
        var owners = records.OfType<Deal>().ToDictionary(d => d.Id, d => d.OwnerId);
        // Read before the change: a bulk delete takes the contact links with it.
        var dealIds = owners.Keys.ToList();
        var contacts = (dealIds.Count == 0 ? []
                : await db.DealContacts.AsNoTracking().Where(dc => dealIds.Contains(dc.DealId)).Select(dc => new { dc.DealId, dc.PersonId }).ToListAsync(cancellationToken))
            .ToLookup(dc => dc.DealId, dc => dc.PersonId);
        foreach (var record in records)
        {
            change(record);
        }

        await db.SaveChangesAsync(cancellationToken);

        // Open boards follow deals changed in bulk like any other change (a reassigned deal leaves its old owner's board).
        foreach (var deal in records.OfType<Deal>())
        {
            await live.PublishAsync(dealKind, DealSnapshot.Of(deal), contacts[deal.Id], cancellationToken, owners[deal.Id]);
        }

        return new BulkOutcome(records.Count, wanted.Count - records.Count);
    }
}
