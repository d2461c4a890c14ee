using FluentValidation;
using Monfri.Domain.Common;

namespace Monfri.Application.Users;

/// <summary>Rules shared by the user commands, so a role list or a password is judged the same way everywhere.</summary>
public static class UserRules
{
    public const int MinimumPasswordLength = 12;

    internal static IRuleBuilderOptions<T, IReadOnlyCollection<string>> ValidRoles<T>(this IRuleBuilder<T, IReadOnlyCollection<string>> rule) =>
        rule.NotEmpty().WithMessage("Choose at least one role.")
            .Must(roles => roles.All(Roles.IsKnown))
            .WithMessage($"Roles must be among: {string.Join(", ", Roles.All)}.");
}
