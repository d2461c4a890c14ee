using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments.AddToStaticList;

/// <summary>
/// Adds people to a static list, by id or by email (either or both). People the caller may not see (a rep limited
/// to own records) are not found, as anywhere else; someone already in the list stays in it once.
/// </summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record AddToStaticListCommand(Guid SegmentId, IReadOnlyList<Guid>? PersonIds = null, IReadOnlyList<string>? Emails = null)
    : ICommand<Result<StaticListChangeDto>>;

public sealed class AddToStaticListValidator : AbstractValidator<AddToStaticListCommand>
{
    public AddToStaticListValidator() =>
        RuleFor(c => c).Must(c => StaticListPeople.Count(c.PersonIds, c.Emails) is > 0 and <= StaticListPeople.MaxPerCall)
            .WithMessage($"Name 1 to {StaticListPeople.MaxPerCall:N0} people (personIds, emails).").OverridePropertyName("personIds");
}

public sealed class AddToStaticListHandler(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access)
    : ICommandHandler<AddToStaticListCommand, Result<StaticListChangeDto>>
{
    public ValueTask<Result<StaticListChangeDto>> Handle(AddToStaticListCommand command, CancellationToken cancellationToken) =>
        StaticListPeople.ChangeAsync(dbFactory, engine, access, command.SegmentId, command.PersonIds, command.Emails, add: true, cancellationToken);
}
