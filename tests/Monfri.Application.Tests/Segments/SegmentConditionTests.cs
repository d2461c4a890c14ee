using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Common.Live;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.MarkDealWon;
using Monfri.Application.Crm.Settings;
using Monfri.Application.Segments;
using Monfri.Domain.Common;
using Monfri.Domain.Conditions;
using Monfri.Application.Crm.Contacts.GetContact;
using Monfri.Application.Crm.Contacts.UpdateContact;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Crm.Settings.UpdateWorkspaceSettings;
using Monfri.Application.Crm.Settings.GetWorkspaceSettings;
using Monfri.Application.Cdp.Profiles.GetProfileTraits;
using Monfri.Application.Segments.PreviewSegment;
using Monfri.Application.Segments.GetSegment;
using Monfri.Application.Segments.ListSegments;
using Monfri.Application.Segments.CreateSegment;
using static Monfri.Application.Tests.Segments.SegmentWorld;

namespace Monfri.Application.Tests.Segments;

/// <summary>Each kind of condition on known people, evaluated against real PostgreSQL; entering and leaving as data changes.</summary>
public sealed class SegmentConditionTests : IAsyncLifetime
{
    private SegmentWorld _s = null!;

    public async Task InitializeAsync() => _s = await SegmentWorld.StartAsync(nameof(SegmentConditionTests));

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static string Anon() => $"anon-{Guid.NewGuid():N}";

    private object Track(string? anonymousId, string? userId, string @event, object properties, TimeSpan ago) => new
    {
        type = "track",
        anonymousId,
        userId,
        @event,
        properties,
        messageId = Guid.NewGuid().ToString(),
        timestamp = (_s.Clock.GetUtcNow() - ago).ToString("O"),
    };

