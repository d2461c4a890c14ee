using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.BulkActions.AssignOwner;

/// <summary>Assigns an owner to the selected records (null: no owner).</summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record AssignOwnerCommand(CrmObjectType ObjectType, IReadOnlyList<Guid> Ids, Guid? OwnerId) : ICommand<Result<BulkOutcome>>;

public sealed class AssignOwnerValidator : AbstractValidator<AssignOwnerCommand>
{
    public AssignOwnerValidator() => RuleFor(c => c.Ids).NotEmpty().WithMessage("Select at least one record.").Must(i => i.Count <= BulkEdit.MaxRecords).WithMessage($"At most {BulkEdit.MaxRecords} records at once.");
}

public sealed class AssignOwnerHandler(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock)
    : ICommandHandler<AssignOwnerCommand, Result<BulkOutcome>>
{
    public async ValueTask<Result<BulkOutcome>> Handle(AssignOwnerCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (command.OwnerId is { } ownerId && !await db.UserRefs.AnyAsync(u => u.Id == ownerId && u.IsActive, cancellationToken))
        {
            return Result<BulkOutcome>.Invalid("The owner must be an active user.", nameof(command.OwnerId));
        }

        return await BulkEdit.ApplyAsync(db, access, command.ObjectType, command.Ids, r => r.AssignOwner(command.OwnerId, clock.GetUtcNow()), cancellationToken);
    }
}
