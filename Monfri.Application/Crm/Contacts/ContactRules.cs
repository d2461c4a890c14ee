using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
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
    public static async Task<Result<ContactDetails>> ResolveAsync(IMonfriDb db, ContactInput input, Guid? existingId, CancellationToken cancellationToken)
    {
        var errors = new List<ResultError>();
        var email = Person.Normalize(input.Email);
        if (email is not null && await db.People.AnyAsync(p => p.Id != existingId && (p.Email == email || p.OtherEmails.Contains(email)), cancellationToken))
        {
            var other = await db.People.Where(p => p.Email == email || p.OtherEmails.Contains(email)).Select(p => new { p.Id }).FirstAsync(cancellationToken);
            return Result<ContactDetails>.Conflict($"A contact with the email {email} already exists (id {other.Id}). Open it or merge instead.");
        }

        if (input.CompanyId is { } companyId && !await db.Companies.AnyAsync(c => c.Id == companyId, cancellationToken))
        {
            errors.Add(new ResultError("That company does not exist.", nameof(ContactInput.CompanyId)));
        }

        if (input.OwnerId is { } ownerId && !await db.UserRefs.AnyAsync(u => u.Id == ownerId && u.IsActive, cancellationToken))
        {
            errors.Add(new ResultError("The owner must be an active user.", nameof(ContactInput.OwnerId)));
        }

        var stages = await db.WorkspaceSettings.AsNoTracking().Select(s => s.LifecycleStages).FirstOrDefaultAsync(cancellationToken) ?? [.. LifecycleStages.Defaults];
        var stage = string.IsNullOrWhiteSpace(input.LifecycleStage) ? LifecycleStages.Lead : input.LifecycleStage.Trim();
        var matched = stages.FirstOrDefault(s => string.Equals(s.Key, stage, StringComparison.OrdinalIgnoreCase) || string.Equals(s.Label, stage, StringComparison.OrdinalIgnoreCase));
        if (matched is null)
        {
            errors.Add(new ResultError($"'{stage}' is not a lifecycle stage. Use one of: {string.Join(", ", stages.Select(s => s.Label))}.", nameof(ContactInput.LifecycleStage)));
        }

        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Contact).ToListAsync(cancellationToken);
        var (custom, customErrors) = CustomFieldValues.Normalize(input.CustomFields, definitions);
        errors.AddRange(customErrors);
        if (errors.Count > 0)
        {
            return Result<ContactDetails>.Invalid([.. errors]);
        }

        return new ContactDetails(input.FirstName, input.LastName, email, input.OtherEmails, input.Phone, input.JobTitle,
            input.CompanyId, input.OwnerId, matched!.Key, input.LeadSource, input.Tags, custom);
    }
}
