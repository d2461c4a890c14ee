using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Visitors;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Tests.Crm.Activities;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.Application.Cdp.Visitors.ListVisitorEvents;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;
using Monfri.Application.Cdp.Profiles.GetProfileTimeline;

namespace Monfri.Application.Tests.Cdp;

public sealed class ProfileTimelineTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(nameof(ProfileTimelineTests));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    /// <summary>Alice reads three posts anonymously, signs up, then sales logs a call and opens a deal with her.</summary>
    private async Task<Guid> AliceAsync(string userId)
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(anon, path: "/blog/1"), CdpWorld.Page(anon, path: "/blog/2"), CdpWorld.Page(anon, path: "/blog/3"));
        await _world.ProcessAsync();
        await _world.SendAsync(
            CdpWorld.Identify(anon, userId, new { email = $"{userId}@example.com", firstName = "Alice", lastName = "Lee" }),
            CdpWorld.Track(anon, userId, "Signed Up"));
        await _world.ProcessAsync();
        var alice = await _world.ProfileAsync(IdentityTypes.UserId, userId);
        var call = await _world.App.SendAs(_world.Admin, new LogActivityCommand(ActivityType.Call, "Intro call", null, alice.Id, null, null, DateTimeOffset.UtcNow.AddSeconds(-30)));
        Assert.True(call.IsSuccess, call.ErrorMessage);
        await new CrmRecords(_world.App).DealAsync("Alice's plan", null, null, alice.Id);
        return alice.Id;
    }

    private async Task<List<TimelineItemDto>> AllPagesAsync(Guid personId, int pageSize, string? kind = null, string? eventName = null)
    {
        var items = new List<TimelineItemDto>();
        string? after = null;
        do
        {
            var page = await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(personId, kind, eventName, after, pageSize));
            Assert.True(page.IsSuccess, page.ErrorMessage);
            Assert.True(page.Value.Items.Count <= pageSize);
            items.AddRange(page.Value.Items);
            after = page.Value.Next;
        }
        while (after is not null);

        return items;
    }

    [Fact]
    public async Task The_timeline_merges_events_activities_and_deal_stages_newest_first_across_pages()
    {
        var alice = await AliceAsync($"alice-{Guid.NewGuid():N}");

        var items = await AllPagesAsync(alice, pageSize: 2);

        Assert.Equal(
            ["Deal Alice's plan created in Qualified", "Call: Intro call", "Signed Up", "Identified", "Viewed /blog/3", "Viewed /blog/2", "Viewed /blog/1"],
            items.Select(i => i.Title));
        Assert.Equal(
            [TimelineKinds.Stage, TimelineKinds.Activity, TimelineKinds.Event, TimelineKinds.Event, TimelineKinds.Event, TimelineKinds.Event, TimelineKinds.Event],
            items.Select(i => i.Kind));
        Assert.Equal(items, await AllPagesAsync(alice, pageSize: 50));
    }

    [Fact]
    public async Task The_posts_read_before_signing_up_are_marked_as_before_signup()
    {
        var alice = await AliceAsync($"alice-{Guid.NewGuid():N}");

        var page = await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(alice));
        var items = page.Value.Items;

        Assert.Equal(["Viewed /blog/3", "Viewed /blog/2", "Viewed /blog/1"], items.Where(i => i.BeforeSignup).Select(i => i.Title));
        var identify = Assert.Single(items, i => i.EventType == "identify");
        Assert.Equal(identify.At, page.Value.KnownSince);
        var profile = await _world.App.SendAs(_world.Admin, new GetPersonProfileQuery(alice));
        Assert.Equal(("Alice Lee", true, identify.At), (profile.Value.DisplayName, profile.Value.IsContact, profile.Value.KnownSince));
        Assert.Contains(profile.Value.Identities, i => i.Type == IdentityTypes.AnonymousId);
        Assert.Contains(profile.Value.Identities, i => i.Type == IdentityTypes.UserId);
    }

    [Fact]
    public async Task A_batch_sent_without_timestamps_keeps_its_order_and_what_came_before_the_identify_is_before_signup()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        var userId = $"ben-{Guid.NewGuid():N}";
        // Without timestamps every event of the batch gets the time it arrived: one timestamp for all of them.
        var events = new List<object>();
        for (var i = 1; i <= 8; i++)
        {
            events.Add(new { type = "page", anonymousId = anon, messageId = Guid.NewGuid().ToString(), properties = new { path = $"/p/{i}" } });
        }

        events.Add(new { type = "identify", anonymousId = anon, userId, messageId = Guid.NewGuid().ToString(), traits = new { email = $"{userId}@example.com" } });
        events.Add(new { type = "track", anonymousId = anon, userId, messageId = Guid.NewGuid().ToString(), @event = "Signed Up" });
        events.Add(new { type = "page", anonymousId = anon, userId, messageId = Guid.NewGuid().ToString(), properties = new { path = "/welcome" } });
        await _world.SendAsync([.. events]);
        await _world.ProcessAsync();
        var ben = await _world.ProfileAsync(IdentityTypes.UserId, userId);

        var items = await AllPagesAsync(ben.Id, pageSize: 3);

        Assert.Single(items.Select(i => i.At).Distinct());
        Assert.Equal(
            ["Viewed /welcome", "Signed Up", "Identified", .. Enumerable.Range(1, 8).Reverse().Select(i => $"Viewed /p/{i}")],
            items.Select(i => i.Title));
        Assert.Equal([false, false, false, .. Enumerable.Repeat(true, 8)], items.Select(i => i.BeforeSignup));
        var first = await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(ben.Id, PageSize: 3));
        Assert.Equal(new BeforeSignupCounts(8, 8), first.Value.BeforeSignup);
        var visitors = await _world.App.SendAs(_world.Admin, new ListVisitorEventsQuery(new VisitorEventFilter(UrlContains: "/p/"), 500));
        Assert.Equal(Enumerable.Range(1, 8).Reverse().Select(i => $"/p/{i}"), visitors.Value.Events.Where(e => e.PersonId == ben.Id).Select(e => e.Url));
    }

    [Fact]
    public async Task The_before_signup_count_is_of_every_event_before_the_signup_not_only_the_loaded_ones()
    {
        var alice = await AliceAsync($"alice-{Guid.NewGuid():N}");
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(anon, path: "/a"), CdpWorld.Track(anon, null, "Scrolled"));
        await _world.ProcessAsync();

        var first = await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(alice, PageSize: 1));
        var second = await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(alice, After: first.Value.Next, PageSize: 1));
        var visitor = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);
        var anonymous = await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(visitor.Id));

        Assert.DoesNotContain(first.Value.Items, i => i.BeforeSignup);
        Assert.Equal(new BeforeSignupCounts(3, 3), first.Value.BeforeSignup);
        Assert.Null(second.Value.BeforeSignup);
        Assert.Null(anonymous.Value.BeforeSignup);
    }

    [Fact]
    public async Task Device_and_locale_come_from_the_latest_event_that_carries_each_not_from_a_later_server_event()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        const string Iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        await _world.SendAsync(
            new
            {
                type = "page", anonymousId = anon, messageId = Guid.NewGuid().ToString(), timestamp = CdpWorld.Now(), properties = new { path = "/" },
                context = new { userAgent = Iphone, locale = "de-DE", timezone = "Europe/Berlin", location = new { city = "Berlin", country = "Germany" } },
            },
            new
            {
                type = "track", anonymousId = anon, messageId = Guid.NewGuid().ToString(), timestamp = CdpWorld.Now(), @event = "Newsletter Opened",
                context = new { locale = "fr-FR" },
            },
            new
            {
                type = "track", anonymousId = anon, messageId = Guid.NewGuid().ToString(), timestamp = CdpWorld.Now(), @event = "Invoice Paid",
                context = new { library = new { name = "analytics-node", version = "6.0.0" } },
            });
        await _world.ProcessAsync();
        var visitor = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);

        var profile = await _world.App.SendAs(_world.Admin, new GetPersonProfileQuery(visitor.Id));

        Assert.Equal(new DeviceSummary("Safari", "iOS", "fr-FR", "Europe/Berlin", "Berlin, Germany"), profile.Value.Device);
    }

    [Fact]
    public async Task An_anonymous_visitor_has_no_signup_and_shows_as_an_anonymous_visitor()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(anon, path: "/pricing"));
        await _world.ProcessAsync();
        var visitor = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);

        var profile = await _world.App.SendAs(_world.Admin, new GetPersonProfileQuery(visitor.Id));
        var timeline = await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(visitor.Id));

        Assert.Equal(("Anonymous visitor", false, (DateTimeOffset?)null), (profile.Value.DisplayName, profile.Value.IsContact, profile.Value.KnownSince));
        var only = Assert.Single(timeline.Value.Items);
        Assert.False(only.BeforeSignup);
    }

    [Fact]
    public async Task The_event_name_filter_also_finds_page_views_by_the_title_the_timeline_shows()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(
            new { type = "page", anonymousId = anon, messageId = Guid.NewGuid().ToString(), timestamp = CdpWorld.Now(), properties = new { title = "Second steps", url = "https://shop.test/second" } },
            CdpWorld.Page(anon, path: "/other"));
        await _world.ProcessAsync();
        var visitor = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);

        Assert.Equal(["Viewed Second steps"], (await AllPagesAsync(visitor.Id, 5, eventName: "second")).Select(i => i.Title));
        var visitors = await _world.App.SendAs(_world.Admin, new ListVisitorEventsQuery(new VisitorEventFilter(EventName: "SECOND STEP"), 500));
        Assert.Contains(visitors.Value.Events, e => e.PersonId == visitor.Id);
    }

    [Fact]
    public async Task The_timeline_filters_by_kind_and_by_event_name()
    {
        var alice = await AliceAsync($"alice-{Guid.NewGuid():N}");

        Assert.Equal(3, (await AllPagesAsync(alice, 2, kind: "page")).Count);
        Assert.Equal(["Call: Intro call"], (await AllPagesAsync(alice, 2, kind: TimelineKinds.Activity)).Select(i => i.Title));
        Assert.Equal(5, (await AllPagesAsync(alice, 2, kind: TimelineKinds.Event)).Count);
        Assert.Equal(["Signed Up"], (await AllPagesAsync(alice, 2, eventName: "Signed Up")).Select(i => i.Title));
        Assert.Equal(["Signed Up"], (await AllPagesAsync(alice, 2, eventName: "signed up")).Select(i => i.Title));
        Assert.Equal(["Signed Up"], (await AllPagesAsync(alice, 2, eventName: "GNED")).Select(i => i.Title));
        Assert.Empty(await AllPagesAsync(alice, 2, eventName: "Signed_%"));
        ResultAssert.Status(ResultStatus.Invalid, await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(alice, Kind: "nonsense")));
        ResultAssert.Status(ResultStatus.Invalid, await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(alice, After: "garbage")));
    }

    [Fact]
    public async Task An_event_keeps_its_properties_and_context_as_json_text()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(new
        {
            type = "page", anonymousId = anon, messageId = Guid.NewGuid().ToString(), timestamp = CdpWorld.Now(),
            properties = new { url = "https://example.com/<script>", title = "Pricing" },
            context = new { userAgent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15", locale = "de-DE", timezone = "Europe/Berlin" },
        });
        await _world.ProcessAsync();
        var visitor = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);

        var item = Assert.Single((await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(visitor.Id))).Value.Items);
        var profile = (await _world.App.SendAs(_world.Admin, new GetPersonProfileQuery(visitor.Id))).Value;

        Assert.Equal(("Viewed Pricing", "https://example.com/<script>"), (item.Title, item.Detail));
        Assert.Contains("\"title\": \"Pricing\"", item.PropertiesJson, StringComparison.Ordinal);
        Assert.Contains("Europe/Berlin", item.ContextJson, StringComparison.Ordinal);
        Assert.Equal(new DeviceSummary("Safari", "macOS", "de-DE", "Europe/Berlin", null), profile.Device);
    }

    [Fact]
    public async Task The_visitor_stream_shows_the_latest_events_with_filters_and_who_is_active_now()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        var userId = $"vic-{Guid.NewGuid():N}";
        await _world.SendAsync(
            new
            {
                type = "page", anonymousId = anon, messageId = Guid.NewGuid().ToString(), timestamp = CdpWorld.Now(),
                properties = new { url = $"https://example.com/{userId}/pricing", title = "Pricing", referrer = "https://news.example" },
                context = new { campaign = new { source = "newsletter", medium = "email", name = "spring" } },
            },
            CdpWorld.Track(null, userId, "Ordered"));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Identify(null, userId, new { email = $"{userId}@example.com", firstName = "Vic" }));
        await _world.ProcessAsync();

        var byUrl = await _world.App.SendAs(_world.Admin, new ListVisitorEventsQuery(new VisitorEventFilter(UrlContains: $"{userId}/PRICING")));
        var identified = await _world.App.SendAs(_world.Admin, new ListVisitorEventsQuery(new VisitorEventFilter(IdentifiedOnly: true)));
        var ordered = await _world.App.SendAs(_world.Admin, new ListVisitorEventsQuery(new VisitorEventFilter(EventName: "Ordered", SourceId: _world.Source.Id), 5));
        var byPartOfName = await _world.App.SendAs(_world.Admin, new ListVisitorEventsQuery(new VisitorEventFilter(EventName: "ORDER"), 500));

        var page = Assert.Single(byUrl.Value.Events);
        Assert.Equal((anon, false, "Pricing", "https://news.example", "newsletter / email / spring", "Website"),
            (page.Who, page.Identified, page.Title, page.Referrer, page.Campaign, page.Source));
        Assert.DoesNotContain(identified.Value.Events, e => e.Who == anon);
        Assert.Contains(identified.Value.Events, e => e.Who == "Vic" && e.Identified);
        Assert.All(ordered.Value.Events, e => Assert.Equal("Ordered", e.Event));
        Assert.Contains(byPartOfName.Value.Events, e => e.Event == "Ordered" && e.PersonId == identified.Value.Events.First(i => i.Who == "Vic").PersonId);
        Assert.All(byPartOfName.Value.Events, e => Assert.Contains("order", e.Event, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(byUrl.Value.ActiveNow, a => a.Who == "Vic");
        Assert.Contains(byUrl.Value.ActiveNow, a => a.PersonId == page.PersonId);
    }

    [Fact]
    public async Task A_person_with_100000_events_pages_to_the_oldest_without_gaps_or_repeats()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(anon, path: "/first"));
        await _world.ProcessAsync();
        var visitor = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);
        // Many share a timestamp (ten per millisecond), so paging has to order ties by id as well.
        await _world.ScalarAsync($"""
            WITH inserted AS (
                INSERT INTO cdp_events (id, source_id, person_id, message_id, type, event, "timestamp", received_at, anonymous_id)
                SELECT gen_random_uuid(), '{_world.Source.Id}', '{visitor.Id}', 'bulk-' || i, 'track', 'Scrolled',
                       date_trunc('month', now()) + (i / 10) * interval '1 millisecond', now(), '{anon}'
                FROM generate_series(1, 100000) AS i
                RETURNING 1)
            SELECT count(*) FROM inserted
            """);
        await _world.ScalarAsync("ANALYZE cdp_events");

        var seen = new HashSet<string>();
        TimelineItemDto? previous = null;
        string? after = null;
        var pages = 0;
        do
        {
            var page = await _world.App.SendAs(_world.Admin, new GetProfileTimelineQuery(visitor.Id, After: after, PageSize: 200));
            Assert.True(page.IsSuccess, page.ErrorMessage);
            foreach (var item in page.Value.Items)
            {
                Assert.True(seen.Add(item.Id), $"{item.Id} was listed twice");
                Assert.True(previous is null || previous.At > item.At || (previous.At == item.At && string.CompareOrdinal(previous.Id, item.Id) > 0),
                    "The timeline is not newest first");
                previous = item;
            }

            after = page.Value.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(100_001, seen.Count);
        Assert.Equal(501, pages);
    }

    [Fact]
    public async Task Sales_may_read_profiles_but_not_the_visitor_stream()
    {
        var (_, rep) = await _world.App.CreateUserAsync("Sam", Roles.Sales);

        ResultAssert.Status(ResultStatus.Forbidden, await _world.App.SendAs(rep, new ListVisitorEventsQuery(new VisitorEventFilter())));
        ResultAssert.Status(ResultStatus.NotFound, await _world.App.SendAs(rep, new GetPersonProfileQuery(Guid.NewGuid())));
    }
}

