namespace Monfri.Compat.Tests;

/// <summary>
/// The official server SDKs, unmodified, sending to Monfri: every call type arrives once, resolved into one
/// profile with the visitor's anonymous page views from before the identify.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed class ServerSdkTests(CompatMonfri monfri)
{
    private static readonly string[] Story =
        ["alias:", "group:{group}", "identify:", "page:Pricing", "page:Signup", "screen:Dashboard", "track:Order Completed"];

    [Fact]
    public async Task Segment_analytics_node_delivers_a_visitors_story_into_one_profile()
    {
        var (user, sent) = await SendStoryAsync("segment-node.cjs");

        var events = await monfri.EventsAsync($"user_id:{user}", 7);

        AssertStory(events, sent, group: "acme");
        await AssertOneProfileAsync(user, "Ada", "Lovelace", "pro");
        var order = events.Single(e => e.GetProperty("type").GetString() == "track").GetProperty("properties");
        Assert.Equal((42.5m, "EUR", "o-1"), (order.GetProperty("revenue").GetDecimal(), order.GetProperty("currency").GetString(), order.GetProperty("orderId").GetString()));
        Assert.Equal("Docs", events.Single(e => e.GetProperty("event").GetString() == "Pricing").GetProperty("properties").GetProperty("category").GetString());
        Assert.Equal("@segment/analytics-node", events[0].GetProperty("context").GetProperty("library").GetProperty("name").GetString());
    }

    [Fact]
    public async Task RudderStack_node_sdk_delivers_a_gzipped_visitors_story_into_one_profile()
    {
        var (user, sent) = await SendStoryAsync("rudder-node.cjs");
        Assert.True(sent.GetProperty("gzipped").GetBoolean(), "the SDK compressed its requests, as it does by default");

        var events = await monfri.EventsAsync($"user_id:{user}", 7);

        AssertStory(events, sent, group: "initech");
        await AssertOneProfileAsync(user, "Grace", "Hopper", "team");
        var order = events.Single(e => e.GetProperty("type").GetString() == "track").GetProperty("properties");
        Assert.Equal((10m, "USD"), (order.GetProperty("revenue").GetDecimal(), order.GetProperty("currency").GetString()));
        // RudderStack sends a page's category beside its name, not inside its properties.
        Assert.Equal("Docs", events.Single(e => e.GetProperty("event").GetString() == "Pricing").GetProperty("properties").GetProperty("category").GetString());
        Assert.Equal("analytics-node", events[0].GetProperty("context").GetProperty("library").GetProperty("name").GetString());
    }

    private async Task<(string User, JsonElement Sent)> SendStoryAsync(string script)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var user = $"user-{id}";
        var (exitCode, output) = await NodeClients.RunScriptAsync(
            script, [monfri.App.BaseUrl, CompatMonfri.BackendKey, user, $"anon-{id}", $"previous-{id}"], TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"{script} exited with {exitCode}:\n{output}");
        return (user, JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement);
    }

    private static void AssertStory(IReadOnlyList<JsonElement> events, JsonElement sent, string group)
    {
        Assert.Equal(
            Story.Select(s => s.Replace("{group}", group, StringComparison.Ordinal)),
            events.Select(e => $"{e.GetProperty("type").GetString()}:{e.GetProperty("event").GetString()}").Order(StringComparer.Ordinal));
        var stored = events.Select(e => e.GetProperty("messageId").GetString()!).ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Equal(sent.GetProperty("messageIds").EnumerateArray().Select(m => m.GetString()!).Order(), stored.Order());
        Assert.All(events.Where(e => e.GetProperty("type").GetString() == "page"), page =>
        {
            // Sent before the identify, by an anonymous visitor only.
            Assert.Equal(JsonValueKind.Null, page.GetProperty("userId").ValueKind);
            Assert.StartsWith("anon-", page.GetProperty("anonymousId").GetString(), StringComparison.Ordinal);
        });
    }

    private async Task AssertOneProfileAsync(string user, string firstName, string lastName, string plan)
    {
        var id = user["user-".Length..];
        var person = await monfri.ProfileAsync($"user_id:{user}");
        Assert.Equal(person.GetProperty("id").GetString(), (await monfri.ProfileAsync($"anonymous_id:anon-{id}")).GetProperty("id").GetString());
        Assert.Equal(person.GetProperty("id").GetString(), (await monfri.ProfileAsync($"anonymous_id:previous-{id}")).GetProperty("id").GetString());
        Assert.Equal($"{user}@example.test", person.GetProperty("email").GetString());
        Assert.Equal((firstName, lastName), (person.GetProperty("firstName").GetString(), person.GetProperty("lastName").GetString()));
        var traits = person.GetProperty("traits");
        Assert.Equal((plan, firstName), (traits.GetProperty("plan").GetString(), traits.GetProperty("firstName").GetString()));
        Assert.Empty(await CompatMonfri.DuplicatesAsync(monfri.Database));
    }
}
