using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Monfri.Web.Tests.Http;

/// <summary>
/// The intake's cap under a burst: requests arriving together may not push the queue past
/// <c>Monfri:Ingest:MaxQueuedEvents</c>, and a refused request stores none of its events.
/// Its own class (and so its own database): no other test's events sit in the queue.
/// </summary>
public sealed class CollectCapacityTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    [Fact]
    public async Task Concurrent_batches_never_queue_more_events_than_the_cap_and_refused_ones_store_nothing()
    {
        const int cap = 1_000;
        const int perRequest = 50;
        const int requests = 60; // 3,000 events offered against room for 1,000
        await using var app = factory.WithWebHostBuilder(b => b
            .UseSetting("Monfri:Ingest:RunWorkers", "false")
            .UseSetting("Monfri:Ingest:MaxQueuedEvents", cap.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var admin = app.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MonfriWebFactory.AdminToken);
        var source = await admin.PostAsJsonAsync("/api/v1/sources", new { name = "Burst", kind = "Website", allowedOrigins = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.Created, source.StatusCode);
        var key = (await source.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("writeKey").GetString()!;
        var batch = JsonSerializer.Serialize(new
        {
            batch = Enumerable.Range(0, perRequest).Select(i => new { type = "track", anonymousId = $"burst-{i}", @event = "Burst" }),
        });

        using var start = new SemaphoreSlim(0);
        var sends = Enumerable.Range(0, requests).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(batch, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key}:")));
            await start.WaitAsync();
            return await app.CreateClient().SendAsync(request);
        }).ToList();
        start.Release(requests);
        var responses = await Task.WhenAll(sends);

        var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(requests, accepted + refused.Count);
        Assert.Equal(cap / perRequest, accepted);
        Assert.All(refused, r => Assert.True(int.Parse(r.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0));

        await using var connection = new NpgsqlConnection(app.Services.GetRequiredService<IConfiguration>().GetConnectionString("Monfri"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*)::int, coalesce(sum(event_count), 0)::int FROM cdp_intake", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(accepted, reader.GetInt32(0)); // one row per acknowledged request, none for a refused one
        Assert.Equal(accepted * perRequest, reader.GetInt32(1));
        Assert.True(reader.GetInt32(1) <= cap);
    }
}
