using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Contacts;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Traits;
using Monfri.TestSupport;
using Monfri.Application.Crm.Contacts.GetContact;
using Monfri.Application.Crm.Contacts.MergeContacts;
using Monfri.Application.Crm.Contacts.ListContacts;
using Monfri.Application.Cdp.Traits.ListTraitValues;
using Monfri.Application.Cdp.Traits.ListComputedTraits;
using Monfri.Application.Cdp.Traits.GetPersonTraits;
using Monfri.Application.Cdp.Traits.CreateComputedTrait;

namespace Monfri.Application.Tests.Cdp;

public sealed class ComputedTraitTests : IAsyncLifetime
{
    // The app's clock starts at the real time (events carry real timestamps) and is moved by hand for ageing.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(
        nameof(ComputedTraitTests),
        new Dictionary<string, string?> { ["Monfri:Traits:RunWorkers"] = "false", ["Monfri:Traits:BackfillChunk"] = "1" },
        services => services.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Every_kind_of_trait_has_its_value_after_a_sequence_of_orders_and_unusable_values_are_skipped_and_counted()
    {
        var keys = new Dictionary<TraitKind, string>();
        foreach (var kind in Enum.GetValues<TraitKind>())
        {
            keys[kind] = await DefineAsync(kind, kind is TraitKind.FirstValue or TraitKind.LastValue or TraitKind.MostFrequent or TraitKind.UniqueCount ? "product.category" : "revenue");
        }

        var anon = Anon();
        var now = _clock.GetUtcNow();
        // Revenue sometimes a number, sometimes a numeric string, once text and once missing: the text and the
        // missing one don't count, and nothing fails.
        await _world.SendAsync(
            Order(anon, now.AddMinutes(-50), 10, "books"),
            Order(anon, now.AddMinutes(-40), "20.5", "toys"),
            Order(anon, now.AddMinutes(-30), 5, "books"),
            Order(anon, now.AddMinutes(-20), "a lot", "books"),
            Order(anon, now.AddMinutes(-10), null, "games"),
            CdpWorld.Page(anon));
        await _world.ProcessAsync();

        var traits = await TraitsAsync(anon);
        Assert.Equal("5", traits[keys[TraitKind.EventCount]]);
        Assert.Equal("35.5", traits[keys[TraitKind.Sum]]);
        Assert.Equal("11.8333", traits[keys[TraitKind.Average]]);
        Assert.Equal("5", traits[keys[TraitKind.Min]]);
        Assert.Equal("20.5", traits[keys[TraitKind.Max]]);
        Assert.Equal("books", traits[keys[TraitKind.FirstValue]]);
        Assert.Equal("games", traits[keys[TraitKind.LastValue]]);
        Assert.Equal("books", traits[keys[TraitKind.MostFrequent]]);
        Assert.Equal("3", traits[keys[TraitKind.UniqueCount]]);

        var sum = (await _world.App.SendAs(_world.Admin, new ListComputedTraitsQuery())).Value.Single(t => t.Key == keys[TraitKind.Sum]);
        Assert.Equal(2, sum.SkippedEvents);
        Assert.Contains("not a number", sum.SkippedReason);
        Assert.Equal(6, (await _world.EventsAsync(IdentityTypes.AnonymousId, anon)).Count);
    }

    [Fact]
    public async Task A_late_event_lands_in_the_day_it_happened_and_counts_only_while_that_day_is_in_the_window()
    {
        var lastMonth = await DefineAsync(TraitKind.EventCount, null, windowDays: 30);
        var revenue = await DefineAsync(TraitKind.Sum, "revenue", windowDays: 30);
        var anon = Anon();
        var now = _clock.GetUtcNow();
        await _world.SendAsync(Order(anon, now.AddMinutes(-1), 1, "books"));
        await _world.ProcessAsync();

        // Arriving now, but they happened 10 and 40 days ago (an app that was offline).
        await _world.SendAsync(Order(anon, now.AddDays(-10), 20, "books"), Order(anon, now.AddDays(-40), 300, "books"));
        await _world.ProcessAsync();

        var traits = await TraitsAsync(anon);
        Assert.Equal(("2", "21"), (traits[lastMonth], traits[revenue]));
    }

