using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Monfri.Domain.Common;

namespace Monfri.Web.Tests.Http;

public sealed class LiveHubTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HubConnection Connect(string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, "/hubs/live"), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();

    [Fact]
    public async Task A_hub_client_with_a_token_receives_updates_of_a_topic_it_subscribed_to()
    {
        _ = factory.Services; // start the server
        await using var hub = Connect(MonfriWebFactory.AdminToken);
        var received = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("update", u => received.Writer.TryWrite(u));
        await hub.StartAsync();
        await hub.InvokeAsync("Subscribe", "workspace");

        var created = await factory.ClientWithToken(MonfriWebFactory.AdminToken)
            .PostAsJsonAsync("/api/v1/users", new { email = $"h{Guid.NewGuid():N}@web.test", displayName = "Hub Watcher", password = "hub-user-password", roles = new[] { Roles.Sales } });
        created.EnsureSuccessStatusCode();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var update = await received.Reader.ReadAsync(timeout.Token);
        Assert.Equal("user.created", update.GetProperty("kind").GetString());
        Assert.Equal("Hub Watcher", update.GetProperty("data").GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Subscribing_to_a_topic_the_user_may_not_read_is_refused()
    {
        _ = factory.Services;
        await using var hub = Connect(MonfriWebFactory.AdminToken);
        await hub.StartAsync();

        var forbidden = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Subscribe", $"user:{Guid.NewGuid()}"));
        Assert.Contains("may not follow", forbidden.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Subscribe", "nonsense"));
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_credentials()
    {
        _ = factory.Services;
        await using var hub = Connect("mfp_not_a_real_token_00000000000000");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
        Assert.Contains("401", failure.Message, StringComparison.Ordinal);
    }
}
