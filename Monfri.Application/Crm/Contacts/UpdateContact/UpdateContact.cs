using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Contacts.GetContact;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Contacts.UpdateContact;

/// <summary>
/// Saves a contact's fields. <see cref="Version"/> is the version the editor loaded: if someone saved in
/// between, the save is refused with a conflict rather than silently overwriting their change.
/// </summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record UpdateContactCommand : ContactInput, ICommand<Result<ContactDetail>>
{
    public Guid Id { get; init; }
    public uint Version { get; init; }
}

public sealed class UpdateContactValidator : AbstractValidator<UpdateContactCommand>
{
    public UpdateContactValidator() => Include(new ContactInputValidator());
}

public sealed class UpdateContactHandler(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock, IMediator mediator)
    : ICommandHandler<UpdateContactCommand, Result<ContactDetail>>
{
    public async ValueTask<Result<ContactDetail>> Handle(UpdateContactCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var person = await db.People.FirstOrDefaultAsync(p => p.Id == command.Id && p.IsContact, cancellationToken);
        if (person is null || !await access.CanSeeAsync(db, person.OwnerId, cancellationToken))
        {
            return Result<ContactDetail>.NotFound("That contact does not exist.");
        }

        if (person.Version != command.Version)
        {
            return Result<ContactDetail>.Conflict("This contact was changed by someone else since you opened it. Reload to see their changes, then edit again.");
        }

        var details = await ContactRules.ResolveAsync(db, command, person.Id, access, cancellationToken);
        if (!details.IsSuccess)
        {
            return Result<ContactDetail>.From(details);
        }

        person.Update(details.Value, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<ContactDetail>.Conflict("This contact was changed by someone else since you opened it. Reload to see their changes, then edit again.");
        }

        return await mediator.Send(new GetContactQuery(person.Id), cancellationToken);
    }
}