    [Fact]
    public async Task A_windowed_value_drops_as_its_days_leave_the_window()
    {
        var lastWeek = await DefineAsync(TraitKind.EventCount, null, windowDays: 7);
        var allTime = await DefineAsync(TraitKind.EventCount, null);
        var anon = Anon();
        var now = _clock.GetUtcNow();
        await _world.SendAsync(Order(anon, now.AddDays(-3), 1, "a"), Order(anon, now.AddMinutes(-2), 1, "a"), Order(anon, now.AddMinutes(-1), 1, "a"));
        await _world.ProcessAsync();
        Assert.Equal("3", (await TraitsAsync(anon))[lastWeek]);

        _clock.Advance(TimeSpan.FromDays(5));
        Assert.True(await _world.App.Get<TraitAgeing>().RunOnceAsync(CancellationToken.None) >= 1);
        Assert.Equal(("2", "3"), ((await TraitsAsync(anon))[lastWeek], (await TraitsAsync(anon))[allTime]));

        _clock.Advance(TimeSpan.FromDays(3));
        await _world.App.Get<TraitAgeing>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(("0", "3"), ((await TraitsAsync(anon))[lastWeek], (await TraitsAsync(anon))[allTime]));
        Assert.Equal(0, await _world.ScalarAsync($"SELECT count(*) FROM cdp_trait_buckets b JOIN cdp_computed_traits t ON t.id = b.trait_id WHERE t.key = '{lastWeek}'"));
    }

    [Fact]
    public async Task When_a_visitor_signs_up_their_anonymous_orders_and_their_account_orders_add_up()
    {
        var revenue = await DefineAsync(TraitKind.Sum, "revenue");
        var orders = await DefineAsync(TraitKind.EventCount, null);
        var first = await DefineAsync(TraitKind.FirstValue, "product.category");
        var anon = Anon();
        var user = $"user-{Guid.NewGuid():N}";
        var now = _clock.GetUtcNow();
        await _world.SendAsync(Order(anon, now.AddMinutes(-30), 10, "books"), Order(anon, now.AddMinutes(-20), 20, "toys"));
        await _world.SendAsync(Order(null, now.AddMinutes(-10), 5, "games", user));
        await _world.ProcessAsync();
        Assert.Equal("5", (await TraitsAsync(user, IdentityTypes.UserId))[revenue]);

        await _world.SendAsync(CdpWorld.Identify(anon, user, new { email = $"{user}@example.test" }));
        await _world.ProcessAsync();

        var merged = await TraitsAsync(user, IdentityTypes.UserId);
        Assert.Equal(("35", "3", "books"), (merged[revenue], merged[orders], merged[first]));
        var profile = await _world.ProfileAsync(IdentityTypes.UserId, user);
        var traits = (await _world.App.SendAs(_world.Admin, new GetPersonTraitsQuery(profile.Id))).Value;
        Assert.Equal(4, traits.BuiltIn.TotalEvents);
        Assert.Equal(0, await _world.ScalarAsync(
            $"SELECT count(*) FROM cdp_trait_buckets WHERE person_id NOT IN (SELECT id FROM people)"));
    }

    [Fact]
    public async Task Rebuilding_people_from_their_events_restores_their_traits_and_stats()
    {
        var revenue = await DefineAsync(TraitKind.Sum, "revenue", windowDays: 30);
        var favourite = await DefineAsync(TraitKind.MostFrequent, "product.category");
        var anon = Anon();
        var now = _clock.GetUtcNow();
        await _world.SendAsync(Order(anon, now.AddDays(-2), 4, "toys"), Order(anon, now.AddDays(-1), 6, "toys"), Order(anon, now.AddDays(-40), 100, "books"));
        await _world.ProcessAsync();
        var before = await TraitsAsync(anon);
        var person = (await _world.ProfileAsync(IdentityTypes.AnonymousId, anon)).Id;

        // What an undo of a merge leaves behind: state that no longer matches the events.
        await _world.ScalarAsync($"DELETE FROM cdp_trait_buckets WHERE person_id = '{person}'; UPDATE cdp_profile_stats SET first_touch_source = 'stale' WHERE person_id = '{person}'; SELECT 1");
        await _world.App.Get<IComputedTraitMaintenance>().RecomputeAsync([person], CancellationToken.None);
        Assert.NotEqual(before[revenue], (await TraitsAsync(anon))[revenue]);

        await _world.App.Get<IComputedTraitMaintenance>().RebuildForPeopleAsync([person], CancellationToken.None);

        Assert.Equal(before, await TraitsAsync(anon));
        Assert.Equal(("10", "toys"), (before[revenue], before[favourite]));
        Assert.Equal(3, (await BuiltInAsync(anon)).TotalEvents);
    }

