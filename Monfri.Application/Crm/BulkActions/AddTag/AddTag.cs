using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.BulkActions.AddTag;

/// <summary>Adds a tag to the selected records.</summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record AddTagCommand(CrmObjectType ObjectType, IReadOnlyList<Guid> Ids, string Tag) : ICommand<Result<BulkOutcome>>;

public sealed class AddTagValidator : AbstractValidator<AddTagCommand>
{
    public AddTagValidator()
    {
        RuleFor(c => c.Ids).NotEmpty().WithMessage("Select at least one record.").Must(i => i.Count <= BulkEdit.MaxRecords).WithMessage($"At most {BulkEdit.MaxRecords} records at once.");
        RuleFor(c => c.Tag).NotEmpty().WithMessage("Enter a tag.").MaximumLength(50);
    }
}

public sealed class AddTagHandler(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock)
    : ICommandHandler<AddTagCommand, Result<BulkOutcome>>
{
    public async ValueTask<Result<BulkOutcome>> Handle(AddTagCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await BulkEdit.ApplyAsync(db, access, command.ObjectType, command.Ids, r => r.AddTag(command.Tag.Trim(), clock.GetUtcNow()), cancellationToken);
    }
}
