using FluentValidation;
using Mediator;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;

namespace Monfri.Application.ApiTokens.CreateApiToken;

/// <summary>Creates a personal API token for the signed-in user; it carries that user's roles.</summary>
// Every user manages their own tokens, whatever their roles.
[AllowAnyUser]
public sealed record CreateApiTokenCommand(string Name, int? ExpiresInDays) : ICommand<Result<CreatedApiToken>>;

public sealed class CreateApiTokenHandler(IIdentityService identity, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<CreateApiTokenCommand, Result<CreatedApiToken>>
{
    public async ValueTask<Result<CreatedApiToken>> Handle(CreateApiTokenCommand command, CancellationToken cancellationToken)
    {
        if (currentUser.Id is not { } userId)
        {
            return Result<CreatedApiToken>.Unauthorized("Sign in to create an API token.");
        }

        DateTimeOffset? expires = command.ExpiresInDays is { } days ? clock.GetUtcNow().AddDays(days) : null;
        return await identity.CreateApiTokenAsync(userId, command.Name.Trim(), expires, cancellationToken);
    }
}

public sealed class CreateApiTokenValidator : AbstractValidator<CreateApiTokenCommand>
{
    public CreateApiTokenValidator()
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("Give the token a name, e.g. what script uses it.").MaximumLength(100);
        RuleFor(c => c.ExpiresInDays).InclusiveBetween(1, 3650).When(c => c.ExpiresInDays is not null)
            .WithMessage("Expiry must be between 1 and 3650 days, or none.");
    }
}
