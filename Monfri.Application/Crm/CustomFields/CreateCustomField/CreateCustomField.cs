using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.CustomFields.CreateCustomField;

/// <summary>Adds a field to contacts, companies or deals. The key is fixed once created (values are stored under it).</summary>
[RequiresPermission(Permission.ConfigureCrm)]
public sealed record CreateCustomFieldCommand(CrmObjectType ObjectType, string Key, string Label, CustomFieldType Type, IReadOnlyList<string> Options) : ICommand<Result<CustomFieldDto>>;

public sealed class CreateCustomFieldValidator : AbstractValidator<CreateCustomFieldCommand>
{
    public CreateCustomFieldValidator()
    {
        RuleFor(c => c.Key).Must(CustomFieldDefinition.IsValidKey)
            .WithMessage("The key starts with a letter and has only lower-case letters, digits and _ (at most 50), e.g. contract_tier.");
        RuleFor(c => c.Label).NotEmpty().WithMessage("Enter a label.").MaximumLength(100);
        RuleFor(c => c.Options).NotEmpty().WithMessage("A select field needs at least one option.")
            .When(c => c.Type is CustomFieldType.SingleSelect or CustomFieldType.MultiSelect);
        RuleFor(c => c.Options).NotNull().WithMessage("Send the options, [] for none.").Must(o => o.Count <= 100).WithMessage("At most 100 options.");
    }
}

public sealed class CreateCustomFieldHandler(IMonfriDbFactory dbFactory, TimeProvider clock)
    : ICommandHandler<CreateCustomFieldCommand, Result<CustomFieldDto>>
{
    // Built-in field names a custom key must not shadow (imports and filters address both by key).
    private static readonly HashSet<string> Reserved = ["name", "first_name", "last_name", "email", "phone", "title", "company", "owner", "domain", "industry", "size", "amount", "currency", "stage", "pipeline", "tags", "status"];

    public async ValueTask<Result<CustomFieldDto>> Handle(CreateCustomFieldCommand command, CancellationToken cancellationToken)
    {
        if (Reserved.Contains(command.Key))
        {
            return Result<CustomFieldDto>.Invalid($"'{command.Key}' is a built-in field; choose another key.", nameof(command.Key));
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (await db.CustomFieldDefinitions.AnyAsync(f => f.ObjectType == command.ObjectType && f.Key == command.Key, cancellationToken))
        {
            return Result<CustomFieldDto>.Conflict($"{command.ObjectType} already has a field with the key '{command.Key}'.");
        }

        var order = await db.CustomFieldDefinitions.Where(f => f.ObjectType == command.ObjectType).Select(f => (int?)f.Order).MaxAsync(cancellationToken) ?? -1;
        var field = CustomFieldDefinition.Create(command.ObjectType, command.Key, command.Label, command.Type,
            command.Type is CustomFieldType.SingleSelect or CustomFieldType.MultiSelect ? command.Options : [], order + 1, clock.GetUtcNow());
        db.CustomFieldDefinitions.Add(field);
        await db.SaveChangesAsync(cancellationToken);
        return CustomFieldDto.From(field);
    }
}
