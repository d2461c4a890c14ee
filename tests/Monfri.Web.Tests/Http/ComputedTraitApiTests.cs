using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Monfri.Web.Tests.Http;

/// <summary>/api/v1/computed-traits and a profile's traits over HTTP, with the real workers running.</summary>
public sealed class ComputedTraitApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    [Fact]
    public async Task A_trait_defined_over_the_api_is_current_on_the_profile_after_the_events_arrive_and_bad_definitions_get_a_problem()
    {
        var key = $"revenue_{Guid.NewGuid():N}"[..30];
        var zero = await Admin.PostAsJsonAsync("/api/v1/computed-traits", new { key, name = "Revenue", kind = "Sum", eventName = "Order Completed", propertyPath = "revenue", windowDays = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        var problem = await zero.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
        // Named as in the body that was sent, not as in the command that wraps it ("trait.WindowDays").
        Assert.Contains("1 to 730 days", problem.GetProperty("errors").GetProperty("windowDays")[0].GetString(), StringComparison.Ordinal);
        var unknownKind = await Admin.PostAsJsonAsync("/api/v1/computed-traits", new { key, name = "Revenue", kind = "Total", eventName = "Order Completed" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownKind.StatusCode);
        Assert.Contains("Use one of: EventCount, Sum", await unknownKind.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var nameless = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = " ", kind = "Server", allowedOrigins = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, nameless.StatusCode);
        Assert.True((await nameless.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("errors").TryGetProperty("name", out _));

        var created = await Admin.PostAsJsonAsync("/api/v1/computed-traits", new { key, name = "Revenue", kind = "Sum", eventType = "track", eventName = "Order Completed", propertyPath = "revenue" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("id").GetGuid();

        var source = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = $"Shop {Guid.NewGuid():N}", kind = "Server", allowedOrigins = Array.Empty<string>() });
        var writeKey = (await source.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("writeKey").GetString()!;
        var user = $"u-{Guid.NewGuid():N}";
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch")
        {
            Content = new StringContent(JsonSerializer.Serialize(new
            {
                batch = new object[]
                {
                    new { type = "track", userId = user, @event = "Order Completed", properties = new { revenue = 20 } },
                    new { type = "track", userId = user, @event = "Order Completed", properties = new { revenue = "12.5" } },
                },
            }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{writeKey}:")));
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().SendAsync(request)).StatusCode);

        JsonElement? value = null;
        for (var i = 0; i < 100 && value is null; i++)
        {
            var response = await Admin.GetAsync($"/api/v1/profiles/user_id:{user}/traits");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var traits = await response.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
                var computed = traits.GetProperty("computed");
                value = computed.TryGetProperty(key, out var trait) && trait is { ValueKind: JsonValueKind.Number } number && number.GetDecimal() == 32.5m ? number : null;
                Assert.Equal(2, computed.GetProperty("total_events").GetInt64());
            }

            await Task.Delay(value is null ? 100 : 0);
        }

        Assert.NotNull(value);
        var contacts = await Admin.GetFromJsonAsync<JsonElement>(
            $"/api/v1/contacts?sortBy=trait:{key}&direction=Descending&trait={Uri.EscapeDataString($"{key}|30||")}", ApiJson.Options);
        var contact = Assert.Single(contacts.GetProperty("items").EnumerateArray());
        Assert.Equal(user, (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/profiles/id:{contact.GetProperty("id").GetGuid()}", ApiJson.Options))
            .GetProperty("identities").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "user_id").GetProperty("value").GetString());
        var listed = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/computed-traits", ApiJson.Options);
        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("id").GetGuid() == id);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/computed-traits/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/v1/computed-traits/{id}")).StatusCode);
    }
}
