using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
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

public sealed class BulkActions(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock)
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

        return await ApplyAsync(db, command.ObjectType, command.Ids, r => r.AssignOwner(command.OwnerId, clock.GetUtcNow()), cancellationToken);
    }

    public async ValueTask<Result<BulkOutcome>> Handle(AddTagCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await ApplyAsync(db, command.ObjectType, command.Ids, r => r.AddTag(command.Tag.Trim(), clock.GetUtcNow()), cancellationToken);
    }

    public async ValueTask<Result<BulkOutcome>> Handle(DeleteRecordsCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await ApplyAsync(db, command.ObjectType, command.Ids, r =>
        {
            (r as Deal)?.Delete(clock.GetUtcNow());
            db.Remove(r);
        }, cancellationToken);
    }

    private async Task<Result<BulkOutcome>> ApplyAsync(IMonfriDb db, CrmObjectType type, IReadOnlyList<Guid> ids, Action<IBulkEditable> change, CancellationToken cancellationToken)
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
            // With their contacts: open boards and the contacts' pages follow deals changed in bulk like any other change
            // (DealLiveUpdates; a reassigned deal leaves its old owner's board).
            _ => [.. await (await access.VisibleAsync(db, db.Deals.Include(d => d.Contacts).Where(d => wanted.Contains(d.Id)), cancellationToken)).ToListAsync(cancellationToken)],
        };
        foreach (var record in records)
        {
            change(record);
        }

        await db.SaveChangesAsync(cancellationToken);

        return new BulkOutcome(records.Count, wanted.Count - records.Count);
    }
}
