using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Common;
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
    public static async Task<Result<CompanyDetails>> ResolveAsync(IMonfriDb db, CompanyInput input, Guid? existingId, CrmAccess access, CancellationToken cancellationToken)
    {
        var domain = Company.NormalizeDomain(input.Domain);
        if (domain is not null && await db.Companies.Where(c => c.Domain == domain && c.Id != existingId).Select(c => new { c.Id, c.Name, c.OwnerId }).FirstOrDefaultAsync(cancellationToken) is { } other)
        {
            // As for contacts: a company the user may not see is neither named nor identified.
            return Result<CompanyDetails>.Conflict(await access.CanSeeAsync(db, other.OwnerId, cancellationToken)
                ? $"{other.Name} already has the domain {domain} (id {other.Id}). Open it or merge instead."
                : await CrmAccess.HiddenDuplicateMessageAsync(db, $"A company with the domain {domain}", other.OwnerId, cancellationToken));
        }

        var rules = await CompanyRuleSet.LoadAsync(db, cancellationToken);
        return rules.Resolve(input);
    }
}

/// <summary>
/// The database-backed company rules that do not depend on other companies (active owner, custom fields),
/// loaded once: per save for the form, per job for an import.
/// </summary>
public sealed class CompanyRuleSet
{
    private CompanyRuleSet(IReadOnlyCollection<CustomFieldDefinition> definitions, IReadOnlySet<Guid> activeUsers)
    {
        Definitions = definitions;
        ActiveUsers = activeUsers;
    }

    public IReadOnlyCollection<CustomFieldDefinition> Definitions { get; }
    public IReadOnlySet<Guid> ActiveUsers { get; }

    public static async Task<CompanyRuleSet> LoadAsync(IMonfriDb db, CancellationToken cancellationToken)
    {
        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Company).ToListAsync(cancellationToken);
        var users = await db.UserRefs.Where(u => u.IsActive).Select(u => u.Id).ToListAsync(cancellationToken);
        return new CompanyRuleSet(definitions, users.ToHashSet());
    }

    public Result<CompanyDetails> Resolve(CompanyInput input)
    {
        var errors = new List<ResultError>();
        if (input.OwnerId is { } ownerId && !ActiveUsers.Contains(ownerId))
        {
            errors.Add(new ResultError("The owner must be an active user.", nameof(CompanyInput.OwnerId)));
        }

        var (custom, customErrors) = CustomFieldValues.Normalize(input.CustomFields, Definitions);
        errors.AddRange(customErrors);
        return errors.Count > 0
            ? Result<CompanyDetails>.Invalid([.. errors])
            : new CompanyDetails(input.Name, Company.NormalizeDomain(input.Domain), input.Industry, input.Size, input.OwnerId, input.Tags, custom);
    }
}
