using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Monfri.Web.Tests.Http;

public sealed class PeopleApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    [Fact]
    public async Task A_visitors_profile_timeline_and_the_visitor_stream_are_readable_over_the_api()
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = $"Site {Guid.NewGuid():N}", kind = "Website", allowedOrigins = Array.Empty<string>() });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("writeKey").GetString()!;
        var anon = $"a-{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch")
        {
            Content = JsonContent.Create(new { batch = new object[] { new { type = "page", anonymousId = anon, properties = new { url = "https://x.example/a", title = "A" } } } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key}:")));
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().SendAsync(request)).StatusCode);

        JsonElement? profile = null;
        for (var i = 0; i < 100 && profile is null; i++)
        {
            var response = await Admin.GetAsync($"/api/v1/profiles/anonymous_id:{anon}");
            profile = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options) : null;
            await Task.Delay(profile is null ? 100 : 0);
        }

        var id = profile!.Value.GetProperty("id").GetGuid();
        var person = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/people/{id}", ApiJson.Options);
        var timeline = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/people/{id}/timeline?kind=page&pageSize=10", ApiJson.Options);
        var stream = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/visitors?urlContains=x.example/a&limit=5", ApiJson.Options);

        Assert.Equal("Anonymous visitor", person.GetProperty("displayName").GetString());
        Assert.Equal("Viewed A", timeline.GetProperty("items")[0].GetProperty("title").GetString());
        Assert.Contains(stream.GetProperty("events").EnumerateArray(), e => e.GetProperty("who").GetString() == anon);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.GetAsync($"/api/v1/people/{id}/timeline?after=nonsense")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/v1/people/{Guid.NewGuid()}")).StatusCode);
    }
}
