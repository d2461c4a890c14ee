using System.Net.Http.Headers;
using System.Text;
using Mediator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Domain.Privacy;
using Monfri.Infrastructure.Demo;
using Monfri.Infrastructure.Identity;
using Monfri.Infrastructure.Persistence;
using Monfri.Web.Security;

namespace Monfri.Web.Demo;

/// <summary>
/// While the demo is on, sends a steady trickle of generated visitors (<see cref="DemoLiveVisitors"/>) to this
/// Monfri's own public collection endpoint (<c>/v1/batch</c>, Basic auth with the demo sources' write keys), so the
/// demo exercises the real API: Visitors and profiles move from the first minute. Now and then a demo rep moves one
/// of their deals to the next stage through the normal move command, so open boards move too. Runs only on a demo
/// workspace with Monfri:Demo:Enabled on and Monfri:Demo:LiveTraffic:EventsPerSecond above 0.
/// </summary>
public sealed class DemoLiveTraffic(
    IServer server,
    IHostApplicationLifetime lifetime,
    DemoWorkspace workspace,
    IOptions<DemoOptions> options,
    IDbContextFactory<MonfriDbContext> dbFactory,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<DemoLiveTraffic> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    /// <summary>Events sent so far (the rate test reads it; the screens read the database).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    private long _sent;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rate = options.Value.LiveTraffic.EventsPerSecond;
        if (!options.Value.Enabled || rate <= 0)
        {
            return;
        }

        // The server's address is known once it listens.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        if (!workspace.IsActive)
        {
            return;
        }

        try
        {
            await RunAsync(rate, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(double rate, CancellationToken stoppingToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var keys = await db.Sources.AsNoTracking()
            .Where(s => s.Name == DemoDataSeeder.WebsiteSourceName || s.Name == DemoDataSeeder.BackendSourceName)
            .ToDictionaryAsync(s => s.Name, s => s.WriteKey, stoppingToken);
        if (!keys.TryGetValue(DemoDataSeeder.WebsiteSourceName, out var websiteKey) || !keys.TryGetValue(DemoDataSeeder.BackendSourceName, out var backendKey))
        {
            logger.LogInformation("The demo sources are gone; no live demo traffic");
            return;
        }

        var contacts = await db.People.AsNoTracking().Where(p => p.IsContact && p.Email != null && p.Email.EndsWith(".example"))
            .OrderBy(p => p.Email).Take(5000)
            .Select(p => new DemoLiveContact(p.Email!, p.FirstName, p.LastName)).ToListAsync(stoppingToken);
        var suppressed = await db.PrivacyRequests.AsNoTracking()
            .Where(r => r.Kind == PrivacyRequestKind.Suppress && r.IdentityType == "email" && r.LiftedAt == null)
            .Select(r => r.IdentityValue).FirstOrDefaultAsync(stoppingToken);
        var visitors = new DemoLiveVisitors(contacts, suppressed, Environment.TickCount) { OpenVisits = Math.Clamp((int)Math.Ceiling(rate * 4), 3, 200) };

        using var http = new HttpClient { BaseAddress = BaseAddress(), Timeout = TimeSpan.FromSeconds(10) };
        var website = Authorization(websiteKey);
        var backend = Authorization(backendKey);
        logger.LogInformation("Demo live traffic: about {Rate} events/s to {Address}v1/batch", rate, http.BaseAddress);

        var owed = 0.0;
        var last = clock.GetUtcNow();
        var nextMove = last + TimeSpan.FromSeconds(Random.Shared.Next(20, 60));
        using var timer = new PeriodicTimer(Tick);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = clock.GetUtcNow();
            // A slow answer (a busy machine) is made up within a few seconds; whatever was owed before a longer pause is
            // forgotten: the generator keeps a rate, it does not flood the intake to catch up.
            owed = Math.Min(owed + rate * (now - last).TotalSeconds, Math.Max(1, rate * 5));
            last = now;
            var count = (int)owed;
            if (count > 0)
            {
                owed -= count;
                var batch = visitors.Next(count, now);
                await Task.WhenAll(
                    SendAsync(http, website, batch.Website, batch.WebsiteEvents, stoppingToken),
                    SendAsync(http, backend, batch.Backend, batch.BackendEvents, stoppingToken));
            }

            if (now >= nextMove)
            {
                nextMove = now + TimeSpan.FromSeconds(Random.Shared.Next(30, 90));
                await MoveADealAsync(stoppingToken);
            }
        }
    }

    private async Task SendAsync(HttpClient http, AuthenticationHeaderValue authorization, byte[]? body, int events, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/batch") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = authorization;
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Add(ref _sent, events);
            }
            else
            {
                // Like an SDK on 429/5xx the events are dropped here; the trickle goes on.
                logger.LogWarning("Demo live traffic: the collection API answered {Status}", (int)response.StatusCode);
            }
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "Demo live traffic could not reach the collection API");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Demo live traffic: the collection API did not answer in time");
        }
    }

    /// <summary>A demo rep moves one of their open sales deals one stage on, as they would by dragging its card.</summary>
    private async Task MoveADealAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var reps = await db.Users.AsNoTracking().Where(u => u.IsActive && u.Email != null && u.Email.StartsWith("sales") && u.Email.EndsWith("@" + DemoDataSeeder.EmailDomain))
                .Select(u => u.Id).ToListAsync(cancellationToken);
            var pipeline = await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Name == DemoDataSeeder.SalesPipelineName, cancellationToken);
            if (reps.Count == 0 || pipeline is null)
            {
                return;
            }

            var open = pipeline.OpenStages.OrderBy(s => s.Order).ToList();
            var movable = open.Take(open.Count - 1).Select(s => s.Id).ToList();
            var candidates = await db.Deals.AsNoTracking()
                .Where(d => d.PipelineId == pipeline.Id && d.Status == DealStatus.Open && d.OwnerId != null && reps.Contains(d.OwnerId.Value) && movable.Contains(d.StageId))
                .OrderBy(d => d.Id).Select(d => new { d.Id, d.StageId, d.Version, d.OwnerId }).Take(200).ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                return;
            }

            var deal = candidates[Random.Shared.Next(candidates.Count)];
            var target = open[open.FindIndex(s => s.Id == deal.StageId) + 1];
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var rep = await users.FindByIdAsync(deal.OwnerId!.Value.ToString());
            if (rep is null)
            {
                return;
            }

            var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(rep);
            scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(principal);
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new MoveDealToStageCommand(deal.Id, target.Id, deal.StageId, deal.Version), cancellationToken);
            if (!result.IsSuccess)
            {
                // A required field or a rule of the stage: the rep leaves that card where it is.
                logger.LogDebug("Demo live traffic did not move a deal: {Error}", result.ErrorMessage);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Demo live traffic could not move a deal");
        }
    }

    private Uri BaseAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
        address = address.Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://+", "://localhost").Replace("://*", "://localhost");
        return new Uri(address.TrimEnd('/') + "/");
    }

    private static AuthenticationHeaderValue Authorization(string writeKey) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
}
