using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals;

/// <summary>The editable fields of a deal, shared by create and update (forms and the API send the same shape).</summary>
public abstract record DealInput
{
    public string Name { get; init; } = "";
    public decimal? Amount { get; init; }

    /// <summary>ISO 4217 code; empty: the workspace's default currency.</summary>
    public string? Currency { get; init; }

    public DateOnly? CloseDate { get; init; }
    public Guid? OwnerId { get; init; }
    public Guid? CompanyId { get; init; }
    public IReadOnlyList<Guid> ContactIds { get; init; } = [];
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Custom field key → value (text, number, JSON value); checked against the deal custom fields.</summary>
    public IReadOnlyDictionary<string, object?> CustomFields { get; init; } = new Dictionary<string, object?>();
}

public sealed partial class DealInputValidator : AbstractValidator<DealInput>
{
    // numeric(18,2): at most 16 digits before the decimal point.
    private const decimal MaxAmount = 9_999_999_999_999_999m;
    private static readonly DateOnly EarliestCloseDate = new(1900, 1, 1);
    private static readonly DateOnly LatestCloseDate = new(2999, 12, 31);

    public DealInputValidator()
    {
        RuleFor(d => d.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Give the deal a name.")
            .MaximumLength(200).WithMessage("A deal name has at most 200 characters.");
        RuleFor(d => d.Amount).GreaterThanOrEqualTo(0).WithMessage("The amount cannot be negative.")
            .LessThanOrEqualTo(MaxAmount).WithMessage("The amount is too large.");
        RuleFor(d => d.Currency).Must(c => string.IsNullOrWhiteSpace(c) || CurrencyCode().IsMatch(c.Trim()))
            .WithMessage("The currency is a 3-letter code such as EUR or USD.");
        RuleFor(d => d.CloseDate).Must(d => d is null || (d >= EarliestCloseDate && d <= LatestCloseDate))
            .WithMessage("Enter a real close date (YYYY-MM-DD).");
        RuleFor(d => d.ContactIds).Must(ids => ids.Count <= 100).WithMessage("A deal has at most 100 contacts.");
        RuleFor(d => d.Tags).Must(tags => tags.Count <= 50 && tags.All(t => t is not null && t.Length <= 50))
            .WithMessage("Up to 50 tags of at most 50 characters each.");
    }

    [GeneratedRegex("^[A-Za-z]{3}$")]
    private static partial Regex CurrencyCode();
}

/// <summary>Checks that what a deal refers to exists and brings its values to the stored shape.</summary>
internal static class DealInputResolver
{
    public static async Task<Result<DealDetails>> ResolveAsync(IMonfriDb db, DealInput input, CancellationToken cancellationToken)
    {
        var errors = new List<ResultError>();
        if (input.OwnerId is { } ownerId && !await db.UserRefs.AnyAsync(u => u.Id == ownerId && u.IsActive, cancellationToken))
        {
            errors.Add(new ResultError("That owner does not exist or is deactivated.", nameof(input.OwnerId)));
        }

        if (input.CompanyId is { } companyId && !await db.Companies.AnyAsync(c => c.Id == companyId, cancellationToken))
        {
            errors.Add(new ResultError("That company does not exist.", nameof(input.CompanyId)));
        }

        var contactIds = input.ContactIds.Distinct().ToList();
        if (contactIds.Count > 0)
        {
            var found = await db.People.CountAsync(p => contactIds.Contains(p.Id) && p.IsContact, cancellationToken);
            if (found != contactIds.Count)
            {
                errors.Add(new ResultError(
                    contactIds.Count == 1 ? "That contact does not exist." : $"{contactIds.Count - found} of the contacts do not exist.",
                    nameof(input.ContactIds)));
            }
        }

        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Deal).ToListAsync(cancellationToken);
        var (customFields, customErrors) = CustomFieldValues.Normalize(input.CustomFields, definitions);
        errors.AddRange(customErrors);
        if (errors.Count > 0)
        {
            return Result<DealDetails>.Invalid([.. errors]);
        }

        var currency = string.IsNullOrWhiteSpace(input.Currency)
            ? await db.WorkspaceSettings.AsNoTracking().Where(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId).Select(s => s.DefaultCurrency).FirstOrDefaultAsync(cancellationToken) ?? "EUR"
            : input.Currency.Trim().ToUpperInvariant();
        return new DealDetails(input.Name.Trim(), input.Amount, currency, input.CloseDate, input.OwnerId, input.CompanyId, contactIds, input.Tags, customFields);
    }

    /// <summary>Fields <paramref name="stage"/> requires that <paramref name="deal"/> lacks, one error each.</summary>
    public static async Task<List<ResultError>> MissingFieldsAsync(IMonfriDb db, Deal deal, PipelineStage stage, CancellationToken cancellationToken)
    {
        var missing = stage.RequiredFields.Where(f => !deal.HasValue(f)).ToList();
        if (missing.Count == 0)
        {
            return [];
        }

        var labels = await db.CustomFieldDefinitions.AsNoTracking()
            .Where(d => d.ObjectType == CrmObjectType.Deal && missing.Contains(d.Key))
            .ToDictionaryAsync(d => d.Key, d => d.Label, cancellationToken);
        return missing
            .Select(f => new ResultError(
                $"{Pipelines.PipelineRules.BuiltInFieldLabels.GetValueOrDefault(f) ?? labels.GetValueOrDefault(f) ?? f} is required to enter {stage.Name}.",
                DealFields.BuiltIn.Contains(f) ? f : CustomFieldValues.FieldPrefix + f))
            .ToList();
    }
}
