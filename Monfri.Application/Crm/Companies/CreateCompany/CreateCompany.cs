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

namespace Monfri.Application.Crm.Companies.CreateCompany;

/// <summary>Creates a company. A domain another company already has is a conflict (domains identify companies).</summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record CreateCompanyCommand : CompanyInput, ICommand<Result<CompanyDetail>>;

public sealed class CreateCompanyValidator : AbstractValidator<CreateCompanyCommand>
{
    public CreateCompanyValidator() => Include(new CompanyInputValidator());
}

public sealed class CreateCompanyHandler(IMonfriDbFactory dbFactory, CrmAccess access, ICurrentUser currentUser, TimeProvider clock, IMediator mediator)
    : ICommandHandler<CreateCompanyCommand, Result<CompanyDetail>>
{
    public async ValueTask<Result<CompanyDetail>> Handle(CreateCompanyCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var details = await CompanyRules.ResolveAsync(db, command with { OwnerId = command.OwnerId ?? currentUser.Id }, null, access, cancellationToken);
        if (!details.IsSuccess)
        {
            return Result<CompanyDetail>.From(details);
        }

        var company = Company.Create(details.Value, clock.GetUtcNow());
        db.Companies.Add(company);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index caught a concurrent create of the same domain.
            return Result<CompanyDetail>.Conflict($"Another company already has the domain {company.Domain}.");
        }

        return await mediator.Send(new GetCompanyQuery(company.Id), cancellationToken);
    }
}
