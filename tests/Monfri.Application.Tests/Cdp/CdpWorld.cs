using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Monfri.Application.Cdp.Collection;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Sources;
using Monfri.Application.Common.Results;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Ingestion;
using Monfri.TestSupport;
using Monfri.Application.Cdp.Sources.CreateSource;
using Monfri.Application.Cdp.Profiles.GetProfile;
using Monfri.Application.Cdp.Profiles.ListProfileEvents;
using Npgsql;

namespace Monfri.Application.Tests.Cdp;

/// <summary>
/// Monfri with its ingest workers switched off, so a test sends events into the intake and then runs the
/// processor itself — deterministic order, and races only where a test makes them.
/// </summary>
public sealed class CdpWorld : IAsyncDisposable
{
    private CdpWorld(MonfriServices app, ClaimsPrincipal admin, SourceDto source)
    {
        App = app;
        Admin = admin;
        Source = source;
    }

    public MonfriServices App { get; }
    public ClaimsPrincipal Admin { get; }
    public SourceDto Source { get; }

    public static async Task<CdpWorld> StartAsync(
        string hint, IDictionary<string, string?>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null)
    {
        var all = new Dictionary<string, string?> { ["Monfri:Ingest:RunWorkers"] = "false" };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        var app = await MonfriServices.StartAsync(hint, all, configureServices: configureServices);
        var admin = await app.AdminAsync();
        var source = await app.SendAs(admin, new CreateSourceCommand(new SourceInput("Website", SourceKind.Website, [])));
        Assert.True(source.IsSuccess, source.ErrorMessage);
        return new CdpWorld(app, admin, source.Value);
    }

    /// <summary>Accepts a batch as the collection API would (parse, validate, durable append); returns the rejections.</summary>
    public async Task<IReadOnlyList<RejectedEvent>> SendAsync(params object[] events)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { batch = events });
        var (batch, failure) = EventBatchParser.Parse(body, null, DateTimeOffset.UtcNow);
        Assert.Null(failure);
        if (batch!.AcceptedCount > 0)
        {
            await App.Get<IngestIntake>().AppendAsync(Source.Id, DateTimeOffset.UtcNow, batch.AcceptedJson, batch.AcceptedCount, CancellationToken.None);
        }

        return batch.Rejected;
    }

    /// <summary>Runs the workers' processing until the intake is empty.</summary>
    public async Task ProcessAsync()
    {
        while ((await App.Get<IngestProcessor>().ProcessOnceAsync(CancellationToken.None)).Claimed > 0)
        {
        }
    }

    public async Task<ProfileDto> ProfileAsync(string type, string value)
    {
        var result = await App.SendAs(Admin, new GetProfileQuery(type, value));
        Assert.True(result.IsSuccess, result.ErrorMessage);
        return result.Value;
    }

    public async Task<Result<ProfileDto>> TryProfileAsync(string type, string value) => await App.SendAs(Admin, new GetProfileQuery(type, value));

    public async Task<IReadOnlyList<Monfri.Application.Cdp.Common.ProfileEventDto>> EventsAsync(string type, string value)
    {
        var result = await App.SendAs(Admin, new ListProfileEventsQuery(type, value, 0, 500));
        Assert.True(result.IsSuccess, result.ErrorMessage);
        return result.Value.Items;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int _clock;

    /// <summary>Client timestamps a millisecond apart, in call order, so timelines have a defined order.</summary>
    public static string Now() => DateTimeOffset.UtcNow.AddSeconds(-60).AddMilliseconds(Interlocked.Increment(ref _clock)).ToString("O");

    public static object Page(string anonymousId, string? userId = null, string? messageId = null, string? path = "/blog") =>
        new { type = "page", anonymousId, userId, messageId = messageId ?? Guid.NewGuid().ToString(), name = path, properties = new { path }, timestamp = Now() };

    public static object Track(string? anonymousId, string? userId, string @event, string? messageId = null) =>
        new { type = "track", anonymousId, userId, @event, messageId = messageId ?? Guid.NewGuid().ToString(), properties = new { plan = "pro" }, timestamp = Now() };

    public static object Identify(string? anonymousId, string? userId, object traits, string? messageId = null) =>
        new { type = "identify", anonymousId, userId, traits, messageId = messageId ?? Guid.NewGuid().ToString(), timestamp = Now() };

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
