using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.CustomFields.UpdateCustomField;

/// <summary>Renames a field or changes its options or place.</summary>
[RequiresPermission(Permission.ConfigureCrm)]
public sealed record UpdateCustomFieldCommand(Guid Id, string Label, IReadOnlyList<string> Options, int Order) : ICommand<Result<CustomFieldDto>>;

public sealed class UpdateCustomFieldValidator : AbstractValidator<UpdateCustomFieldCommand>
{
    public UpdateCustomFieldValidator()
    {
        RuleFor(c => c.Label).NotEmpty().WithMessage("Enter a label.").MaximumLength(100);
        RuleFor(c => c.Options).NotNull().WithMessage("Send the options, [] for none.").Must(o => o.Count <= 100).WithMessage("At most 100 options.");
    }
}

public sealed class UpdateCustomFieldHandler(IMonfriDbFactory dbFactory)
    : ICommandHandler<UpdateCustomFieldCommand, Result<CustomFieldDto>>
{
    public async ValueTask<Result<CustomFieldDto>> Handle(UpdateCustomFieldCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (await db.CustomFieldDefinitions.FirstOrDefaultAsync(f => f.Id == command.Id, cancellationToken) is not { } field)
        {
            return Result<CustomFieldDto>.NotFound("That custom field does not exist.");
        }

        field.Update(command.Label, command.Options, command.Order);
        await db.SaveChangesAsync(cancellationToken);
        return CustomFieldDto.From(field);
    }
}
