using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Live;

public sealed class LiveFeedAcrossProcessesTests
{
    [Fact]
    public async Task A_change_on_one_process_reaches_a_hub_client_connected_to_another()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Monfri"] = await TestPostgres.CreateDatabaseAsync("twoprocs"),
            ["Monfri__LiveFeed__Transport"] = "Postgres",
        };
        await using var nodeA = await MonfriProcess.StartAsync(settings);
        await using var nodeB = await MonfriProcess.StartAsync(settings);
        await using var hub = new HubConnectionBuilder()
            .WithUrl($"{nodeB.BaseUrl}/hubs/live", o => o.AccessTokenProvider = () => Task.FromResult<string?>(MonfriProcess.AdminToken))
            .Build();
        var received = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("update", u => received.Writer.TryWrite(u));
        await hub.StartAsync();
        await hub.InvokeAsync("Subscribe", "workspace");

        var created = await nodeA.AdminClient().PostAsJsonAsync("/api/v1/users", new { email = "across@e2e.test", displayName = "Across Nodes", password = "across-password", roles = new[] { "Sales" } });
        created.EnsureSuccessStatusCode();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var update = await received.Reader.ReadAsync(timeout.Token);
        Assert.Equal("user.created", update.GetProperty("kind").GetString());
        Assert.Equal("Across Nodes", update.GetProperty("data").GetProperty("displayName").GetString());
    }
}