    [Fact]
    public async Task Merging_two_contacts_by_hand_adds_up_their_computed_and_built_in_traits()
    {
        var revenue = await DefineAsync(TraitKind.Sum, "revenue");
        var (keep, gone) = ($"keep-{Guid.NewGuid():N}", $"gone-{Guid.NewGuid():N}");
        var now = _clock.GetUtcNow();
        await _world.SendAsync(Order(null, now.AddMinutes(-9), 7, "books", keep), Order(null, now.AddMinutes(-8), 8, "books", gone), Order(null, now.AddMinutes(-7), 9, "books", gone));
        await _world.ProcessAsync();
        var keepId = (await _world.ProfileAsync(IdentityTypes.UserId, keep)).Id;
        var goneId = (await _world.ProfileAsync(IdentityTypes.UserId, gone)).Id;
        var a = (await _world.App.SendAs(_world.Admin, new GetContactQuery(keepId))).Value;
        var b = (await _world.App.SendAs(_world.Admin, new GetContactQuery(goneId))).Value;

        var merged = await _world.App.SendAs(_world.Admin, new MergeContactsCommand(keepId, goneId, null, a.Version, b.Version));
        Assert.True(merged.IsSuccess, merged.ErrorMessage);

        var traits = (await _world.App.SendAs(_world.Admin, new GetPersonTraitsQuery(keepId))).Value;
        Assert.Equal("24", traits.Computed.Single(t => t.Key == revenue).Display);
        Assert.Equal(3, traits.BuiltIn.TotalEvents);
    }

    [Fact]
    public async Task A_trait_defined_after_the_events_is_backfilled_to_the_same_values_as_live_ingest_without_counting_twice()
    {
        var live = await DefineAsync(TraitKind.Sum, "revenue");
        var liveCount = await DefineAsync(TraitKind.EventCount, null);
        var people = Enumerable.Range(0, 4).Select(_ => Anon()).ToList();
        var now = _clock.GetUtcNow();
        foreach (var (anon, i) in people.Select((a, i) => (a, i)))
        {
            await _world.SendAsync(Order(anon, now.AddDays(-i - 1), 10 * (i + 1), "books"), Order(anon, now.AddHours(-i - 1), 1, "toys"));
        }

        await _world.ProcessAsync();

        var backfilled = await DefineAsync(TraitKind.Sum, "revenue", backfill: false);
        var backfilledCount = await DefineAsync(TraitKind.EventCount, null, backfill: false);
        var trait = (await _world.App.SendAs(_world.Admin, new ListComputedTraitsQuery())).Value.Single(t => t.Key == backfilled);
        Assert.Equal(TraitStatus.Backfilling, trait.Status);

        // Events keep arriving while the backfill walks the people one at a time: for people it has done and
        // people it has not reached yet.
        var backfill = _world.App.Get<TraitBackfill>();
        await backfill.RunOnceAsync(CancellationToken.None, maxChunks: 2);
        foreach (var anon in people)
        {
            await _world.SendAsync(Order(anon, now.AddMinutes(-5), 100, "games"));
        }

        await _world.ProcessAsync();
        await backfill.RunOnceAsync(CancellationToken.None, maxChunks: 3);
        await _world.SendAsync(Order(people[0], now.AddMinutes(-4), 1000, "games"), Order(people[3], now.AddMinutes(-4), 1000, "games"));
        await _world.ProcessAsync();
        await backfill.RunOnceAsync(CancellationToken.None);

        var done = (await _world.App.SendAs(_world.Admin, new ListComputedTraitsQuery())).Value.Single(t => t.Key == backfilled);
        Assert.Equal((TraitStatus.Ready, 100), (done.Status, done.Progress));
        foreach (var anon in people)
        {
            var traits = await TraitsAsync(anon);
            Assert.Equal(traits[live], traits[backfilled]);
            Assert.Equal(traits[liveCount], traits[backfilledCount]);
        }

        Assert.Equal("1,111", (await TraitsAsync(people[0]))[backfilled]);
        Assert.Equal("4", (await TraitsAsync(people[3]))[backfilledCount]);
    }

