using System.Security.Claims;
using System.Text.Json;
using Bunit;
using Mediator;
using Monfri.Application.Cdp.Collection;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Sources;
using Monfri.Application.Common.Live;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Ingestion;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Web.Features.Profiles;
using Monfri.Web.Security;
using Monfri.Application.Cdp.Sources.CreateSource;
using Monfri.Application.Cdp.Profiles.GetProfile;

namespace Monfri.Web.Tests.Components;

/// <summary>Monfri with its ingest workers running: events sent to the intake reach profiles and live topics.</summary>
public sealed class ProfileDatabase : IAsyncLifetime
{
    public MonfriServices App { get; private set; } = null!;
    public ClaimsPrincipal Admin { get; private set; } = null!;
    private Guid _sourceId;

    public async Task InitializeAsync()
    {
        App = await MonfriServices.StartAsync("profiles");
        Admin = await App.AdminAsync();
        _sourceId = (await App.SendAs(Admin, new CreateSourceCommand(new SourceInput("Website", SourceKind.Website, [])))).Value.Id;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public async Task SendAsync(params object[] events)
    {
        var (batch, failure) = EventBatchParser.Parse(JsonSerializer.SerializeToUtf8Bytes(new { batch = events }), null, DateTimeOffset.UtcNow);
        Assert.Null(failure);
        await App.Get<IngestIntake>().AppendAsync(_sourceId, DateTimeOffset.UtcNow, batch!.AcceptedJson, batch.AcceptedCount, CancellationToken.None);
    }

    /// <summary>The person an anonymous id or user id belongs to, once the workers have stored the events.</summary>
    public async Task<Guid> PersonAsync(string type, string value)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var found = await App.SendAs(Admin, new GetProfileQuery(type, value));
            if (found.IsSuccess)
            {
                return found.Value.Id;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No profile for {type}:{value}");
    }

    public static object Page(string anonymousId, string path, DateTimeOffset at) =>
        new { type = "page", anonymousId, messageId = Guid.NewGuid().ToString(), properties = new { path, title = $"Post {path}" }, timestamp = at.ToString("O") };
}

public sealed class ProfileTimelineTests(ProfileDatabase database) : MudTestContext, IClassFixture<ProfileDatabase>
{
    private MonfriServices App => database.App;

    private IRenderedComponent<ProfileTimeline> RenderAs(ClaimsPrincipal principal, Guid personId) =>
        RenderSignedIn<ProfileTimeline>(App, principal, p => p.Add(c => c.PersonId, personId));

    [Fact]
    public async Task Shows_events_activities_and_stage_changes_with_the_posts_read_before_signing_up_marked()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        var userId = $"alice-{Guid.NewGuid():N}";
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        await database.SendAsync(
            ProfileDatabase.Page(anon, "/blog/1", start),
            ProfileDatabase.Page(anon, "/blog/2", start.AddMinutes(1)),
            ProfileDatabase.Page(anon, "/blog/3", start.AddMinutes(2)));
        await database.PersonAsync(IdentityTypes.AnonymousId, anon);
        await database.SendAsync(new
        {
            type = "identify", anonymousId = anon, userId, messageId = Guid.NewGuid().ToString(), timestamp = start.AddMinutes(3).ToString("O"),
            traits = new { email = $"{userId}@example.com", firstName = "Alice", bio = "<b>bold</b>" },
        });
        var alice = await database.PersonAsync(IdentityTypes.UserId, userId);
        var call = await App.SendAs(database.Admin, new LogActivityCommand(ActivityType.Call, "Intro call", null, alice, null, null, start.AddMinutes(4)));
        Assert.True(call.IsSuccess, call.ErrorMessage);
        var deal = await App.SendAs(database.Admin, new CreateDealCommand { Name = "Alice's plan", ContactIds = [alice] });
        Assert.True(deal.IsSuccess, deal.ErrorMessage);

        var timeline = RenderAs(database.Admin, alice);