/// <summary>Who is active now, in a workspace of its own: the count is of everyone, the list of the latest hundred.</summary>
public sealed class VisitorsActiveNowTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(nameof(VisitorsActiveNowTests));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Active_now_counts_everyone_with_an_event_in_the_last_five_minutes_and_lists_the_latest_hundred_apart()
    {
        var visitors = Enumerable.Range(1, 130).Select(i => $"{i:D3}-{Guid.NewGuid():N}").ToList();
        await _world.SendAsync([.. visitors.Select((anon, i) => new
        {
            type = "page", anonymousId = anon, messageId = Guid.NewGuid().ToString(), timestamp = CdpWorld.Now(), properties = new { url = $"https://shop.test/p/{i + 1}" },
        })]);
        await _world.SendAsync(new
        {
            type = "page", anonymousId = $"gone-{Guid.NewGuid():N}", messageId = Guid.NewGuid().ToString(),
            timestamp = DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O"), properties = new { url = "https://shop.test/old" },
        });
        await _world.ProcessAsync();

        var stream = await _world.App.SendAs(_world.Admin, new ListVisitorEventsQuery(new VisitorEventFilter()));

        Assert.Equal(130, stream.Value.ActiveCount);
        Assert.Equal(ListVisitorEventsHandler.MaxActiveListed, stream.Value.ActiveNow.Count);
        Assert.Equal(100, stream.Value.ActiveNow.Select(a => a.Who).Distinct().Count());
        // The latest first: visitors 130 down to 31, each with where they were.
        var latest = stream.Value.ActiveNow[0];
        Assert.Equal(($"130-{visitors[129][4..6]}…{visitors[129][^6..]}", false, "https://shop.test/p/130"), (latest.Who, latest.Identified, latest.LastPage));
        Assert.DoesNotContain(stream.Value.ActiveNow, a => a.LastPage == "https://shop.test/old");
    }
}