    [Fact]
    public async Task The_contacts_list_sorts_and_filters_by_a_computed_trait_and_people_without_a_value_come_last()
    {
        var revenue = await DefineAsync(TraitKind.Sum, "revenue");
        var (big, small, none) = ($"big-{Guid.NewGuid():N}", $"small-{Guid.NewGuid():N}", $"none-{Guid.NewGuid():N}");
        var now = _clock.GetUtcNow();
        await _world.SendAsync(Order(null, now.AddMinutes(-3), 50, "books", big), Order(null, now.AddMinutes(-2), 5, "books", small), CdpWorld.Track(null, none, "Logged In"));
        await _world.ProcessAsync();
        var ids = new Dictionary<Guid, string>();
        foreach (var user in new[] { big, small, none })
        {
            ids[(await _world.ProfileAsync(IdentityTypes.UserId, user)).Id] = user;
        }

        async Task<string[]> ListAsync(Application.Common.Paging.SortDirection direction, params TraitCondition[] conditions)
        {
            var page = await _world.App.SendAs(_world.Admin, new ListContactsQuery(new ContactFilter { Traits = conditions }, $"trait:{revenue}", direction));
            Assert.True(page.IsSuccess, page.ErrorMessage);
            return [.. page.Value.Items.Select(c => ids[c.Id])];
        }

        Assert.Equal([big, small, none], await ListAsync(Application.Common.Paging.SortDirection.Descending));
        Assert.Equal([small, big, none], await ListAsync(Application.Common.Paging.SortDirection.Ascending));
        Assert.Equal([big], await ListAsync(Application.Common.Paging.SortDirection.Ascending, new TraitCondition(revenue, AtLeast: 10)));
        Assert.Equal([small], await ListAsync(Application.Common.Paging.SortDirection.Ascending, new TraitCondition(revenue, AtMost: 10)));

        var shown = (await _world.App.SendAs(_world.Admin, new ListTraitValuesQuery(revenue, [.. ids.Keys]))).Value;
        Assert.Equal(["50", "5", ""], ids.Keys.Select(id => shown[id]));
    }

    [Fact]
    public async Task A_backfill_running_while_events_arrive_and_profiles_merge_ends_with_the_same_values_as_live_ingest()
    {
        var live = await DefineAsync(TraitKind.Sum, "revenue");
        var liveFirst = await DefineAsync(TraitKind.FirstValue, "product.category");
        var visitors = Enumerable.Range(0, 24).Select(_ => Anon()).ToList();
        var now = _clock.GetUtcNow();
        var random = new Random(7);
        object RandomOrder(string anon) => Order(anon, now.AddMinutes(-random.Next(1, 5000)), random.Next(1, 100), $"c{random.Next(4)}");
        await _world.SendAsync([.. visitors.Select(RandomOrder)]);
        await _world.ProcessAsync();

        var backfilled = await DefineAsync(TraitKind.Sum, "revenue", backfill: false);
        var backfilledFirst = await DefineAsync(TraitKind.FirstValue, "product.category", backfill: false);
        var backfill = Task.Run(() => _world.App.Get<TraitBackfill>().RunOnceAsync(CancellationToken.None));
        for (var round = 0; round < 8; round++)
        {
            await _world.SendAsync([.. visitors.Select(RandomOrder)]);
            // Some visitors sign up, which merges them into their account's profile.
            if (round % 3 == 0)
            {
                var user = $"user-{Guid.NewGuid():N}";
                await _world.SendAsync(Order(null, now.AddMinutes(-random.Next(1, 5000)), 1000, "c9", user), CdpWorld.Identify(visitors[round], user, new { plan = "pro" }));
            }

            await Task.WhenAll(_world.ProcessAsync(), _world.ProcessAsync());
        }

        await backfill;
        await _world.App.Get<TraitBackfill>().RunOnceAsync(CancellationToken.None);
        foreach (var anon in visitors)
        {
            var traits = await TraitsAsync(anon);
            Assert.Equal((traits[live], traits[liveFirst]), (traits[backfilled], traits[backfilledFirst]));
        }
    }

