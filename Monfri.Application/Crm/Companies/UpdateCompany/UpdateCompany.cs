using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Companies.GetCompany;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Companies.UpdateCompany;

/// <summary>Saves a company's fields; refused with a conflict when someone saved since <see cref="Version"/> was loaded.</summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record UpdateCompanyCommand : CompanyInput, ICommand<Result<CompanyDetail>>
{
    public Guid Id { get; init; }
    public uint Version { get; init; }
}

public sealed class UpdateCompanyValidator : AbstractValidator<UpdateCompanyCommand>
{
    public UpdateCompanyValidator() => Include(new CompanyInputValidator());
}

public sealed class UpdateCompanyHandler(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock, IMediator mediator)
    : ICommandHandler<UpdateCompanyCommand, Result<CompanyDetail>>
{
    private const string Changed = "This company was changed by someone else since you opened it. Reload to see their changes, then edit again.";

    public async ValueTask<Result<CompanyDetail>> Handle(UpdateCompanyCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var company = await db.Companies.FirstOrDefaultAsync(c => c.Id == command.Id, cancellationToken);
        if (company is null || !await access.CanSeeAsync(db, company.OwnerId, cancellationToken))
        {
            return Result<CompanyDetail>.NotFound("That company does not exist.");
        }

        if (company.Version != command.Version)
        {
            return Result<CompanyDetail>.Conflict(Changed);
        }

        var details = await CompanyRules.ResolveAsync(db, command, company.Id, access, cancellationToken);
        if (!details.IsSuccess)
        {
            return Result<CompanyDetail>.From(details);
        }

        company.Update(details.Value, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<CompanyDetail>.Conflict(Changed);
        }

        return await mediator.Send(new GetCompanyQuery(company.Id), cancellationToken);
    }
}
