using System.Security.Claims;
using Bunit;
using Mediator;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Activities.CompleteTask;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.Web.Components.Shared;
using Monfri.Web.Security;

namespace Monfri.Web.Tests.Components;

/// <summary>Monfri's real services on a fresh database, shared by the timeline's component tests.</summary>
public sealed class TimelineDatabase : IAsyncLifetime
{
    public MonfriServices App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await MonfriServices.StartAsync("timeline");

    public async Task DisposeAsync() => await App.DisposeAsync();

    public async Task<Person> ContactAsync(string firstName)
    {
        var person = Person.CreateContact(
            new ContactDetails(firstName, "Doe", $"{firstName.ToLowerInvariant()}.{Guid.NewGuid():N}@example.test", [], null, null, null, null,
                LifecycleStages.Lead, null, [], new Dictionary<string, object?>()),
            DateTimeOffset.UtcNow);
        await using var scope = App.Provider.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IMonfriDbFactory>().CreateAsync();
        db.People.Add(person);
        await db.SaveChangesAsync();
        return person;
    }

    public async Task<Deal> DealAsync(string name, Guid? ownerId)
    {
        var now = DateTimeOffset.UtcNow;
        var pipeline = Pipeline.Create($"Sales {Guid.NewGuid():N}", [("Qualified", 20, null)], now);
        var deal = Deal.Create(
            new DealDetails(name, 1000m, "EUR", null, ownerId, null, [], [], new Dictionary<string, object?>()),
            pipeline.OpenStages.First(), ownerId, 0, now);
        await using var scope = App.Provider.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IMonfriDbFactory>().CreateAsync();
        db.Pipelines.Add(pipeline);
        db.Deals.Add(deal);
        await db.SaveChangesAsync();
        return deal;
    }
}

public sealed class ActivityTimelineTests(TimelineDatabase database) : MudTestContext, IClassFixture<TimelineDatabase>
{
    private MonfriServices App => database.App;

    /// <summary>Renders as <paramref name="principal"/>: the component's Mediator sends as that user, as in a circuit.</summary>
    private IRenderedComponent<ActivityTimeline> RenderAs(ClaimsPrincipal principal, Guid personId) =>
        RenderSignedIn<ActivityTimeline>(App, principal, p => p.Add(c => c.PersonId, personId));