/// <summary>With "reps see only their own records" on, a contact's profile follows its owner; visitors belong to no one.</summary>
public sealed class ProfileOwnRecordsTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await CdpWorld.StartAsync(nameof(ProfileOwnRecordsTests));
        await new CrmRecords(_world.App).RepsSeeOnlyOwnRecordsAsync();
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_rep_sees_the_profile_of_their_own_contacts_and_of_anonymous_visitors_only()
    {
        var (ann, annPrincipal) = await _world.App.CreateUserAsync("Ann", Roles.Sales);
        var (_, bob) = await _world.App.CreateUserAsync("Bob", Roles.Sales);
        var (_, marketer) = await _world.App.CreateUserAsync("Mo", Roles.Marketing);
        var annsContact = await new CrmRecords(_world.App).ContactAsync("Carla", ownerId: ann.Id);
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(anon));
        await _world.ProcessAsync();
        var visitor = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);

        ResultAssert.Status(ResultStatus.NotFound, await _world.App.SendAs(bob, new GetPersonProfileQuery(annsContact.Id)));
        ResultAssert.Status(ResultStatus.NotFound, await _world.App.SendAs(bob, new GetProfileTimelineQuery(annsContact.Id)));
        ResultAssert.Status(ResultStatus.Ok, await _world.App.SendAs(annPrincipal, new GetPersonProfileQuery(annsContact.Id)));
        ResultAssert.Status(ResultStatus.Ok, await _world.App.SendAs(annPrincipal, new GetProfileTimelineQuery(annsContact.Id)));
        ResultAssert.Status(ResultStatus.Ok, await _world.App.SendAs(marketer, new GetPersonProfileQuery(annsContact.Id)));
        ResultAssert.Status(ResultStatus.Ok, await _world.App.SendAs(bob, new GetPersonProfileQuery(visitor.Id)));
        ResultAssert.Status(ResultStatus.Ok, await _world.App.SendAs(bob, new GetProfileTimelineQuery(visitor.Id)));
    }
}