    [Fact]
    public async Task A_window_of_zero_days_a_sum_without_a_property_and_a_bad_key_are_refused_with_the_reason()
    {
        var zero = await _world.App.SendAs(_world.Admin, new CreateComputedTraitCommand(Input("page_views_0", TraitKind.EventCount, null) with { WindowDays = 0 }));
        ResultAssert.Status(ResultStatus.Invalid, zero);
        Assert.Contains(zero.Errors, e => e.Field!.EndsWith("WindowDays", StringComparison.Ordinal) && e.Message.Contains("1 to 730", StringComparison.Ordinal));

        var noProperty = await _world.App.SendAs(_world.Admin, new CreateComputedTraitCommand(Input("total_revenue_x", TraitKind.Sum, null)));
        ResultAssert.Status(ResultStatus.Invalid, noProperty);
        Assert.Contains(noProperty.Errors, e => e.Field!.EndsWith("PropertyPath", StringComparison.Ordinal));

        var badKey = await _world.App.SendAs(_world.Admin, new CreateComputedTraitCommand(Input("Total Revenue", TraitKind.EventCount, null)));
        ResultAssert.Status(ResultStatus.Invalid, badKey);

        var builtIn = await _world.App.SendAs(_world.Admin, new CreateComputedTraitCommand(Input("total_events", TraitKind.EventCount, null)));
        ResultAssert.Status(ResultStatus.Invalid, builtIn);
        Assert.Contains(builtIn.Errors, e => e.Message.Contains("'total_events' is a built-in trait", StringComparison.Ordinal));

        var (_, rep) = await _world.App.CreateUserAsync("Rep", Domain.Common.Roles.Sales);
        ResultAssert.Status(ResultStatus.Forbidden, await _world.App.SendAs(rep, new CreateComputedTraitCommand(Input("by_a_rep", TraitKind.EventCount, null))));
    }

    [Fact]
    public async Task First_and_last_touch_come_from_the_campaign_else_the_referring_site_else_direct()
    {
        var anon = Anon();
        var now = _clock.GetUtcNow();
        await _world.SendAsync(
            Visit(anon, now.AddDays(-2), "https://shop.test/spring", referrer: null, campaign: new { source = "newsletter", medium = "email", name = "spring_sale" }),
            Visit(anon, now.AddHours(-1), "https://shop.test/", referrer: "https://www.google.com/search?q=shop"),
            // A click within the visit is not a new touch.
            Visit(anon, now.AddMinutes(-59), "https://shop.test/cart", referrer: "https://shop.test/"));
        await _world.ProcessAsync();

        var builtIn = await BuiltInAsync(anon);
        Assert.Equal(("newsletter", "email", "spring_sale"), (builtIn.FirstTouch!.Source, builtIn.FirstTouch.Medium, builtIn.FirstTouch.Campaign));
        Assert.Equal(("google", "organic", (string?)null), (builtIn.LastTouch!.Source, builtIn.LastTouch.Medium, builtIn.LastTouch.Campaign));
        Assert.Equal(3, builtIn.TotalEvents);

        var direct = Anon();
        await _world.SendAsync(Visit(direct, now.AddMinutes(-3), "https://shop.test/", referrer: null));
        await _world.ProcessAsync();
        var typedIn = await BuiltInAsync(direct);
        Assert.Equal(("direct", "(none)"), (typedIn.FirstTouch!.Source, typedIn.FirstTouch.Medium));

        // A visit that happened before the newsletter one but arrived last becomes the first touch.
        await _world.SendAsync(Visit(anon, now.AddDays(-5), "https://shop.test/", referrer: "https://news.example.org/post"));
        await _world.ProcessAsync();
        Assert.Equal(("news.example.org", "referral"), ((await BuiltInAsync(anon)).FirstTouch!.Source, (await BuiltInAsync(anon)).FirstTouch!.Medium));
    }