    [Fact]
    public async Task Shows_notes_calls_and_tasks_newest_first_with_only_sanitized_markup()
    {
        var (_, rep) = await App.CreateUserAsync("Nora", Roles.Sales);
        var contact = await database.ContactAsync("Jane");
        var now = DateTimeOffset.UtcNow;
        await App.SendAs(rep, new LogActivityCommand(ActivityType.Note, "Met at the fair", """
            <p>Loves <b>espresso</b></p><script>alert('x')</script><p onclick="steal()">Ask about <a href="javascript:alert(1)">the trial</a></p>
            """, contact.Id, null, null, now.AddHours(-3)));
        await App.SendAs(rep, new LogActivityCommand(ActivityType.Call, "Pricing call", "<ul><li>wants 20 seats</li></ul>", contact.Id, null, null, now.AddHours(-2)));
        var done = (await App.SendAs(rep, new LogActivityCommand(ActivityType.Task, "Send deck", null, contact.Id, null, null, DueAt: now.AddHours(-5)))).Value;
        await App.SendAs(rep, new CompleteTaskCommand(done.Id));
        await App.SendAs(rep, new LogActivityCommand(ActivityType.Task, "Send quote", null, contact.Id, null, null, DueAt: now.AddHours(-1)));

        var timeline = RenderAs(rep, contact.Id);

        timeline.WaitForAssertion(() => Assert.Equal(4, timeline.FindAll("[data-testid=activity-item]").Count));
        var items = timeline.FindAll("[data-testid=activity-item]");
        Assert.Equal(["Send quote", "Pricing call", "Met at the fair", "Send deck"], items.Select(i => i.QuerySelector("[data-testid=activity-subject-text]")!.TextContent.Trim()));
        Assert.Equal(["Task", "Call", "Note", "Task"], items.Select(i => i.GetAttribute("data-type")));
        var bodies = timeline.FindAll("[data-testid=activity-body-html]");
        Assert.Equal(2, bodies.Count);
        Assert.Equal("espresso", bodies[1].QuerySelector("b")!.TextContent);
        Assert.Equal("wants 20 seats", bodies[0].QuerySelector("ul > li")!.TextContent);
        Assert.Empty(timeline.FindAll("[data-testid=activity-timeline] script"));
        var renderedBodies = string.Concat(bodies.Select(b => b.InnerHtml));
        Assert.Contains("the trial", renderedBodies, StringComparison.Ordinal);
        Assert.DoesNotContain("onclick", renderedBodies, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", renderedBodies, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert", renderedBodies, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Overdue", items[0].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Overdue", items[3].TextContent, StringComparison.Ordinal);
        Assert.Contains("monfri-task-done", items[3].InnerHtml, StringComparison.Ordinal);
        Assert.Contains("Nora", items[2].QuerySelector("[data-testid=activity-meta]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, timeline.FindAll("[data-testid=activity-complete]").Count);
    }

    [Fact]
    public async Task A_marketer_given_a_task_on_a_deal_can_tick_it_off_but_gets_no_edit_delete_or_composer_the_server_would_refuse()
    {
        var (rep, repPrincipal) = await App.CreateUserAsync("Quinn", Roles.Sales);
        var (marketer, marketerPrincipal) = await App.CreateUserAsync("Mara", Roles.Marketing);
        var deal = await database.DealAsync("Initech pilot", rep.Id);
        await App.SendAs(repPrincipal, new LogActivityCommand(
            ActivityType.Task, "Send the case study", null, null, null, deal.Id, DueAt: DateTimeOffset.UtcNow.AddDays(1), AssigneeId: marketer.Id));

        var timeline = RenderSignedIn<ActivityTimeline>(App, marketerPrincipal, p => p.Add(c => c.DealId, deal.Id));

        timeline.WaitForAssertion(() => Assert.Single(timeline.FindAll("[data-testid=activity-item]")));
        var done = timeline.Find("[data-testid=activity-complete]");
        Assert.False((done.QuerySelector("input") ?? done).HasAttribute("disabled"));
        Assert.Empty(timeline.FindAll("[data-testid=activity-edit]"));
        Assert.Empty(timeline.FindAll("[data-testid=activity-delete]"));
        Assert.Empty(timeline.FindAll("[data-testid=activity-composer]"));
    }

    [Fact]
    public async Task Logging_from_the_composer_puts_the_new_note_on_top_and_shows_what_is_missing()
    {
        var (_, rep) = await App.CreateUserAsync("Olaf", Roles.Sales);
        var contact = await database.ContactAsync("Pia");
        await App.SendAs(rep, new LogActivityCommand(ActivityType.Note, "Older note", null, contact.Id, null, null, DateTimeOffset.UtcNow.AddDays(-1)));
        var timeline = RenderAs(rep, contact.Id);
        timeline.WaitForAssertion(() => Assert.Single(timeline.FindAll("[data-testid=activity-item]")));

        await timeline.Find("[data-testid=activity-save]").ClickAsync(new());
        timeline.WaitForAssertion(() => Assert.Contains("Enter a subject.", timeline.Markup, StringComparison.Ordinal));

        await timeline.InvokeAsync(() => timeline.Find("input[data-testid=activity-subject]").Change("Follow-up booked"));
        await timeline.Find("[data-testid=activity-save]").ClickAsync(new());

        timeline.WaitForAssertion(() => Assert.Equal(2, timeline.FindAll("[data-testid=activity-item]").Count));
        Assert.Equal("Follow-up booked", timeline.FindAll("[data-testid=activity-subject-text]")[0].TextContent.Trim());
        Assert.Equal("", timeline.Find("input[data-testid=activity-subject]").GetAttribute("value") ?? "");
    }
}
