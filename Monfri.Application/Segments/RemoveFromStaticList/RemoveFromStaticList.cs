using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments.RemoveFromStaticList;

/// <summary>Takes people out of a static list, by id or by email.</summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record RemoveFromStaticListCommand(Guid SegmentId, IReadOnlyList<Guid>? PersonIds = null, IReadOnlyList<string>? Emails = null)
    : ICommand<Result<StaticListChangeDto>>;

public sealed class RemoveFromStaticListValidator : AbstractValidator<RemoveFromStaticListCommand>
{
    public RemoveFromStaticListValidator() =>
        RuleFor(c => c).Must(c => StaticListPeople.Count(c.PersonIds, c.Emails) is > 0 and <= StaticListPeople.MaxPerCall)
            .WithMessage($"Name 1 to {StaticListPeople.MaxPerCall:N0} people (personIds, emails).").OverridePropertyName("personIds");
}

public sealed class RemoveFromStaticListHandler(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access)
    : ICommandHandler<RemoveFromStaticListCommand, Result<StaticListChangeDto>>
{
    public ValueTask<Result<StaticListChangeDto>> Handle(RemoveFromStaticListCommand command, CancellationToken cancellationToken) =>
        StaticListPeople.ChangeAsync(dbFactory, engine, access, command.SegmentId, command.PersonIds, command.Emails, add: false, cancellationToken);
}