    [Theory]
    [InlineData("utm-in-page-url-only", "https://shop.test/lp?utm_source=linkedin&utm_medium=paid_social&utm_campaign=q1_abm", null, "linkedin", "paid_social", "q1_abm", "Paid social")]
    [InlineData("tags-beat-the-referrer", "https://shop.test/?utm_source=google&utm_medium=cpc&utm_campaign=brand%20search", "https://www.google.com/", "google", "cpc", "brand search", "Paid search")]
    [InlineData("gclid-is-paid-search", "https://shop.test/?gclid=Cj0KCQ", "https://www.google.com/", "google", "cpc", null, "Paid search")]
    [InlineData("msclkid-is-paid-search", "https://shop.test/?msclkid=abc123", "https://www.bing.com/", "bing", "cpc", null, "Paid search")]
    [InlineData("fbclid-is-paid-social", "https://shop.test/?fbclid=IwAR0", "https://l.facebook.com/", "facebook", "paid_social", null, "Paid social")]
    [InlineData("li_fat_id-is-paid-social", "https://shop.test/?li_fat_id=9f1c", null, "linkedin", "paid_social", null, "Paid social")]
    [InlineData("click-id-fills-what-tags-leave-out", "https://shop.test/?utm_campaign=spring&gclid=x", null, "google", "cpc", "spring", "Paid search")]
    [InlineData("search-engine-is-organic", "https://shop.test/", "https://www.google.co.uk/", "google", "organic", null, "Organic search")]
    [InlineData("social-site-is-social", "https://shop.test/", "https://www.linkedin.com/feed/", "linkedin", "social", null, "Organic social")]
    [InlineData("other-site-is-referral", "https://shop.test/", "https://news.example.org/post", "news.example.org", "referral", null, "Referral")]
    [InlineData("nothing-is-direct", "https://shop.test/", null, "direct", "(none)", null, "Direct")]
    public async Task A_page_view_tells_its_channel_from_the_tags_in_its_url_else_its_referrer_without_a_campaign_context(
        string name, string url, string? referrer, string source, string medium, string? campaign, string channel)
    {
        // Only context.page.url — as server-side senders and many SDK setups send it, with no context.campaign.
        var anon = $"anon-{name}-{Guid.NewGuid():N}";
        await _world.SendAsync(Shape(new { type = "page", context = new { page = new { url, referrer } } }, anon, _clock.GetUtcNow().AddMinutes(-3)));
        await _world.ProcessAsync();

        var touch = (await BuiltInAsync(anon)).FirstTouch!;
        Assert.Equal((source, medium, campaign, channel), (touch.Source, touch.Medium, touch.Campaign, touch.Channel));
    }

    [Fact]
    public async Task A_tagged_url_on_a_track_call_is_a_touch_and_a_later_untagged_click_within_the_site_is_not()
    {
        var anon = Anon();
        var now = _clock.GetUtcNow();
        await _world.SendAsync(
            Shape(new { type = "track", @event = "Signed Up", context = new { page = new { url = "https://shop.test/?utm_source=newsletter&utm_medium=email&utm_campaign=nov" } } }, anon, now.AddMinutes(-5)),
            Shape(new { type = "page", properties = new { url = "https://shop.test/pricing", referrer = "https://shop.test/" } }, anon, now.AddMinutes(-4)));
        await _world.ProcessAsync();

        var builtIn = await BuiltInAsync(anon);
        Assert.Equal(("newsletter", "email", "nov", "Email"), (builtIn.FirstTouch!.Source, builtIn.FirstTouch.Medium, builtIn.FirstTouch.Campaign, builtIn.FirstTouch.Channel));
        Assert.Equal(builtIn.FirstTouch, builtIn.LastTouch);
    }

