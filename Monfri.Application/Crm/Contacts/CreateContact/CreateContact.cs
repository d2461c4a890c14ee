using FluentValidation;
using Mediator;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Contacts.GetContact;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Contacts.CreateContact;

/// <summary>Creates a contact. An email already on another person is a conflict (open or merge that one instead).</summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record CreateContactCommand : ContactInput, ICommand<Result<ContactDetail>>;

public sealed class CreateContactValidator : AbstractValidator<CreateContactCommand>
{
    public CreateContactValidator() => Include(new ContactInputValidator());
}

public sealed class CreateContactHandler(IMonfriDbFactory dbFactory, CrmAccess access, ICurrentUser currentUser, TimeProvider clock, IMediator mediator)
    : ICommandHandler<CreateContactCommand, Result<ContactDetail>>
{
    public async ValueTask<Result<ContactDetail>> Handle(CreateContactCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var input = command with { OwnerId = command.OwnerId ?? currentUser.Id };
        var details = await ContactRules.ResolveAsync(db, input, null, access, cancellationToken);
        if (!details.IsSuccess)
        {
            return Result<ContactDetail>.From(details);
        }

        var person = Person.CreateContact(details.Value, clock.GetUtcNow());
        db.People.Add(person);
        await db.SaveChangesAsync(cancellationToken);
        return await mediator.Send(new GetContactQuery(person.Id), cancellationToken);
    }
}
