using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Monfri.Infrastructure.Identity;

/// <summary>
/// Identity's sign-in manager with Monfri's account rules: a deactivated user cannot sign in, and their
/// existing cookies fail the periodic security-stamp check, so open sessions end too. A sign-in for an email
/// without an active account answers like one for an account: after a password hash check of the same cost,
/// and locked out after the same number of failures (decision 013).
/// </summary>
public sealed class MonfriSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation,
    TimeProvider clock,
    UnknownAccountSignIns unknownAccounts)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        return user is { IsActive: true }
            ? await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure)
            : NoAccountSignIn(userName, password, lockoutOnFailure);
    }

    /// <summary>
    /// Without this an unknown email answered at once (no hash to check) while a real one took a PBKDF2 round,
    /// and never reached "locked": both told an attacker which emails have accounts.
    /// </summary>
    private SignInResult NoAccountSignIn(string userName, string password, bool lockoutOnFailure)
    {
        var key = UserManager.NormalizeName(userName);
        if (unknownAccounts.IsLockedOut(key))
        {
            // As for a locked account, which is refused before its password is checked.
            return SignInResult.LockedOut;
        }

        unknownAccounts.CheckDecoyPassword(UserManager.PasswordHasher, password);
        return lockoutOnFailure && unknownAccounts.RecordFailure(key) ? SignInResult.LockedOut : SignInResult.Failed;
    }

    public override async Task<bool> CanSignInAsync(AppUser user) =>
        user.IsActive && await base.CanSignInAsync(user);

    public override async Task<bool> ValidateSecurityStampAsync(AppUser? user, string? securityStamp) =>
        user is { IsActive: true } && await base.ValidateSecurityStampAsync(user, securityStamp);

    public override async Task SignInWithClaimsAsync(AppUser user, AuthenticationProperties? authenticationProperties, IEnumerable<System.Security.Claims.Claim> additionalClaims)
    {
        await base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims);
        user.LastSignInAt = clock.GetUtcNow();
        await UserManager.UpdateAsync(user);
    }
}