        timeline.WaitForAssertion(() => Assert.Equal(6, timeline.FindAll("[data-testid=timeline-item]").Count));
        var items = timeline.FindAll("[data-testid=timeline-item]");
        Assert.Equal(["stage", "activity", "event", "event", "event", "event"], items.Select(i => i.GetAttribute("data-kind")));
        Assert.Equal(["false", "false", "false", "true", "true", "true"], items.Select(i => i.GetAttribute("data-before-signup")));
        Assert.Equal(["Call: Intro call", "Identified", "Viewed Post /blog/3"], items.Skip(1).Take(3).Select(i => i.QuerySelector("[data-testid=timeline-title]")!.TextContent.Trim()));
        var divider = timeline.Find("[data-testid=before-signup-divider]");
        Assert.Contains("Before signing up · 3 page views while anonymous", divider.TextContent, StringComparison.Ordinal);
        Assert.Equal(3, timeline.FindAll("[data-testid=anonymous-era]").Count);

        // The identify's traits come from the browser: shown as text, never as markup.
        // Found again and clicked in one render: a live update of the shared workspace may re-render the list between.
        await timeline.InvokeAsync(() => timeline.FindAll("[data-testid=timeline-item]")[2].QuerySelector("[data-testid=timeline-expand]")!.ClickAsync(new()));
        var properties = timeline.Find("[data-testid=timeline-properties]");
        Assert.Contains("<b>bold</b>", properties.TextContent, StringComparison.Ordinal);
        Assert.Null(properties.QuerySelector("b"));
    }

    [Fact]
    public async Task A_new_event_for_the_person_appears_without_a_reload()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await database.SendAsync(ProfileDatabase.Page(anon, "/pricing", DateTimeOffset.UtcNow.AddMinutes(-1)));
        var visitor = await database.PersonAsync(IdentityTypes.AnonymousId, anon);
        var timeline = RenderAs(database.Admin, visitor);
        timeline.WaitForAssertion(() => Assert.Single(timeline.FindAll("[data-testid=timeline-item]")));

        await database.SendAsync(ProfileDatabase.Page(anon, "/checkout", DateTimeOffset.UtcNow));

        timeline.WaitForAssertion(() => Assert.Equal(
            ["Viewed Post /checkout", "Viewed Post /pricing"],
            timeline.FindAll("[data-testid=timeline-title]").Select(t => t.TextContent.Trim())));
    }

    [Fact]
    public async Task A_new_activity_and_a_deal_stage_move_appear_on_the_open_timeline_without_a_reload()
    {
        var pipeline = await App.DefaultPipelineAsync();
        var jane = await App.AddContactAsync("Jane", "Doe");
        var deal = await App.CreateDealAsync(database.Admin, new CreateDealCommand { Name = "Jane's plan", ContactIds = [jane] });
        var timeline = RenderAs(database.Admin, jane);
        timeline.WaitForAssertion(() => Assert.Equal(
            ["Deal Jane's plan created in Qualification"],
            timeline.FindAll("[data-testid=timeline-title]").Select(t => t.TextContent.Trim())));

        // Someone else, elsewhere: a call logged, then the deal moved.
        var call = await App.SendAs(database.Admin, new LogActivityCommand(ActivityType.Call, "Pricing call", null, jane, null, null));
        Assert.True(call.IsSuccess, call.ErrorMessage);
        var moved = await App.SendAs(database.Admin, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Proposal").Id, deal.Stage.Id, deal.Version));
        Assert.True(moved.IsSuccess, moved.ErrorMessage);

        timeline.WaitForAssertion(
            () => Assert.Equal(
                ["Deal Jane's plan moved from Qualification to Proposal", "Call: Pricing call", "Deal Jane's plan created in Qualification"],
                timeline.FindAll("[data-testid=timeline-title]").Select(t => t.TextContent.Trim())),
            TimeSpan.FromSeconds(5));
    }
}
