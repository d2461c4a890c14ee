using FluentValidation;

namespace Monfri.Application.Users.CreateUser;

public sealed class CreateUserValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserValidator()
    {
        RuleFor(c => c.Email).NotEmpty().WithMessage("Enter an email address.")
            .EmailAddress().WithMessage("Enter a valid email address.")
            .MaximumLength(256);
        RuleFor(c => c.DisplayName).NotEmpty().WithMessage("Enter a name.").MaximumLength(100);
        RuleFor(c => c.Password).NotEmpty().WithMessage("Enter a password.")
            .MinimumLength(UserRules.MinimumPasswordLength)
            .WithMessage($"The password needs at least {UserRules.MinimumPasswordLength} characters.");
        RuleFor(c => c.Roles).ValidRoles();
    }
}
