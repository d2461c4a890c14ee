using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Companies;

public sealed class CompanyInputValidator : AbstractValidator<CompanyInput>
{
    public CompanyInputValidator()
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("Enter the company's name.").MaximumLength(200);
        RuleFor(c => c.Domain).Must(d => IsDomain(Company.NormalizeDomain(d)))
            .WithMessage("'{PropertyValue}' is not a web domain (e.g. acme.com).")
            .When(c => !string.IsNullOrWhiteSpace(c.Domain));
        RuleFor(c => c.Industry).MaximumLength(100);
        RuleFor(c => c.Size).MaximumLength(50);
        RuleForEach(c => c.Tags).MaximumLength(50);
    }

    private static bool IsDomain(string? domain) =>
        domain is { Length: > 3 and <= 253 } && domain.Contains('.', StringComparison.Ordinal)
        && Uri.CheckHostName(domain) == UriHostNameType.Dns;
}

internal static class CompanyRules
{
    public static async Task<Result<CompanyDetails>> ResolveAsync(IMonfriDb db, CompanyInput input, Guid? existingId, CancellationToken cancellationToken)
    {
        var domain = Company.NormalizeDomain(input.Domain);
        if (domain is not null && await db.Companies.Where(c => c.Domain == domain && c.Id != existingId).Select(c => new { c.Id, c.Name }).FirstOrDefaultAsync(cancellationToken) is { } other)
        {
            return Result<CompanyDetails>.Conflict($"{other.Name} already has the domain {domain} (id {other.Id}). Open it or merge instead.");
        }

        var errors = new List<ResultError>();
        if (input.OwnerId is { } ownerId && !await db.UserRefs.AnyAsync(u => u.Id == ownerId && u.IsActive, cancellationToken))
        {
            errors.Add(new ResultError("The owner must be an active user.", nameof(CompanyInput.OwnerId)));
        }

        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Company).ToListAsync(cancellationToken);
        var (custom, customErrors) = CustomFieldValues.Normalize(input.CustomFields, definitions);
        errors.AddRange(customErrors);
        return errors.Count > 0
            ? Result<CompanyDetails>.Invalid([.. errors])
            : new CompanyDetails(input.Name, domain, input.Industry, input.Size, input.OwnerId, input.Tags, custom);
    }
}
