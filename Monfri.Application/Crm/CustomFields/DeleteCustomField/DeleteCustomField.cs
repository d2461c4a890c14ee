using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.CustomFields.DeleteCustomField;

/// <summary>Removes a field definition; values already stored stay in the records' history but are no longer shown.</summary>
[RequiresPermission(Permission.ConfigureCrm)]
public sealed record DeleteCustomFieldCommand(Guid Id) : ICommand<Result>;

public sealed class DeleteCustomFieldHandler(IMonfriDbFactory dbFactory)
    : ICommandHandler<DeleteCustomFieldCommand, Result>
{
    public async ValueTask<Result> Handle(DeleteCustomFieldCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deleted = await db.CustomFieldDefinitions.Where(f => f.Id == command.Id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 1 ? Result.Success() : Result.NotFound("That custom field does not exist.");
    }
}
