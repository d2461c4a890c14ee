using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monfri.Application.ApiTokens;
using Monfri.Application.Users;
using Monfri.Domain.Common;

namespace Monfri.Web.Tests.Http;

public sealed class ApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private async Task<string> TokenForNewUserAsync(params string[] roles)
    {
        var admin = factory.ClientWithToken(MonfriWebFactory.AdminToken);
        var email = $"u{Guid.NewGuid():N}@web.test";
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { email, displayName = "API user", password = "api-user-password", roles });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = (await created.Content.ReadFromJsonAsync<UserDto>(ApiJson.Options))!;
        // Tokens are personal: the new user signs in through the services to mint their own.
        using var scope = factory.Services.CreateScope();
        var token = await scope.ServiceProvider.GetRequiredService<Monfri.Application.Common.Security.IIdentityService>()
            .CreateApiTokenAsync(user.Id, "test", null, CancellationToken.None);
        return token.Value.Secret;
    }

    [Fact]
    public void Toasts_appear_at_the_bottom_right_where_they_cover_no_page_action()
    {
        // Pages keep their main action at the top right ("New source", "New contact"…).
        var snackbars = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MudBlazor.SnackbarConfiguration>>().Value;

        Assert.Equal(MudBlazor.Defaults.Classes.Position.BottomRight, snackbars.PositionClass);
    }

    [Fact]
    public async Task Health_endpoints_answer_without_sign_in()
    {
        var client = factory.ClientWithToken(null);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("mfp_this_token_does_not_exist_000000")]
    [InlineData("garbage")]
    public async Task The_api_without_a_valid_token_is_401_with_problem_details(string? token)
    {
        var response = await factory.ClientWithToken(token).GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_token_acts_as_its_owner_with_their_roles()
    {
        var me = await factory.ClientWithToken(MonfriWebFactory.AdminToken).GetFromJsonAsync<JsonElement>("/api/v1/me", ApiJson.Options);

        Assert.Equal("admin@web.test", me.GetProperty("email").GetString());
        Assert.Equal(Roles.Admin, me.GetProperty("roles")[0].GetString());
    }

    [Fact]
    public async Task A_sales_token_cannot_use_admin_endpoints_and_gets_403_problem_details()
    {
        var sales = factory.ClientWithToken(await TokenForNewUserAsync(Roles.Sales));

        var response = await sales.PostAsJsonAsync("/api/v1/users", new { email = "x@web.test", displayName = "X", password = "long-enough-password", roles = new[] { Roles.Admin } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.GetAsync("/api/v1/users")).StatusCode);
    }

    [Fact]
    public async Task Invalid_input_is_400_with_errors_per_field()
    {
        var response = await factory.ClientWithToken(MonfriWebFactory.AdminToken)
            .PostAsJsonAsync("/api/v1/users", new { email = "nope", displayName = "", password = "short", roles = new[] { "Wizard" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "email", "displayName", "password", "roles" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
    }

    [Fact]
    public async Task Malformed_json_is_400_not_500()
    {
        var response = await factory.ClientWithToken(MonfriWebFactory.AdminToken)
            .PostAsync("/api/v1/users", new StringContent("{\"email\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("malformed JSON", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var wrongType = await factory.ClientWithToken(MonfriWebFactory.AdminToken)
            .PostAsync("/api/v1/tokens", new StringContent("{\"name\": \"x\", \"expiresInDays\": \"soon\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        var problem = await wrongType.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("expiresInDays", out _), problem.ToString());
    }

    [Fact]
    public async Task Tokens_can_be_created_used_and_revoked_through_the_api()
    {
        var client = factory.ClientWithToken(await TokenForNewUserAsync(Roles.Marketing));

        var created = await client.PostAsJsonAsync("/api/v1/tokens", new { name = "ci", expiresInDays = 7 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<CreatedApiToken>(ApiJson.Options))!;
        var second = factory.ClientWithToken(token.Secret);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/tokens/{token.Token.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/v1/me")).StatusCode);
        var listed = await client.GetFromJsonAsync<List<ApiTokenDto>>("/api/v1/tokens", ApiJson.Options);
        Assert.NotNull(listed!.Single(t => t.Id == token.Token.Id).RevokedAt);
    }

    [Fact]
    public async Task Pages_send_security_headers_and_redirect_anonymous_users_to_sign_in()
    {
        var response = await factory.ClientWithToken(null).GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api_and_its_bearer_scheme()
    {
        var document = await factory.ClientWithToken(null).GetFromJsonAsync<JsonElement>("/openapi/v1.json", ApiJson.Options);

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/users", out _));
        Assert.True(paths.TryGetProperty("/api/v1/tokens", out _));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWithToken(null).GetAsync("/scalar/v1")).StatusCode);
    }
}
