using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Monfri.Web.Tests.Http;

/// <summary>GET /api/v1/profiles/{idType}:{value}/traits: what a website backend personalises a page with.</summary>
public sealed class ProfileTraitsApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    private async Task SendAsync(object batch)
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = $"Site {Guid.NewGuid():N}", kind = "Website", allowedOrigins = Array.Empty<string>() });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("writeKey").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = JsonContent.Create(batch) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key}:")));
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().SendAsync(request)).StatusCode);
    }

    private async Task<JsonElement> TraitsEventuallyAsync(string identity, Func<JsonElement, bool> ready)
    {
        for (var i = 0; i < 100; i++)
        {
            var response = await Admin.GetAsync($"/api/v1/profiles/{identity}/traits");
            if (response.StatusCode == HttpStatusCode.OK && await response.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options) is var body && ready(body))
            {
                return body;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The traits of {identity} never became ready.");
    }

    [Fact]
    public async Task An_identifier_with_a_slash_is_found_when_the_slash_is_percent_encoded()
    {
        var user = $"tenant/{Guid.NewGuid():N}";
        await SendAsync(new { batch = new object[] { new { type = "identify", userId = user, traits = new { plan = "team" } } } });

        var traits = await TraitsEventuallyAsync($"user_id:{Uri.EscapeDataString(user)}", t => t.GetProperty("identify").TryGetProperty("plan", out _));

        Assert.Equal("team", traits.GetProperty("identify").GetProperty("plan").GetString());
        var profile = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/profiles/user_id:{Uri.EscapeDataString(user)}", ApiJson.Options);
        Assert.Equal(traits.GetProperty("profileId").GetGuid(), profile.GetProperty("id").GetGuid());
        var badPage = await Admin.GetAsync($"/api/v1/profiles/user_id:{Uri.EscapeDataString(user)}/events?pageIndex=-1");
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        Assert.True((await badPage.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("errors").TryGetProperty("pageIndex", out _));
    }

    [Fact]
    public async Task A_returning_anonymous_visitor_who_identified_gets_their_identify_traits_by_cookie_id_and_by_user_id()
    {
        var anon = $"a-{Guid.NewGuid():N}";
        var user = $"u-{Guid.NewGuid():N}";
        await SendAsync(new
        {
            batch = new object[]
            {
                new { type = "page", anonymousId = anon, timestamp = "2026-11-01T10:00:00Z", properties = new { url = "https://shop.example/pricing" } },
                new { type = "identify", anonymousId = anon, userId = user, timestamp = "2026-11-02T10:00:00Z", traits = new { plan = "pro", seats = 12, first_name = "Ann" } },
            },
        });

        var byCookie = await TraitsEventuallyAsync($"anonymous_id:{anon}", t => t.GetProperty("identify").TryGetProperty("plan", out _));
        var byUser = await TraitsEventuallyAsync($"user_id:{user}", _ => true);

        Assert.Equal(byCookie.GetProperty("profileId").GetGuid(), byUser.GetProperty("profileId").GetGuid());
        Assert.Equal("pro", byCookie.GetProperty("identify").GetProperty("plan").GetString());
        Assert.Equal(12, byCookie.GetProperty("identify").GetProperty("seats").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), byCookie.GetProperty("firstSeenAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero), byCookie.GetProperty("lastSeenAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Object, byCookie.GetProperty("computed").ValueKind);
        Assert.Equal(JsonValueKind.Array, byCookie.GetProperty("segments").ValueKind);
    }

    [Fact]
    public async Task A_visitor_who_never_identified_has_empty_identify_traits_but_is_found()
    {
        var anon = $"a-{Guid.NewGuid():N}";
        await SendAsync(new { batch = new object[] { new { type = "track", anonymousId = anon, @event = "Viewed Product" } } });

        var traits = await TraitsEventuallyAsync($"anonymous_id:{anon}", _ => true);

        Assert.Empty(traits.GetProperty("identify").EnumerateObject());
        Assert.NotNull(traits.GetProperty("firstSeenAt").GetString());
    }

    [Fact]
    public async Task An_unknown_identifier_answers_404_problem_details_and_the_endpoint_needs_a_token()
    {
        var unknown = await Admin.GetAsync($"/api/v1/profiles/anonymous_id:nobody-{Guid.NewGuid():N}/traits");
        var unknownId = await Admin.GetAsync($"/api/v1/profiles/id:{Guid.NewGuid()}/traits");
        var malformed = await Admin.GetAsync("/api/v1/profiles/no-colon/traits");
        var anonymous = await factory.CreateClient().GetAsync("/api/v1/profiles/anonymous_id:x/traits");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknownId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("/api/v1/profiles/{identity}/traits", await factory.CreateClient().GetStringAsync("/openapi/v1.json"), StringComparison.Ordinal);
    }
}
