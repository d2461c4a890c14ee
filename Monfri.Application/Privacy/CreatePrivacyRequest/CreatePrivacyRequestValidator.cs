using FluentValidation;
using Monfri.Domain.Cdp;

namespace Monfri.Application.Privacy.CreatePrivacyRequest;

public sealed class CreatePrivacyRequestValidator : AbstractValidator<CreatePrivacyRequestCommand>
{
    public CreatePrivacyRequestValidator()
    {
        RuleFor(c => c.Kind).IsInEnum();
        RuleFor(c => c.IdentityType).Must(t => IdentityTypes.NormalizeCustomType(t) is not null)
            .WithMessage("Choose an identity type: email, user_id, anonymous_id or an external id type (letters, digits, '_', '-', '.').");
        RuleFor(c => c.IdentityValue).NotEmpty().WithMessage("Enter the identifier the person is known by.")
            .MaximumLength(IdentityTypes.MaxValueLength);
        // "null", "0", "anonymous" … never identify anyone; suppressing one would drop every broken client's events.
        RuleFor(c => c.IdentityValue).Must(v => IdentityTypes.IsUsable(v, new HashSet<string>()))
            .When(c => !string.IsNullOrWhiteSpace(c.IdentityValue) && c.IdentityValue.Length <= IdentityTypes.MaxValueLength)
            .WithMessage("This value is not an identifier (clients send it when they have none).");
        RuleFor(c => c.IdentityValue).Must(v => v.Contains('@', StringComparison.Ordinal))
            .When(c => IdentityTypes.NormalizeCustomType(c.IdentityType) == IdentityTypes.Email && !string.IsNullOrWhiteSpace(c.IdentityValue))
            .WithMessage("Enter an email address.");
    }
}
