using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Monfri.Web.Tests.Http;

/// <summary>/api/v1/segments over HTTP with the real workers running: a person enters after their event arrives.</summary>
public sealed class SegmentApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    private async Task SendAsync(string writeKey, params object[] events)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { batch = events }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{writeKey}:")));
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_segment_defined_in_json_fills_as_events_arrive_and_shows_in_members_and_profile_traits()
    {
        var source = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = $"Site {Guid.NewGuid():N}", kind = "Server", allowedOrigins = Array.Empty<string>() });
        var writeKey = (await source.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("writeKey").GetString()!;
        var eventName = $"Demo Booked {Guid.NewGuid():N}";
        var first = $"u-{Guid.NewGuid():N}";
        await SendAsync(writeKey, new { type = "track", userId = first, @event = eventName, properties = new { seats = 3 } });

        // The event's name must have arrived before a definition may name it.
        HttpResponseMessage created = null!;
        var name = $"Booked a demo {Guid.NewGuid():N}";
        for (var i = 0; i < 100; i++)
        {
            created = await Admin.PostAsync("/api/v1/segments", new StringContent(
                $$$"""
                {"name": "{{{name}}}", "definition": {"op": "and", "kind": "group", "conditions": [
                    {"event": "{{{eventName}}}", "kind": "event", "frequency": "at_least", "count": 1, "where": [{"property": "seats", "op": "gte", "value": 2}], "window": {"lastDays": 30}},
                    {"kind": "identified", "identified": true}]}}
                """, Encoding.UTF8, "application/json"));
            if (created.StatusCode != HttpStatusCode.BadRequest)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var segment = await created.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
        var id = segment.GetProperty("id").GetGuid();
        Assert.Equal(1, segment.GetProperty("memberCount").GetInt32());
        Assert.Equal("at_least", segment.GetProperty("definition").GetProperty("conditions")[0].GetProperty("frequency").GetString());

        var second = $"u-{Guid.NewGuid():N}";
        await SendAsync(writeKey, new { type = "track", userId = second, @event = eventName, properties = new { seats = 5 } });
        JsonElement traits = default;
        for (var i = 0; i < 100; i++)
        {
            var response = await Admin.GetAsync($"/api/v1/profiles/user_id:{second}/traits");
            if (response.StatusCode == HttpStatusCode.OK
                && (traits = await response.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("segments").GetArrayLength() > 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(name, Assert.Single(traits.GetProperty("segments").EnumerateArray()).GetString());
        var members = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{id}/members?page=0&pageSize=1", ApiJson.Options);
        Assert.Equal(2, members.GetProperty("totalCount").GetInt32());
        Assert.Equal(1, members.GetProperty("items").GetArrayLength());
        var listed = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/segments", ApiJson.Options);
        Assert.Equal(2, listed.EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == id).GetProperty("memberCount").GetInt32());

        var preview = await Admin.PostAsJsonAsync("/api/v1/segments/preview", new { definition = new { kind = "segment", segmentId = id }, sampleSize = 5 });
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(2, (await preview.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("count").GetInt32());

        var bad = await Admin.PostAsJsonAsync("/api/v1/segments", new { name = "Bad", definition = new { kind = "field", field = "total_events", op = "gt", value = "abc" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
        Assert.Equal("The definition (total_events gt \"abc\"): \"abc\" is not a number.", problem.GetProperty("errors").GetProperty("definition")[0].GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/segments/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/v1/segments/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_segment_written_as_text_is_returned_in_both_forms_and_bad_text_is_refused_with_its_position()
    {
        var tag = $"t{Guid.NewGuid():N}"[..12];
        foreach (var stage in new[] { "lead", "customer" })
        {
            (await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = stage, lifecycleStage = stage, tags = new[] { tag } })).EnsureSuccessStatusCode();
        }

        var name = $"Text {tag}";
        var created = await Admin.PostAsJsonAsync("/api/v1/segments", new { name, text = $"tags contains '{tag}' AND lifecycle_stage = \"lead\"" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var segment = await created.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
        var id = segment.GetProperty("id").GetGuid();
        Assert.Equal(1, segment.GetProperty("memberCount").GetInt32());
        Assert.Equal($"tags contains \"{tag}\" and lifecycle_stage = \"lead\"", segment.GetProperty("text").GetString());
        Assert.Equal("lead", segment.GetProperty("definition").GetProperty("conditions")[1].GetProperty("value").GetString());

        // Read, changed as text, sent back with the old JSON beside it: the two disagree, so it is refused.
        var both = await Admin.PutAsJsonAsync($"/api/v1/segments/{id}", new { name, definition = segment.GetProperty("definition"), text = $"tags contains \"{tag}\"" });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.StartsWith("The definition and the text say different things", (await both.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("errors").GetProperty("text")[0].GetString(), StringComparison.Ordinal);

        var updated = await Admin.PutAsJsonAsync($"/api/v1/segments/{id}", new { name, text = $"tags contains \"{tag}\"" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var listed = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/segments", ApiJson.Options)).EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == id);
        Assert.Equal(2, listed.GetProperty("memberCount").GetInt32());
        Assert.Equal($"tags contains \"{tag}\"", listed.GetProperty("text").GetString());

        var bad = await Admin.PostAsJsonAsync("/api/v1/segments", new { name = "Bad text", text = "performed(\"Page Viewed\", count >= lots)" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(
            "Text: Expected a number after >=, found lots at column 35.",
            (await bad.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("errors").GetProperty("text")[0].GetString());

        var wrongType = await Admin.PostAsJsonAsync("/api/v1/segments", new { name = "Bad type", text = "identified and total_events > 'abc'" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal(
            "Condition 2 (total_events gt \"abc\"): \"abc\" is not a number.",
            (await wrongType.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("errors").GetProperty("definition")[0].GetString());
    }

    [Fact]
    public async Task A_static_list_takes_and_gives_back_people_over_the_api_and_exports_its_members()
    {
        var email = $"ada.{Guid.NewGuid():N}@example.test";
        var contact = await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Ada", lastName = "Listed", email });
        Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
        var contactId = (await contact.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("id").GetGuid();

        var created = await Admin.PostAsJsonAsync("/api/v1/segments/lists", new { name = $"Fair {Guid.NewGuid():N}" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var list = await created.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
        var id = list.GetProperty("id").GetGuid();
        Assert.Equal("static", list.GetProperty("kind").GetString()!.ToLowerInvariant());

        var added = await Admin.PostAsJsonAsync($"/api/v1/segments/{id}/members", new { emails = new[] { email, "nobody@example.test" } });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var change = await added.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
        Assert.Equal((1, 1, 1), (change.GetProperty("changed").GetInt32(), change.GetProperty("notFound").GetInt32(), change.GetProperty("memberCount").GetInt32()));

        var export = await Admin.GetAsync($"/api/v1/segments/{id}/members/export?sortBy=name&direction=Ascending");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Id,Name,Email", lines[0].TrimStart('\uFEFF'));
        Assert.Contains(lines, l => l.StartsWith($"{contactId},Ada Listed,{email}", StringComparison.Ordinal));

        var empty = await Admin.PostAsJsonAsync($"/api/v1/segments/{id}/members", new { personIds = Array.Empty<Guid>() });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        var removed = await Admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/segments/{id}/members")
        {
            Content = JsonContent.Create(new { personIds = new[] { contactId } }),
        });
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(0, (await removed.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("memberCount").GetInt32());
        var activity = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{id}/activity", ApiJson.Options);
        Assert.Equal((1, 1), (activity.GetProperty("enteredToday").GetInt32(), activity.GetProperty("leftToday").GetInt32()));
    }
}
