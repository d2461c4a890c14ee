using FluentValidation;

namespace Monfri.Application.Crm.Activities;

/// <summary>What logging and editing an activity have in common.</summary>
public interface IActivityInput
{
    string Subject { get; }
    string? Body { get; }
    Guid? PersonId { get; }
    Guid? CompanyId { get; }
    Guid? DealId { get; }
}

/// <summary>Rules shared by LogActivity and UpdateActivity, included by both validators.</summary>
public sealed class ActivityInputValidator : AbstractValidator<IActivityInput>
{
    /// <summary>Generous for meeting minutes, small enough that one note cannot bloat a timeline page.</summary>
    public const int MaxBodyLength = 100_000;

    public ActivityInputValidator()
    {
        RuleFor(a => a.Subject).NotEmpty().WithMessage("Enter a subject.").MaximumLength(300);
        RuleFor(a => a.Body).MaximumLength(MaxBodyLength).WithMessage("The text is too long.");
        RuleFor(a => a)
            .Must(a => a.PersonId is not null || a.CompanyId is not null || a.DealId is not null)
            .WithName("Record")
            .WithMessage("Attach the activity to a contact, a company or a deal.");
    }
}