    [Fact]
    public async Task Event_field_and_identity_conditions_pick_exactly_the_people_they_describe()
    {
        var (a, b, c) = (Anon(), Anon(), Anon());
        var userC = $"user-{Guid.NewGuid():N}";
        await _s.World.SendAsync(
            Track(a, null, "Page Viewed", new { url = "https://x.example/pricing" }, TimeSpan.FromHours(3)),
            Track(a, null, "Page Viewed", new { url = "https://x.example/pricing?plan=pro" }, TimeSpan.FromHours(2)),
            Track(a, null, "Page Viewed", new { url = "https://x.example/pricing" }, TimeSpan.FromHours(1)),
            Track(b, null, "Page Viewed", new { url = "https://x.example/blog" }, TimeSpan.FromHours(1)),
            new { type = "identify", anonymousId = c, userId = userC, traits = new { plan = "pro", seats = 12 }, messageId = Guid.NewGuid().ToString(), timestamp = _s.Clock.GetUtcNow().AddMinutes(-30).ToString("O") },
            Track(c, userC, "Order Completed", new { revenue = 50 }, TimeSpan.FromMinutes(20)));
        await _s.SyncAsync();
        var (pa, pb, pc) = (await _s.PersonAsync(a), await _s.PersonAsync(b), await _s.PersonAsync(c));
        HashSet<Guid> mine = [pa, pb, pc];

        async Task<HashSet<Guid>> Of(Condition definition)
        {
            var segment = await _s.CreateAsync($"s-{Guid.NewGuid():N}", definition);
            var members = (await _s.MembersAsync(segment.Id)).Intersect(mine).ToHashSet();
            var preview = await _s.World.App.SendAs(_s.World.Admin, new PreviewSegmentQuery(definition));
            Assert.True(preview.IsSuccess, preview.ErrorMessage);
            Assert.Equal(segment.MemberCount, preview.Value.Count);
            return members;
        }

        var pricing = new PropertyCondition("url", ConditionOperator.Contains, Json("/pricing"));
        Assert.Equal([pa], await Of(new EventCondition("Page Viewed", EventFrequency.AtLeast, 3, [pricing], new TimeWindow(LastDays: 30))));
        Assert.Empty(await Of(new EventCondition("Page Viewed", EventFrequency.AtLeast, 4, [pricing])));
        Assert.Equal([pb], await Of(new EventCondition("Page Viewed", EventFrequency.Exactly, 1)));
        Assert.Equal([pb, pc], await Of(new EventCondition("Page Viewed", EventFrequency.AtMost, 1)));
        Assert.Equal([pa, pb], await Of(new EventCondition("Order Completed", EventFrequency.None)));
        Assert.Equal([pa, pb], await Of(new EventCondition("Page Viewed", EventFrequency.First, Window: new TimeWindow(LastDays: 1))));
        Assert.Equal([pc], await Of(new EventCondition("Order Completed", Where: [new("revenue", ConditionOperator.AtLeast, Json(50))])));
        Assert.Empty(await Of(new EventCondition("Order Completed", Where: [new("revenue", ConditionOperator.GreaterThan, Json("50"))])));

        Assert.Equal([pc], await Of(new IdentifiedCondition(true)));
        Assert.Equal([pa, pb], await Of(new IdentifiedCondition(false)));
        Assert.Equal([pc], await Of(Field("identify.plan", ConditionOperator.Equal, "PRO")));
        Assert.Equal([pc], await Of(Field("identify.seats", ConditionOperator.GreaterThan, 10)));
        Assert.Equal([pa, pb], await Of(Field("identify.plan", ConditionOperator.NotSet)));
        Assert.Equal([pa], await Of(Field("total_events", ConditionOperator.AtLeast, 3)));
        Assert.Equal([pc], await Of(Field("total_events", ConditionOperator.Equal, 2)));
        Assert.Equal([pa, pb, pc], await Of(Field("last_seen_at", ConditionOperator.InLastDays, 1)));
        Assert.Empty(await Of(Field("last_seen_at", ConditionOperator.Before, _s.Clock.GetUtcNow().AddDays(-2).ToString("yyyy-MM-dd"))));

        // NOT and OR nest: not (performed Order Completed or performed Page Viewed at least twice) = only b.
        Assert.Equal([pb], await Of(Not(Any(
            new EventCondition("Order Completed"),
            new EventCondition("Page Viewed", EventFrequency.AtLeast, 2)))));
        // NOT of a missing value is true: people without a plan are "not (plan = pro)".
        Assert.Equal([pa, pb], await Of(Not(Field("identify.plan", ConditionOperator.Equal, "pro"))));
        Assert.Equal([pa, pc], await Of(Any(
            All(new IdentifiedCondition(false), new EventCondition("Page Viewed", EventFrequency.AtLeast, 2)),
            Field("identify.plan", ConditionOperator.In, new[] { "basic", "pro" }))));
    }

    [Fact]
    public async Task A_relative_window_ages_people_out_on_the_scheduled_pass_and_the_exit_is_recorded()
    {
        var a = Anon();
        await _s.World.SendAsync(Track(a, null, "Signed Up", new { }, TimeSpan.FromDays(10)));
        await _s.SyncAsync();
        var pa = await _s.PersonAsync(a);
        var week = await _s.CreateAsync("Signed up this week", new EventCondition("Signed Up", Window: new TimeWindow(LastDays: 7)));
        var month = await _s.CreateAsync("Signed up this month", new EventCondition("Signed Up", Window: new TimeWindow(LastDays: 30)));
        var between = await _s.CreateAsync("Signed up in the range", new EventCondition(
            "Signed Up", Window: new TimeWindow(From: _s.Clock.GetUtcNow().AddDays(-11), To: _s.Clock.GetUtcNow().AddDays(-9))));
        Assert.DoesNotContain(pa, await _s.MembersAsync(week.Id));
        Assert.Contains(pa, await _s.MembersAsync(month.Id));
        Assert.Contains(pa, await _s.MembersAsync(between.Id));

        _s.Clock.Advance(TimeSpan.FromDays(25));
        await _s.Engine.EvaluateTimeRelativeAsync(CancellationToken.None);

        Assert.DoesNotContain(pa, await _s.MembersAsync(month.Id));
        Assert.Contains(pa, await _s.MembersAsync(between.Id));
        Assert.Equal(1, await _s.World.ScalarAsync(
            $"SELECT count(*) FROM segment_membership_changes WHERE segment_id = '{month.Id}' AND person_id = '{pa}' AND NOT entered AND reason = 'time window'"));
        Assert.Equal(0, (await _s.World.App.SendAs(_s.World.Admin, new GetSegmentQuery(month.Id))).Value.MemberCount);
    }

