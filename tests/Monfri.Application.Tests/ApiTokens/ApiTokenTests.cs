using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.ApiTokens.CreateApiToken;
using Monfri.Application.ApiTokens.ListApiTokens;
using Monfri.Application.ApiTokens.RevokeApiToken;
using Monfri.Application.Common.Results;
using Monfri.Application.Users.SetUserActive;
using Monfri.Domain.Common;
using Monfri.Infrastructure.Identity;
using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;

namespace Monfri.Application.Tests.ApiTokens;

public sealed class ApiTokenTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(ApiTokenTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<ClaimsPrincipal?> Authenticate(string secret) =>
        _app.Get<ApiTokenAuthenticator>().AuthenticateAsync(secret, "ApiToken", CancellationToken.None);

    [Fact]
    public async Task A_new_token_authenticates_as_its_owner_with_their_roles_and_only_its_hash_is_stored()
    {
        var (user, principal) = await _app.CreateUserAsync("Tom", Roles.Sales, Roles.Marketing);

        var created = await _app.SendAs(principal, new CreateApiTokenCommand("export script", 30));

        Assert.True(created.IsSuccess, created.ErrorMessage);
        Assert.StartsWith("mfp_", created.Value.Secret, StringComparison.Ordinal);
        var authenticated = await Authenticate(created.Value.Secret);
        Assert.NotNull(authenticated);
        Assert.Equal(user.Id.ToString(), authenticated.FindFirst(ClaimTypes.NameIdentifier)!.Value);
        Assert.True(authenticated.IsInRole(Roles.Sales) && authenticated.IsInRole(Roles.Marketing));
        Assert.False(authenticated.IsInRole(Roles.Admin));

        await using var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        var stored = await db.ApiTokens.SingleAsync(t => t.UserId == user.Id);
        Assert.Equal(32, stored.SecretHash.Length);
        Assert.DoesNotContain(created.Value.Secret, stored.Prefix + stored.Name, StringComparison.Ordinal);
        Assert.NotNull(stored.LastUsedAt);
    }

    [Fact]
    public async Task Listing_shows_only_your_own_tokens_without_secrets()
    {
        var (_, tom) = await _app.CreateUserAsync("Tom", Roles.Sales);
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var tomsToken = await _app.SendAs(tom, new CreateApiTokenCommand("tom's", null));
        await _app.SendAs(ann, new CreateApiTokenCommand("ann's", null));

        var list = await _app.SendAs(tom, new ListApiTokensQuery());

        var token = Assert.Single(list.Value);
        Assert.Equal("tom's", token.Name);
        Assert.Equal(tomsToken.Value.Secret[..12], token.Prefix);
        Assert.Null(token.ExpiresAt);
    }

    [Fact]
    public async Task A_revoked_token_stops_working_and_cannot_be_revoked_by_someone_else()
    {
        var (_, tom) = await _app.CreateUserAsync("Tom", Roles.Sales);
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var created = (await _app.SendAs(tom, new CreateApiTokenCommand("temp", null))).Value;

        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(ann, new RevokeApiTokenCommand(created.Token.Id)));
        Assert.NotNull(await Authenticate(created.Secret));

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(tom, new RevokeApiTokenCommand(created.Token.Id)));
        Assert.Null(await Authenticate(created.Secret));
    }

    [Fact]
    public async Task A_deactivated_users_tokens_stop_working()
    {
        var (user, principal) = await _app.CreateUserAsync("Tom", Roles.Sales);
        var created = (await _app.SendAs(principal, new CreateApiTokenCommand("script", null))).Value;

        await _app.SendAs(await _app.AdminAsync(), new SetUserActiveCommand(user.Id, false));

        Assert.Null(await Authenticate(created.Secret));
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var (user, _) = await _app.CreateUserAsync("Tom", Roles.Sales);
        var service = _app.Get<Monfri.Application.Common.Security.IIdentityService>();
        var created = (await service.CreateApiTokenAsync(user.Id, "short-lived", DateTimeOffset.UtcNow.AddSeconds(-1), CancellationToken.None)).Value;

        Assert.Null(await Authenticate(created.Secret));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-monfri-token")]
    [InlineData("mfp_unknown_token_value_000000000000")]
    public async Task Unknown_or_malformed_secrets_are_refused(string secret) =>
        Assert.Null(await Authenticate(secret));

    [Fact]
    public async Task A_token_needs_a_name_and_a_sensible_expiry()
    {
        var (_, principal) = await _app.CreateUserAsync("Tom", Roles.Sales);

        var result = await _app.SendAs(principal, new CreateApiTokenCommand(" ", 0));

        ResultAssert.Status(ResultStatus.Invalid, result);
        Assert.Equal(["ExpiresInDays", "Name"], result.Errors.Select(e => e.Field!).Order());
    }

    [Fact]
    public async Task The_bootstrap_token_from_configuration_authenticates_as_the_admin()
    {
        await using var app = await MonfriServices.StartAsync("bootstrap", new Dictionary<string, string?>
        {
            ["Monfri:Bootstrap:AdminEmail"] = "boss@example.test",
            ["Monfri:Bootstrap:AdminPassword"] = "boss-password-long",
            ["Monfri:Bootstrap:AdminApiToken"] = "mfp_deployment_token_abcdefghijklmnop",
        });

        var principal = await app.Get<ApiTokenAuthenticator>().AuthenticateAsync("mfp_deployment_token_abcdefghijklmnop", "ApiToken", CancellationToken.None);

        Assert.NotNull(principal);
        Assert.True(principal.IsInRole(Roles.Admin));
        Assert.Equal("boss@example.test", principal.FindFirst(ClaimTypes.Email)!.Value);
    }
}
