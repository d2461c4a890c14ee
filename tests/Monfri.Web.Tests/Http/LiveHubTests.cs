using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
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

        var forbidden = await hub.InvokeAsync<JsonElement>("Subscribe", $"user:{Guid.NewGuid()}");
        Assert.False(forbidden.GetProperty("subscribed").GetBoolean());
        Assert.Contains("may not follow", forbidden.GetProperty("error").GetString(), StringComparison.Ordinal);
        var unknown = await hub.InvokeAsync<JsonElement>("Subscribe", "nonsense");
        Assert.Equal("'nonsense' is not a live topic.", unknown.GetProperty("error").GetString());
        Assert.True((await hub.InvokeAsync<JsonElement>("Subscribe", "workspace")).GetProperty("subscribed").GetBoolean());
    }

    [Fact]
    public async Task A_refused_subscription_is_logged_as_the_clients_mistake_not_as_a_server_error()
    {
        var logs = new CapturedLogs();
        await using var host = factory.WithWebHostBuilder(builder => builder.ConfigureLogging(logging => logging.AddProvider(logs)));
        _ = host.Services;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(host.Server.BaseAddress, "/hubs/live"), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => host.Server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(MonfriWebFactory.AdminToken);
            })
            .Build();
        await hub.StartAsync();

        await hub.InvokeAsync<JsonElement>("Subscribe", $"user:{Guid.NewGuid()}");

        var refusal = Assert.Single(logs.Entries, e => e.Message.Contains("refused", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, refusal.Level);
        Assert.Null(refusal.Exception);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error && e.Category.StartsWith("Microsoft.AspNetCore.SignalR", StringComparison.Ordinal));
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturedLogs : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs logs, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
        }
    }

    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    private async Task<(Guid Id, string Token)> RepAsync(string name)
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/users", new { email = $"{name}{Guid.NewGuid():N}@web.test", displayName = name, password = "hub-user-password", roles = new[] { Roles.Sales } });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var scope = factory.Services.CreateScope();
        var token = await scope.ServiceProvider.GetRequiredService<Monfri.Application.Common.Security.IIdentityService>()
            .CreateApiTokenAsync(id, "hub", null, CancellationToken.None);
        return (id, token.Value.Secret);
    }

    private async Task RepsSeeOnlyOwnRecordsAsync(bool on)
    {
        var settings = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/settings/workspace");
        var saved = await Admin.PutAsJsonAsync("/api/v1/settings/workspace", new
        {
            repsSeeOnlyOwnRecords = on,
            lifecycleStages = settings.GetProperty("lifecycleStages"),
            defaultCurrency = settings.GetProperty("defaultCurrency").GetString(),
            version = settings.GetProperty("version").GetUInt32(),
        });
        saved.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_cannot_follow_another_reps_contact_or_company_on_the_hub()
    {
        _ = factory.Services;
        var (_, annToken) = await RepAsync("Ann");
        var (benId, benToken) = await RepAsync("Ben");
        var ben = factory.ClientWithToken(benToken);
        var contact = await ben.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Bens", lastName = "Client", email = $"c{Guid.NewGuid():N}@web.test" });
        var contactId = (await contact.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var company = await ben.PostAsJsonAsync("/api/v1/companies", new { name = $"Bens Co {Guid.NewGuid():N}" });
        var companyId = (await company.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            await using var annHub = Connect(annToken);
            var annReceived = Channel.CreateUnbounded<JsonElement>();
            annHub.On<JsonElement>("update", u => annReceived.Writer.TryWrite(u));
            await annHub.StartAsync();

            var profile = await annHub.InvokeAsync<JsonElement>("Subscribe", $"profile:{contactId}");
            Assert.False(profile.GetProperty("subscribed").GetBoolean());
            Assert.Contains("may not follow", profile.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.False((await annHub.InvokeAsync<JsonElement>("Subscribe", $"company:{companyId}")).GetProperty("subscribed").GetBoolean());

            // Ben edits both: nothing reaches Ann, least of all who edited.
            var version = (await ben.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{contactId}")).GetProperty("version").GetUInt32();
            (await ben.PutAsJsonAsync($"/api/v1/contacts/{contactId}", new { version, firstName = "Bens", lastName = "Renamed", ownerId = benId })).EnsureSuccessStatusCode();
            var companyVersion = (await ben.GetFromJsonAsync<JsonElement>($"/api/v1/companies/{companyId}")).GetProperty("version").GetUInt32();
            (await ben.PutAsJsonAsync($"/api/v1/companies/{companyId}", new { version = companyVersion, name = $"Bens Renamed {Guid.NewGuid():N}", ownerId = benId })).EnsureSuccessStatusCode();
            await Task.Delay(300);
            Assert.False(annReceived.Reader.TryRead(out var leaked), $"Ann received {leaked}");
        }
        finally
        {
            await RepsSeeOnlyOwnRecordsAsync(false);
        }
    }

    [Fact]
    public async Task A_rep_following_their_contact_stops_receiving_its_updates_once_it_is_reassigned()
    {
        _ = factory.Services;
        var (_, annToken) = await RepAsync("Ann");
        var (benId, benToken) = await RepAsync("Ben");
        var ann = factory.ClientWithToken(annToken);
        var contact = await ann.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Anns", lastName = "Client" });
        var contactId = (await contact.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            await using var annHub = Connect(annToken);
            var annReceived = Channel.CreateUnbounded<JsonElement>();
            annHub.On<JsonElement>("update", u => annReceived.Writer.TryWrite(u));
            await annHub.StartAsync();
            await annHub.InvokeAsync("Subscribe", $"profile:{contactId}");

            var version = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{contactId}")).GetProperty("version").GetUInt32();
            (await Admin.PutAsJsonAsync($"/api/v1/contacts/{contactId}", new { version, firstName = "Anns", lastName = "Client", ownerId = benId })).EnsureSuccessStatusCode();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var hidden = await annReceived.Reader.ReadAsync(timeout.Token);
            Assert.Equal("record.hidden", hidden.GetProperty("kind").GetString());

            var ben = factory.ClientWithToken(benToken);
            version = (await ben.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{contactId}")).GetProperty("version").GetUInt32();
            (await ben.PutAsJsonAsync($"/api/v1/contacts/{contactId}", new { version, firstName = "Anns", lastName = "Former", ownerId = benId })).EnsureSuccessStatusCode();
            await Task.Delay(300);
            Assert.False(annReceived.Reader.TryRead(out var leaked), $"Ann received {leaked}");
        }
        finally
        {
            await RepsSeeOnlyOwnRecordsAsync(false);
        }
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_receives_only_their_own_deals_on_the_hub()
    {
        _ = factory.Services;
        var (_, annToken) = await RepAsync("Ann");
        var (_, benToken) = await RepAsync("Ben");
        var pipeline = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines"))[0];
        var pipelineId = pipeline.GetProperty("id").GetGuid();
        await RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            await using var annHub = Connect(annToken);
            await using var adminHub = Connect(MonfriWebFactory.AdminToken);
            var annReceived = Channel.CreateUnbounded<JsonElement>();
            var adminReceived = Channel.CreateUnbounded<JsonElement>();
            annHub.On<JsonElement>("update", u => annReceived.Writer.TryWrite(u));
            adminHub.On<JsonElement>("update", u => adminReceived.Writer.TryWrite(u));
            await annHub.StartAsync();
            await adminHub.StartAsync();
            await annHub.InvokeAsync("Subscribe", $"pipeline:{pipelineId}");
            await adminHub.InvokeAsync("Subscribe", $"pipeline:{pipelineId}");

            (await factory.ClientWithToken(benToken).PostAsJsonAsync("/api/v1/deals", new { name = "Ben's secret deal" })).EnsureSuccessStatusCode();
            (await factory.ClientWithToken(annToken).PostAsJsonAsync("/api/v1/deals", new { name = "Ann's own deal" })).EnsureSuccessStatusCode();

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var adminFirst = await adminReceived.Reader.ReadAsync(timeout.Token);
            var adminSecond = await adminReceived.Reader.ReadAsync(timeout.Token);
            Assert.Equal(["Ben's secret deal", "Ann's own deal"], new[] { adminFirst, adminSecond }.Select(u => u.GetProperty("data").GetProperty("name").GetString()));
            var annFirst = await annReceived.Reader.ReadAsync(timeout.Token);
            Assert.Equal("Ann's own deal", annFirst.GetProperty("data").GetProperty("name").GetString());
            await Task.Delay(300);
            Assert.False(annReceived.Reader.TryRead(out _));
        }
        finally
        {
            await RepsSeeOnlyOwnRecordsAsync(false);
        }
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