    [Fact]
    public async Task A_person_enters_when_an_event_arrives_and_the_segment_topic_hears_it()
    {
        var a = Anon();
        await _s.World.SendAsync(Track(a, null, "Trial Started", new { }, TimeSpan.FromMinutes(5)));
        await _s.SyncAsync();
        var segment = await _s.CreateAsync("Trial twice", new EventCondition("Trial Started", EventFrequency.AtLeast, 2));
        var pa = await _s.PersonAsync(a);
        Assert.DoesNotContain(pa, await _s.MembersAsync(segment.Id));

        var heard = new TaskCompletionSource<LiveUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _s.World.App.Get<ILiveFeed>().Subscribe(SegmentLive.Topic(segment.Id), _s.World.Admin, u =>
        {
            heard.TrySetResult(u);
            return ValueTask.CompletedTask;
        }).Value;
        await _s.World.SendAsync(Track(a, null, "Trial Started", new { }, TimeSpan.FromMinutes(1)));
        await _s.SyncAsync();

        Assert.Contains(pa, await _s.MembersAsync(segment.Id));
        var update = await heard.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(SegmentLive.Membership, update.Kind);
        Assert.Equal((1, 0, 1), update.DataAs<MembershipChange>() is { } c ? (c.Entered, c.Left, c.MemberCount) : default);
        var traits = await _s.World.App.SendAs(_s.World.Admin, new GetProfileTraitsQuery("anonymous_id", a));
        Assert.Equal(["Trial twice"], traits.Value.Segments);
    }

