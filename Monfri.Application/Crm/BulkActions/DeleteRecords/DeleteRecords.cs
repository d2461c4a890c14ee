using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.BulkActions.DeleteRecords;

/// <summary>Deletes the selected records (the list asks for confirmation first).</summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record DeleteRecordsCommand(CrmObjectType ObjectType, IReadOnlyList<Guid> Ids) : ICommand<Result<BulkOutcome>>;

public sealed class DeleteRecordsValidator : AbstractValidator<DeleteRecordsCommand>
{
    public DeleteRecordsValidator() => RuleFor(c => c.Ids).NotEmpty().WithMessage("Select at least one record.").Must(i => i.Count <= BulkEdit.MaxRecords).WithMessage($"At most {BulkEdit.MaxRecords} records at once.");
}

public sealed class DeleteRecordsHandler(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock)
    : ICommandHandler<DeleteRecordsCommand, Result<BulkOutcome>>
{
    public async ValueTask<Result<BulkOutcome>> Handle(DeleteRecordsCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await BulkEdit.ApplyAsync(db, access, command.ObjectType, command.Ids, r =>
        {
            (r as Deal)?.Delete(clock.GetUtcNow());
            db.Remove(r);
        }, cancellationToken);
    }
}
