using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.CustomFields;

public sealed record CustomFieldDto(Guid Id, CrmObjectType ObjectType, string Key, string Label, CustomFieldType Type, IReadOnlyList<string> Options, int Order)
{
    public static CustomFieldDto From(CustomFieldDefinition f) => new(f.Id, f.ObjectType, f.Key, f.Label, f.Type, f.Options, f.Order);
}
