using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Monfri.Application.Cdp.Common;

namespace Monfri.Web.Tests.Http;

/// <summary>The Segment-compatible collection API: every status code the official clients act on, and bad input.</summary>
public sealed class CollectApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    private async Task<JsonElement> CreateSourceAsync(string? name = null, string[]? origins = null)
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = name ?? $"Site {Guid.NewGuid():N}", kind = "Website", allowedOrigins = origins ?? [] });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return await created.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
    }

    private static HttpRequestMessage Post(string path, string? writeKey, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (writeKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{writeKey}:")));
        }

        return request;
    }

    private static StringContent Json(object body, string mediaType = "application/json") => new(JsonSerializer.Serialize(body), Encoding.UTF8, mediaType);

    private async Task<HttpResponseMessage> SendAsync(string path, string? writeKey, HttpContent content) =>
        await factory.CreateClient().SendAsync(Post(path, writeKey, content));

    private async Task<JsonElement> ProfileEventuallyAsync(string identity)
    {
        for (var i = 0; i < 100; i++)
        {
            var response = await Admin.GetAsync($"/api/v1/profiles/{identity}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No profile {identity} appeared.");
    }

    [Fact]
    public async Task A_track_with_basic_auth_is_accepted_stored_and_readable_through_the_profile_api()
    {
        var key = (await CreateSourceAsync()).GetProperty("writeKey").GetString()!;
        var user = $"u-{Guid.NewGuid():N}";

        var response = await SendAsync("/v1/track", key, Json(new { userId = user, @event = "Signed Up", properties = new { plan = "pro" } }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("success").GetBoolean());
        var profile = await ProfileEventuallyAsync($"user_id:{user}");
        Assert.Contains(profile.GetProperty("identities").EnumerateArray(), i => i.GetProperty("value").GetString() == user);
        var events = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/profiles/user_id:{user}/events?pageSize=10", ApiJson.Options);
        Assert.Equal("Signed Up", events.GetProperty("items")[0].GetProperty("event").GetString());
        Assert.Equal("pro", events.GetProperty("items")[0].GetProperty("properties").GetProperty("plan").GetString());
    }

    [Fact]
    public async Task The_browser_form_text_plain_with_the_key_in_the_body_on_a_short_path_is_accepted()
    {
        var key = (await CreateSourceAsync()).GetProperty("writeKey").GetString()!;
        var anon = $"a-{Guid.NewGuid():N}";

        var response = await SendAsync("/v1/p", null, Json(new { writeKey = key, anonymousId = anon, name = "Home" }, "text/plain"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ProfileEventuallyAsync($"anonymous_id:{anon}");
    }

    [Fact]
    public async Task Gzip_bodies_are_accepted_whatever_content_type_they_declare()
    {
        var key = (await CreateSourceAsync()).GetProperty("writeKey").GetString()!;
        var anon = $"a-{Guid.NewGuid():N}";
        var content = new ByteArrayContent(Gzip(JsonSerializer.SerializeToUtf8Bytes(new { batch = new[] { new { type = "page", anonymousId = anon } } })));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        content.Headers.ContentEncoding.Add("gzip");

        var response = await SendAsync("/v1/batch", key, content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ProfileEventuallyAsync($"anonymous_id:{anon}");
    }

    [Fact]
    public async Task Unknown_disabled_rotated_or_missing_keys_get_401()
    {
        var source = await CreateSourceAsync();
        var key = source.GetProperty("writeKey").GetString()!;
        var id = source.GetProperty("id").GetGuid();
        var body = new { userId = "x", @event = "E" };

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("/v1/track", "no-such-key", Json(body))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("/v1/track", null, Json(body))).StatusCode);

        var rotated = await Admin.PostAsync($"/api/v1/sources/{id}/rotate-key", null);
        var newKey = (await rotated.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("writeKey").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("/v1/track", key, Json(body))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/v1/track", newKey, Json(body))).StatusCode);

        var disabled = await Admin.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = source.GetProperty("name").GetString(), kind = "Website", allowedOrigins = Array.Empty<string>(), enabled = false });
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("/v1/track", newKey, Json(body))).StatusCode);
    }

    [Fact]
    public async Task Requests_to_a_disabled_source_get_401_and_show_in_its_debugger_while_an_unknown_key_shows_nowhere()
    {
        var source = await CreateSourceAsync();
        var (id, key) = (source.GetProperty("id").GetGuid(), source.GetProperty("writeKey").GetString()!);
        var disabled = await Admin.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = source.GetProperty("name").GetString(), kind = "Website", allowedOrigins = Array.Empty<string>(), enabled = false });
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        var debugger = factory.Services.GetRequiredService<ISourceDebugFeed>();

        var byHeader = await SendAsync("/v1/track", key, Json(new { userId = "u-off-1", @event = "Ignored" }));
        var byBody = await SendAsync("/v1/batch", null, Json(new { writeKey = key, batch = new[] { new { type = "track", userId = "u-off-2", @event = "Ignored" } } }));
        var unknown = await SendAsync("/v1/track", $"no-such-{Guid.NewGuid():N}", Json(new { userId = "u-off-3", @event = "Ignored" }));

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], new[] { byHeader.StatusCode, byBody.StatusCode, unknown.StatusCode });
        Assert.Equal("Unknown or disabled write key.", (await byHeader.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        var rows = debugger.Recent(id);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.True(r.IsWholeRequest));
        Assert.All(rows, r => Assert.StartsWith("Source disabled", r.Error, StringComparison.Ordinal));
        Assert.Contains("u-off-2", rows[0].Payload, StringComparison.Ordinal);
        Assert.Contains("u-off-1", rows[1].Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_json_is_refused_with_a_plain_position_not_the_readers_internals()
    {
        var source = await CreateSourceAsync();
        var (id, key) = (source.GetProperty("id").GetGuid(), source.GetProperty("writeKey").GetString()!);

        var response = await SendAsync("/v1/batch", key, new StringContent("{\"batch\": [{\"type\": \"page\"},\n  oops]}", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        const string expected = "The body is not valid JSON (at character 3 of line 2).";
        Assert.Equal(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal(expected, factory.Services.GetRequiredService<ISourceDebugFeed>().Recent(id)[0].Error);
    }

    [Fact]
    public async Task A_batch_with_some_invalid_events_keeps_the_valid_ones_and_lists_each_rejection()
    {
        var key = (await CreateSourceAsync()).GetProperty("writeKey").GetString()!;
        var good = $"a-{Guid.NewGuid():N}";
        var batch = new object[]
        {
            new { type = "track", anonymousId = good, @event = "Kept" },
            new { type = "track", @event = "No ids" },
            new { type = "track", anonymousId = good },
            new { type = "page", userId = new { id = 1 } },
            new { type = "track", anonymousId = good, @event = "Huge", properties = new { blob = new string('x', 33 * 1024) } },
            new { type = "teleport", anonymousId = good },
            new { type = "identify", anonymousId = good, timestamp = "yesterday" },
            new { type = "page", anonymousId = good, name = "Kept too" },
        };

        var response = await SendAsync("/v1/batch", key, Json(new { batch }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, answer.GetProperty("accepted").GetInt32());
        var rejected = answer.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("index").GetInt32(), r => r.GetProperty("reason").GetString()!);
        Assert.Equal([1, 2, 3, 4, 5, 6], rejected.Keys.Order());
        Assert.Contains("userId", rejected[1], StringComparison.Ordinal);
        Assert.Contains("event", rejected[2], StringComparison.Ordinal);
        Assert.Contains("32 KB", rejected[4], StringComparison.Ordinal);
        await ProfileEventuallyAsync($"anonymous_id:{good}");
    }

    [Fact]
    public async Task Malformed_oversize_and_hostile_requests_get_400_with_a_clear_message_never_500()
    {
        var key = (await CreateSourceAsync()).GetProperty("writeKey").GetString()!;
        var oneEvent = new { type = "track", anonymousId = "a1", @event = "E" };
        var cases = new Dictionary<string, HttpContent>
        {
            ["malformed JSON"] = new StringContent("{\"batch\": [", Encoding.UTF8, "application/json"),
            ["invalid UTF-8"] = new ByteArrayContent([.. "{\"userId\":\""u8.ToArray(), 0xC3, 0x28, .. "\",\"event\":\"E\"}"u8.ToArray()]),
            ["deep nesting"] = new StringContent("{\"userId\":\"u\",\"event\":\"E\",\"properties\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200) + "}", Encoding.UTF8),
            ["600 KB"] = Json(new { batch = Enumerable.Range(0, 40).Select(_ => new { type = "track", anonymousId = "a1", @event = "E", properties = new { blob = new string('x', 15_000) } }) }),
            ["2,501 events"] = Json(new { batch = Enumerable.Repeat(oneEvent, 2501) }),
            ["gzip bomb"] = Bomb(),
            ["not gzip"] = WithEncoding(new ByteArrayContent("plain"u8.ToArray()), "gzip"),
            ["not an object"] = new StringContent("[1,2,3]", Encoding.UTF8),
            ["no batch array"] = Json(new { batch = "yes" }),
        };

        foreach (var (name, content) in cases)
        {
            var path = name is "invalid UTF-8" or "deep nesting" ? "/v1/track" : "/v1/batch";
            var response = await SendAsync(path, key, content);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {response.StatusCode}");
            var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString();
            Assert.False(string.IsNullOrWhiteSpace(message), name);
        }

        // Still healthy and still accepting after all of that.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/v1/track", key, Json(oneEvent))).StatusCode);
    }

    [Fact]
    public async Task Requests_refused_as_a_whole_show_in_the_debugger_of_their_source_with_the_reason_and_rejected_events_keep_their_name()
    {
        var source = await CreateSourceAsync();
        var (id, key) = (source.GetProperty("id").GetGuid(), source.GetProperty("writeKey").GetString()!);
        var debugger = factory.Services.GetRequiredService<ISourceDebugFeed>();

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync("/v1/batch", key, new StringContent("{not json", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync("/v1/batch", null, Json(new { writeKey = key, events = Array.Empty<object>() }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync("/v1/batch", key, new StringContent(new string('x', 600 * 1024), Encoding.UTF8, "application/json"))).StatusCode);
        // Refused before any key could be trusted: nobody's debugger shows it.
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync("/v1/batch", null, new StringContent("{not json", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/v1/batch", key, Json(new
        {
            batch = new object[] { new { type = "track", anonymousId = "a-dbg-1", @event = "BadTs", timestamp = "yesterday" }, new { type = "track", userId = "u-dbg-1", @event = "Arr", properties = new[] { 1 } } },
        }))).StatusCode);

        var rows = debugger.Recent(id);
        Assert.Equal([("track", "Arr", "u-dbg-1"), ("track", "BadTs", "a-dbg-1")], rows.Take(2).Select(r => (r.Type, r.Name, r.UserId ?? r.AnonymousId)));
        Assert.All(rows.Take(2), r => Assert.Contains("\"event\"", r.Payload, StringComparison.Ordinal));
        var refused = rows.Skip(2).ToList();
        Assert.Equal(3, refused.Count);
        Assert.All(refused, r => Assert.True(r.IsWholeRequest));
        Assert.Contains("larger than", refused[0].Error, StringComparison.Ordinal);
        Assert.Contains("\"batch\" array", refused[1].Error, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", refused[2].Error, StringComparison.Ordinal);
        Assert.Equal("{not json", refused[2].Payload);
    }

    [Fact]
    public async Task A_single_invalid_call_gets_400_with_the_reason()
    {
        var key = (await CreateSourceAsync()).GetProperty("writeKey").GetString()!;
        var response = await SendAsync("/v1/track", key, Json(new { userId = "u1" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("event", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_settings_and_source_config_answer_browsers_from_other_origins()
    {
        var key = (await CreateSourceAsync()).GetProperty("writeKey").GetString()!;
        var client = factory.CreateClient();
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/t");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, x-retry-count");
        var answer = await client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("https://shop.example", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-retry-count", answer.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);

        var settings = await client.GetFromJsonAsync<JsonElement>($"/v1/projects/{key}/settings");
        var segment = settings.GetProperty("integrations").GetProperty("Segment.io");
        Assert.Equal($"{client.BaseAddress!.Authority}/v1", segment.GetProperty("apiHost").GetString());
        Assert.Equal("http", segment.GetProperty("protocol").GetString());
        Assert.Single(settings.GetProperty("integrations").EnumerateObject());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/projects/nope/settings")).StatusCode);

        var config = await client.GetFromJsonAsync<JsonElement>($"/sourceConfig/?writeKey={key}");
        Assert.True(config.GetProperty("source").GetProperty("enabled").GetBoolean());
        Assert.Equal(0, config.GetProperty("source").GetProperty("destinations").GetArrayLength());
    }

    [Fact]
    public async Task A_source_limited_to_some_origins_refuses_others()
    {
        var key = (await CreateSourceAsync(origins: ["https://www.mine.example"])).GetProperty("writeKey").GetString()!;
        var ok = Post("/v1/t", key, Json(new { anonymousId = "a", @event = "E" }));
        ok.Headers.Add("Origin", "https://www.mine.example");
        var other = Post("/v1/t", key, Json(new { anonymousId = "a", @event = "E" }));
        other.Headers.Add("Origin", "https://evil.example");

        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().SendAsync(ok)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.CreateClient().SendAsync(other)).StatusCode);
    }

    [Fact]
    public async Task Under_back_pressure_collection_answers_429_with_retry_after()
    {
        var key = (await CreateSourceAsync()).GetProperty("writeKey").GetString()!;
        await using var saturated = factory.WithWebHostBuilder(b => b
            .UseSetting("Monfri:Ingest:RunWorkers", "false")
            .UseSetting("Monfri:Ingest:MaxQueuedEvents", "0"));
        var client = saturated.CreateClient();
        var body = new { anonymousId = "a", @event = "E" };

        HttpResponseMessage? response = null;
        for (var i = 0; i < 40 && response?.StatusCode != HttpStatusCode.TooManyRequests; i++)
        {
            response = await client.SendAsync(Post("/v1/t", key, Json(body)));
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, response!.StatusCode);
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task The_tracker_script_is_served_and_the_rest_api_is_in_the_openapi_document()
    {
        var client = factory.CreateClient();
        var script = await client.GetAsync("/t.js");
        Assert.Equal("application/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("sendBeacon", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var openApi = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/profiles/{identity}/events", openApi, StringComparison.Ordinal);
        Assert.Contains("/api/v1/sources", openApi, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/sources")).StatusCode);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static ByteArrayContent Bomb()
    {
        // 50 MB of spaces inside a JSON string compress to ~50 KB: the server must stop at 500 KB.
        var data = new byte[50 * 1024 * 1024];
        Array.Fill(data, (byte)' ');
        "{\"batch\":["u8.CopyTo(data);
        return WithEncoding(new ByteArrayContent(Gzip(data)), "gzip");
    }

    private static ByteArrayContent WithEncoding(ByteArrayContent content, string encoding)
    {
        content.Headers.ContentEncoding.Add(encoding);
        return content;
    }
}