    [Fact]
    public async Task Crm_conditions_follow_field_edits_deal_moves_and_segments_of_segments()
    {
        var contact = (await _s.World.App.SendAs(_s.World.Admin, new CreateContactCommand
        {
            FirstName = "Ada", LastName = "Lead", Email = $"ada.{Guid.NewGuid():N}@example.test", LifecycleStage = "lead", Tags = ["vip"],
        })).Value;
        var other = (await _s.World.App.SendAs(_s.World.Admin, new CreateContactCommand
        {
            FirstName = "Bo", LastName = "Customer", Email = $"bo.{Guid.NewGuid():N}@example.test", LifecycleStage = "customer",
        })).Value;
        var deal = await _s.World.App.SendAs(_s.World.Admin, new CreateDealCommand { Name = "Big one", Amount = 5000, ContactIds = [contact.Id] });
        Assert.True(deal.IsSuccess, deal.ErrorMessage);

        var leads = await _s.CreateAsync("Leads", Field("lifecycle_stage", ConditionOperator.Equal, "lead"));
        var vipLeads = await _s.CreateAsync("VIP leads", All(new SegmentMembershipCondition(leads.Id), Field("tags", ConditionOperator.Contains, "VIP")));
        var openMoney = await _s.CreateAsync("Open money", Field("open_deal_value", ConditionOperator.AtLeast, 1000));
        var won = await _s.CreateAsync("Won lately", new DealCondition(DealState.Won, WithinDays: 30));
        var bigDeal = await _s.CreateAsync("Big deal", new DealCondition(DealState.Any, PipelineId: deal.Value.Pipeline.Id, AmountOp: ConditionOperator.GreaterThan, Amount: 4000));
        Assert.Contains(contact.Id, await _s.MembersAsync(leads.Id));
        Assert.DoesNotContain(other.Id, await _s.MembersAsync(leads.Id));
        Assert.Contains(contact.Id, await _s.MembersAsync(vipLeads.Id));
        Assert.Contains(contact.Id, await _s.MembersAsync(openMoney.Id));
        Assert.Contains(contact.Id, await _s.MembersAsync(bigDeal.Id));
        Assert.DoesNotContain(contact.Id, await _s.MembersAsync(won.Id));

        var winning = await _s.World.App.SendAs(_s.World.Admin, new MarkDealWonCommand(deal.Value.Id, deal.Value.Version));
        Assert.True(winning.IsSuccess, winning.ErrorMessage);
        await _s.SyncAsync();
        Assert.Contains(contact.Id, await _s.MembersAsync(won.Id));
        Assert.DoesNotContain(contact.Id, await _s.MembersAsync(openMoney.Id));

        // A field edit moves her out of Leads, and so out of the segment built on it, in the same pass.
        var current = (await _s.World.App.SendAs(_s.World.Admin, new GetContactQuery(contact.Id))).Value;
        var edited = await _s.World.App.SendAs(_s.World.Admin, new UpdateContactCommand
        {
            Id = contact.Id, Version = current.Version, FirstName = "Ada", LastName = "Lead", Email = current.Email, LifecycleStage = "customer", Tags = ["vip"],
        });
        Assert.True(edited.IsSuccess, edited.ErrorMessage);
        await _s.SyncAsync();
        Assert.DoesNotContain(contact.Id, await _s.MembersAsync(leads.Id));
        Assert.DoesNotContain(contact.Id, await _s.MembersAsync(vipLeads.Id));
        Assert.Equal(1, await _s.World.ScalarAsync(
            $"SELECT count(*) FROM segment_membership_changes WHERE segment_id = '{vipLeads.Id}' AND person_id = '{contact.Id}' AND NOT entered AND reason = 'data changed'"));
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_sees_only_their_own_members()
    {
        var (rep, repPrincipal) = await _s.World.App.CreateUserAsync("Rita", Roles.Sales);
        var settings = (await _s.World.App.SendAs(_s.World.Admin, new GetWorkspaceSettingsQuery())).Value;
        var updated = await _s.World.App.SendAs(_s.World.Admin, new UpdateWorkspaceSettingsCommand(true, settings.LifecycleStages, settings.DefaultCurrency, settings.Version));
        Assert.True(updated.IsSuccess, updated.ErrorMessage);
        var hers = (await _s.World.App.SendAs(_s.World.Admin, new CreateContactCommand { FirstName = "Hers", OwnerId = rep.Id, LifecycleStage = "subscriber" })).Value;
        var notHers = (await _s.World.App.SendAs(_s.World.Admin, new CreateContactCommand { FirstName = "NotHers", LifecycleStage = "subscriber" })).Value;
        var segment = await _s.CreateAsync("Subscribers", Field("lifecycle_stage", ConditionOperator.Equal, "subscriber"));

        Assert.Superset(new HashSet<Guid> { hers.Id, notHers.Id }, await _s.MembersAsync(segment.Id));
        Assert.Equal([hers.Id], await _s.MembersAsync(segment.Id, repPrincipal));
        Assert.Equal(1, (await _s.World.App.SendAs(repPrincipal, new ListSegmentsQuery())).Value.Single(s => s.Id == segment.Id).MemberCount);
        var preview = await _s.World.App.SendAs(repPrincipal, new PreviewSegmentQuery(Field("lifecycle_stage", ConditionOperator.Equal, "subscriber")));
        Assert.Equal(1, preview.Value.Count);
        var refused = await _s.World.App.SendAs(repPrincipal, new CreateSegmentCommand(new SegmentInput("Mine", null, new IdentifiedCondition())));
        Assert.Equal(Monfri.Application.Common.Results.ResultStatus.Forbidden, refused.Status);
    }

    [Fact]
    public async Task A_preview_stops_when_it_is_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _s.Engine.PreviewAsync(new IdentifiedCondition(), null, 10, cancelled.Token));
    }
}
