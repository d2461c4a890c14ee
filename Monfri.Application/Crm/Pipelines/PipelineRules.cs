using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Pipelines;

/// <summary>Rules shared by the pipeline and stage commands, so a stage is judged the same way everywhere.</summary>
public static class PipelineRules
{
    public const int MaxRottingDays = 3650;

    /// <summary>Labels of the built-in deal fields a stage can require, as shown to people.</summary>
    public static IReadOnlyDictionary<string, string> BuiltInFieldLabels { get; } = new Dictionary<string, string>
    {
        [DealFields.Amount] = "Amount",
        [DealFields.CloseDate] = "Close date",
        [DealFields.Owner] = "Owner",
        [DealFields.Company] = "Company",
        [DealFields.Contacts] = "Contacts",
    };

    internal static void ValidStageName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("Give the stage a name.")
            .MaximumLength(100).WithMessage("A stage name has at most 100 characters.");

    internal static void ValidProbability<T>(this IRuleBuilder<T, int> rule) =>
        rule.InclusiveBetween(0, 100).WithMessage("Win probability is a percentage from 0 to 100.");

    internal static void ValidRottingDays<T>(this IRuleBuilder<T, int?> rule) =>
        rule.Must(days => days is null or (>= 1 and <= MaxRottingDays))
            .WithMessage($"Rotting days is a number of days from 1 to {MaxRottingDays}, or empty for never.");

    /// <summary>
    /// Checks that every required field is a built-in deal field or the key of a deal custom field;
    /// unknown names would make a stage impossible to enter.
    /// </summary>
    internal static async Task<List<ResultError>> CheckRequiredFieldsAsync(IMonfriDb db, IEnumerable<string>? fields, string errorField, CancellationToken cancellationToken)
    {
        var wanted = (fields ?? []).Where(f => !DealFields.BuiltIn.Contains(f)).Distinct().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        var known = await db.CustomFieldDefinitions.AsNoTracking()
            .Where(d => d.ObjectType == CrmObjectType.Deal && wanted.Contains(d.Key))
            .Select(d => d.Key)
            .ToListAsync(cancellationToken);
        return wanted.Except(known)
            .Select(f => new ResultError($"'{f}' is not a deal field; choose among {string.Join(", ", DealFields.BuiltIn)} or a deal custom field.", errorField))
            .ToList();
    }
}

public sealed class StageInputValidator : AbstractValidator<StageInput>
{
    public StageInputValidator()
    {
        RuleFor(s => s.Name).ValidStageName();
        RuleFor(s => s.Probability).ValidProbability();
        RuleFor(s => s.RottingDays).ValidRottingDays();
    }
}
