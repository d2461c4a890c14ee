using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Contacts;

/// <summary>What makes contact input valid, shared by create, update and import so a row is judged the same everywhere.</summary>
public sealed class ContactInputValidator : AbstractValidator<ContactInput>
{
    public ContactInputValidator()
    {
        RuleFor(c => c).Must(c => !string.IsNullOrWhiteSpace(c.FirstName) || !string.IsNullOrWhiteSpace(c.LastName) || !string.IsNullOrWhiteSpace(c.Email))
            .WithName("FirstName").WithMessage("Enter a name or an email address.");
        RuleFor(c => c.FirstName).MaximumLength(100);
        RuleFor(c => c.LastName).MaximumLength(100);
        RuleFor(c => c.Email).EmailAddress().WithMessage("'{PropertyValue}' is not a valid email address.").MaximumLength(254)
            .When(c => !string.IsNullOrWhiteSpace(c.Email));
        RuleForEach(c => c.OtherEmails).EmailAddress().WithMessage("'{PropertyValue}' is not a valid email address.");
        RuleFor(c => c.Phone).MaximumLength(50).Matches(@"^[0-9+()\-./ x]*$").WithMessage("A phone number has digits, spaces and + ( ) - . / only.")
            .When(c => !string.IsNullOrWhiteSpace(c.Phone));
        RuleFor(c => c.JobTitle).MaximumLength(150);
        RuleFor(c => c.LeadSource).MaximumLength(100);
        RuleForEach(c => c.Tags).MaximumLength(50);
        RuleFor(c => c.Tags).Must(t => t.Count <= 50).WithMessage("At most 50 tags.");
    }
}

/// <summary>Checks against the database that validators cannot do alone, then builds the domain details.</summary>
internal static class ContactRules
{
    public static async Task<Result<ContactDetails>> ResolveAsync(IMonfriDb db, ContactInput input, Guid? existingId, CrmAccess access, CancellationToken cancellationToken)
    {
        var email = Person.Normalize(input.Email);
        if (email is not null
            && await db.People.Where(p => p.Id != existingId && (p.Email == email || p.OtherEmails.Contains(email))).Select(p => new { p.Id, p.OwnerId }).FirstOrDefaultAsync(cancellationToken) is { } other)
        {
            // A rep limited to their own records learns that the email is taken, never by whom or under which id.
            return Result<ContactDetails>.Conflict(await access.CanSeeAsync(db, other.OwnerId, cancellationToken)
                ? $"A contact with the email {email} already exists (id {other.Id}). Open it or merge instead."
                : await CrmAccess.HiddenDuplicateMessageAsync(db, $"A contact with the email {email}", other.OwnerId, cancellationToken));
        }

        var errors = new List<ResultError>();
        if (input.CompanyId is { } companyId && !await db.Companies.AnyAsync(c => c.Id == companyId, cancellationToken))
        {
            errors.Add(new ResultError("That company does not exist.", nameof(ContactInput.CompanyId)));
        }

        var rules = await ContactRuleSet.LoadAsync(db, cancellationToken);
        return rules.Resolve(input, errors);
    }
}

/// <summary>
/// The database-backed contact rules that do not depend on other contacts (active owner, lifecycle stage,
/// custom fields), loaded once. The create form loads it per save; an import loads it once per job and
/// judges thousands of rows against it without a query per row.
/// </summary>
public sealed class ContactRuleSet
{
    private ContactRuleSet(IReadOnlyList<LifecycleStage> stages, IReadOnlyCollection<CustomFieldDefinition> definitions, IReadOnlySet<Guid> activeUsers)
    {
        Stages = stages;
        Definitions = definitions;
        ActiveUsers = activeUsers;
    }

    public IReadOnlyList<LifecycleStage> Stages { get; }
    public IReadOnlyCollection<CustomFieldDefinition> Definitions { get; }
    public IReadOnlySet<Guid> ActiveUsers { get; }

    public static async Task<ContactRuleSet> LoadAsync(IMonfriDb db, CancellationToken cancellationToken)
    {
        var stages = await db.WorkspaceSettings.AsNoTracking().Where(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId).Select(s => s.LifecycleStages).FirstOrDefaultAsync(cancellationToken) ?? [.. LifecycleStages.Defaults];
        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Contact).ToListAsync(cancellationToken);
        var users = await db.UserRefs.Where(u => u.IsActive).Select(u => u.Id).ToListAsync(cancellationToken);
        return new ContactRuleSet(stages, definitions, users.ToHashSet());
    }

    /// <summary>Checks owner, stage and custom fields; <paramref name="errors"/> already found are reported with them.</summary>
    public Result<ContactDetails> Resolve(ContactInput input, List<ResultError>? errors = null)
    {
        errors ??= [];
        if (input.OwnerId is { } ownerId && !ActiveUsers.Contains(ownerId))
        {
            errors.Add(new ResultError("The owner must be an active user.", nameof(ContactInput.OwnerId)));
        }

        var stage = string.IsNullOrWhiteSpace(input.LifecycleStage) ? LifecycleStages.Lead : input.LifecycleStage.Trim();
        var matched = Stages.FirstOrDefault(s => string.Equals(s.Key, stage, StringComparison.OrdinalIgnoreCase) || string.Equals(s.Label, stage, StringComparison.OrdinalIgnoreCase));
        if (matched is null)
        {
            errors.Add(new ResultError($"'{stage}' is not a lifecycle stage. Use one of: {string.Join(", ", Stages.Select(s => s.Label))}.", nameof(ContactInput.LifecycleStage)));
        }

        var (custom, customErrors) = CustomFieldValues.Normalize(input.CustomFields, Definitions);
        errors.AddRange(customErrors);
        if (errors.Count > 0)
        {
            return Result<ContactDetails>.Invalid([.. errors]);
        }

        return new ContactDetails(input.FirstName, input.LastName, Person.Normalize(input.Email), input.OtherEmails, input.Phone, input.JobTitle,
            input.CompanyId, input.OwnerId, matched!.Key, input.LeadSource, input.Tags, custom);
    }
}
