using System.Net;
using System.Text.Json;
using Monfri.TestSupport;
using Monfri.Web.Endpoints.Collection;
using Npgsql;

namespace Monfri.Compat.Tests;

[CollectionDefinition(Name)]
public sealed class CompatCollection : ICollectionFixture<CompatMonfri>
{
    public const string Name = "Monfri with official SDK clients";
}

/// <summary>
/// One real Monfri (its own database) with two sources provisioned from configuration, as an operator would:
/// a website that only accepts the test site's origin, and a backend. Plus the test website and the npm clients.
/// </summary>
public sealed class CompatMonfri : IAsyncLifetime
{
    public const string WebsiteKey = "compat-website-write-key-0001";
    public const string BackendKey = "compat-backend-write-key-0002";

    public MonfriProcess App { get; private set; } = null!;
    public PageServer Site { get; private set; } = null!;
    public BrowserFixture Browser { get; } = new();
    public string Database { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The test site serves the SDKs' browser builds out of node_modules, so they are installed first
        // (on a fresh clone the folder does not exist until npm ci has run).
        await NodeClients.EnsureInstalledAsync();
        Database = await TestPostgres.CreateDatabaseAsync("compat");
        var port = MonfriProcess.FreePort();
        var monfriUrl = $"http://127.0.0.1:{port}";
        Site = await PageServer.StartAsync(html => html
            .Replace("{{monfri}}", monfriUrl, StringComparison.Ordinal)
            .Replace("{{writeKey}}", WebsiteKey, StringComparison.Ordinal)
            .Replace("{{snippet}}", Tracker.Snippet(monfriUrl, WebsiteKey), StringComparison.Ordinal));
        App = await MonfriProcess.StartAsync(Settings(Database, Site.Origin), port: port);
        Admin = App.AdminClient();
    }

    public static Dictionary<string, string?> Settings(string database, string? siteOrigin) => new()
    {
        ["ConnectionStrings__Monfri"] = database,
        ["Monfri__Bootstrap__Sources__0__Name"] = "Compat website",
        ["Monfri__Bootstrap__Sources__0__WriteKey"] = WebsiteKey,
        ["Monfri__Bootstrap__Sources__0__Kind"] = "Website",
        ["Monfri__Bootstrap__Sources__0__AllowedOrigins__0"] = siteOrigin ?? "https://compat.example.test",
        ["Monfri__Bootstrap__Sources__1__Name"] = "Compat backend",
        ["Monfri__Bootstrap__Sources__1__WriteKey"] = BackendKey,
        ["Monfri__Bootstrap__Sources__1__Kind"] = "Server",
    };

    /// <summary>
    /// Waits until the profile with this identifier has <paramref name="count"/> events and the intake is empty,
    /// then returns them oldest first. Fails if more arrive than expected.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> EventsAsync(string identity, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<JsonElement> events = [];
        while (DateTime.UtcNow < deadline)
        {
            var response = await Admin.GetAsync($"/api/v1/profiles/{Uri.EscapeDataString(identity)}/events?pageSize=100");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var page = await response.Content.ReadFromJsonAsync<JsonElement>();
                events = page.GetProperty("items").EnumerateArray().Reverse().ToList();
                if (events.Count >= count && await IntakeIsEmptyAsync(Database))
                {
                    // Read once more after the intake drained: a late duplicate would show up here.
                    page = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/profiles/{Uri.EscapeDataString(identity)}/events?pageSize=100");
                    return page.GetProperty("items").EnumerateArray().Reverse().ToList();
                }
            }

            await Task.Delay(150);
        }

        throw new TimeoutException($"{identity} has {events.Count} event(s), expected {count}:\n{string.Join('\n', events)}\n{App.Output}");
    }

    public async Task<JsonElement> ProfileAsync(string identity)
    {
        var response = await Admin.GetAsync($"/api/v1/profiles/{Uri.EscapeDataString(identity)}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET profile {identity}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Nothing waits in the intake, and nothing was set aside as unprocessable.</summary>
    public static async Task<bool> IntakeIsEmptyAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*)::int, count(failed_at)::int FROM cdp_intake", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetInt32(1) == 0, "an intake request was set aside as unprocessable");
        return reader.GetInt32(0) == 0;
    }

    /// <summary>Message ids stored more than once for one source (there must be none).</summary>
    public static async Task<IReadOnlyList<string>> DuplicatesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT message_id FROM cdp_events GROUP BY source_id, message_id HAVING count(*) > 1", connection);
        var duplicates = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            duplicates.Add(reader.GetString(0));
        }

        return duplicates;
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        await Browser.DisposeAsync();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Site is not null)
        {
            await Site.DisposeAsync();
        }
    }
}