    [Fact]
    public async Task Touches_at_the_same_moment_count_in_the_order_they_were_sent_at_ingest_and_in_a_rebuild()
    {
        // A newsletter click and a direct page view stamped the same millisecond (a batch without timestamps):
        // the one sent first is the first touch, the one sent last the last — not whichever name sorts first.
        var anon = Anon();
        var at = _clock.GetUtcNow().AddMinutes(-5);
        await _world.SendAsync(
            Shape(new { type = "page", properties = new { url = "https://shop.test/" }, context = new { campaign = new { source = "newsletter", medium = "email", name = "nov" } } }, anon, at),
            Shape(new { type = "page", properties = new { url = "https://shop.test/" } }, anon, at));
        await _world.ProcessAsync();

        var ingested = await BuiltInAsync(anon);
        Assert.Equal(("newsletter", "email", "nov"), (ingested.FirstTouch!.Source, ingested.FirstTouch.Medium, ingested.FirstTouch.Campaign));
        Assert.Equal(("direct", "(none)"), (ingested.LastTouch!.Source, ingested.LastTouch.Medium));

        var profile = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);
        await _world.App.Get<IComputedTraitMaintenance>().RebuildForPeopleAsync([profile.Id], CancellationToken.None);
        var rebuilt = await BuiltInAsync(anon);
        Assert.Equal(ingested.FirstTouch, rebuilt.FirstTouch);
        Assert.Equal(ingested.LastTouch, rebuilt.LastTouch);
    }

    [Theory]
    [MemberData(nameof(TouchCases))]
    public async Task The_touch_decided_at_ingest_is_the_one_a_rebuild_from_stored_events_finds(string name, object[] events)
    {
        // Ingest decides touches in the worker while it reads the event; a rebuild reads the same parts back from
        // the stored events. Both must agree on every shape of event, or a rebuild (undo of a merge) would move them.
        var anon = $"anon-{name}-{Guid.NewGuid():N}";
        var now = _clock.GetUtcNow();
        await _world.SendAsync(events.Select((e, i) => Shape(e, anon, now.AddMinutes(-10 + (i == 2 ? 0 : i)))).ToArray());
        await _world.ProcessAsync();
        var ingested = await BuiltInAsync(anon);

        var profile = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);
        await _world.App.Get<IComputedTraitMaintenance>().RebuildForPeopleAsync([profile.Id], CancellationToken.None);
        var rebuilt = await BuiltInAsync(anon);

        Assert.Equal(rebuilt.TotalEvents, ingested.TotalEvents);
        Assert.Equal(rebuilt.FirstTouch, ingested.FirstTouch);
        Assert.Equal(rebuilt.LastTouch, ingested.LastTouch);
    }

    public static TheoryData<string, object[]> TouchCases() => new()
    {
        { "context-page", [new { type = "page", context = new { page = new { url = "https://Shop.Test/a", referrer = "HTTPS://WWW.Google.COM:443/x" } } }] },
        { "properties-win", [new { type = "page", properties = new { url = "https://shop.test/", referrer = "https://bing.com/" }, context = new { page = new { referrer = "https://other.test/" } } }] },
        { "empty-referrer", [new { type = "page", properties = new { url = "https://shop.test/", referrer = "" } }] },
        { "same-site", [new { type = "page", properties = new { url = "https://www.shop.test/b", referrer = "https://shop.test/a" } }] },
        { "partial-campaign", [new { type = "track", @event = "Signed Up", context = new { campaign = new { medium = "cpc", name = "" } } }] },
        { "numeric-source", [new { type = "identify", traits = new { plan = "pro" }, context = new { campaign = new { source = 42, name = "n" } } }] },
        { "screen-and-ties", [
            new { type = "screen", name = "Home", properties = new { referrer = "android-app://com.example.app" } },
            new { type = "page", properties = new { url = "https://shop.test/", referrer = "https://zeta.test/" } },
            new { type = "page", properties = new { url = "https://shop.test/", referrer = "https://alpha.test/" } },
        ] },
        { "utm-in-context-page-url", [new { type = "page", context = new { page = new { url = "https://shop.test/?UTM_Source=LinkedIn&utm_medium=paid_social&utm_campaign=q1+abm", referrer = "https://www.linkedin.com/" } } }] },
        { "click-ids-and-search", [
            new { type = "page", properties = new { url = "https://shop.test/a?gclid=1", referrer = "https://www.google.com/" } },
            new { type = "page", properties = new { url = "https://shop.test/b", referrer = "https://duckduckgo.com/" } },
            new { type = "page", properties = new { url = "https://shop.test/c?fbclid=2", referrer = "https://m.facebook.com/" } },
        ] },
        { "tagged-track-and-page-search", [
            new { type = "track", @event = "Clicked", context = new { page = new { url = "https://shop.test/x?utm_source=partner&li_fat_id=3" } } },
            new { type = "page", properties = new { search = "?utm_medium=email&utm_campaign=news" }, context = new { page = new { url = "https://shop.test/y" } } },
        ] },
        { "userinfo-and-no-scheme", [
            new { type = "page", properties = new { url = "shop.test/x", referrer = "https://user:pw@Ref.Example.org/p" } },
            new { type = "page", properties = new { url = "https://shop.test/", referrer = "not a url" } },
        ] },
    };

    /// <summary>A case's event with this test's visitor, a message id and a timestamp.</summary>
    private static Dictionary<string, object?> Shape(object e, string anon, DateTimeOffset at)
    {
        var shaped = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(System.Text.Json.JsonSerializer.Serialize(e))!;
        shaped["anonymousId"] = anon;
        shaped["messageId"] = Guid.NewGuid().ToString();
        shaped["timestamp"] = at.ToString("O");
        return shaped;
    }

    private static string Anon() => $"anon-{Guid.NewGuid():N}";

    private static int _keys;

    private async Task<string> DefineAsync(TraitKind kind, string? property, int? windowDays = null, bool backfill = true)
    {
        var key = $"{kind.ToString().ToLowerInvariant()}_{Interlocked.Increment(ref _keys)}";
        var created = await _world.App.SendAs(_world.Admin, new CreateComputedTraitCommand(Input(key, kind, property) with { WindowDays = windowDays }));
        Assert.True(created.IsSuccess, created.ErrorMessage);
        if (backfill)
        {
            await _world.App.Get<TraitBackfill>().RunOnceAsync(CancellationToken.None);
        }

        return key;
    }

    private static ComputedTraitInput Input(string key, TraitKind kind, string? property) => new()
    {
        Key = key, Name = key, Kind = kind, EventType = "track", EventName = "Order Completed", PropertyPath = property,
    };

    private async Task<Dictionary<string, string>> TraitsAsync(string id, string type = IdentityTypes.AnonymousId)
    {
        var profile = await _world.ProfileAsync(type, id);
        var traits = await _world.App.SendAs(_world.Admin, new GetPersonTraitsQuery(profile.Id));
        Assert.True(traits.IsSuccess, traits.ErrorMessage);
        return traits.Value.Computed.ToDictionary(t => t.Key, t => t.Display);
    }

    private async Task<BuiltInTraitsDto> BuiltInAsync(string anon)
    {
        var profile = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);
        return (await _world.App.SendAs(_world.Admin, new GetPersonTraitsQuery(profile.Id))).Value.BuiltIn;
    }

    private static object Order(string? anon, DateTimeOffset at, object? revenue, string category, string? userId = null) => new
    {
        type = "track",
        anonymousId = anon,
        userId,
        @event = "Order Completed",
        messageId = Guid.NewGuid().ToString(),
        properties = revenue is null ? (object)new { product = new { category } } : new { revenue, product = new { category } },
        timestamp = at.ToString("O"),
    };

    private static object Visit(string anon, DateTimeOffset at, string url, string? referrer, object? campaign = null) => new
    {
        type = "page",
        anonymousId = anon,
        messageId = Guid.NewGuid().ToString(),
        properties = new { url },
        context = new { page = new { url, referrer }, campaign },
        timestamp = at.ToString("O"),
    };
}
