using Monfri.Application.Cdp.BlockList;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Contacts;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Ingestion;
using Monfri.TestSupport;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Cdp.BlockList.BlockIdentifier;

namespace Monfri.Application.Tests.Cdp;

public sealed class IdentityResolutionTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(nameof(IdentityResolutionTests));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_visitor_who_reads_three_posts_then_signs_up_is_one_person_with_the_page_views_before_the_signup()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(anon, path: "/blog/1"), CdpWorld.Page(anon, path: "/blog/2"), CdpWorld.Page(anon, path: "/blog/3"));
        await _world.ProcessAsync();
        var visitor = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);
        Assert.False(visitor.IsContact);

        await _world.SendAsync(
            CdpWorld.Identify(anon, "user-1", new { email = "Ann@Example.com", firstName = "Ann", lastName = "Lee", phone = "+1 555" }),
            CdpWorld.Track(anon, "user-1", "Signed Up"));
        await _world.ProcessAsync();

        var person = await _world.ProfileAsync(IdentityTypes.UserId, "user-1");
        Assert.Equal(visitor.Id, person.Id);
        Assert.True(person.IsContact);
        Assert.Equal(("ann@example.com", "Ann", "Lee", "+1 555"), (person.Email, person.FirstName, person.LastName, person.Phone));
        Assert.Contains(new("email", "ann@example.com"), person.Identities);
        var events = (await _world.EventsAsync(IdentityTypes.Email, "ann@example.com")).Reverse().ToList();
        Assert.Equal(["page", "page", "page", "identify", "track"], events.Select(e => e.Type));
        Assert.Equal("Ann", person.Traits["firstName"]!.ToString());
        Assert.NotNull(person.FirstSeenAt);
    }

    [Fact]
    public async Task A_contact_typed_in_by_hand_and_a_later_identify_with_the_same_email_are_one_person()
    {
        var created = await _world.App.SendAs(_world.Admin, new CreateContactCommand { FirstName = "Bo", LastName = "Hand", Email = "bo@hand.test", Tags = [] });
        Assert.True(created.IsSuccess, created.ErrorMessage);
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(anon));
        await _world.ProcessAsync();

        await _world.SendAsync(CdpWorld.Identify(anon, null, new { email = "BO@hand.test", title = "CTO" }));
        await _world.ProcessAsync();

        var person = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);
        Assert.Equal(created.Value.Id, person.Id);
        Assert.Equal("Bo", person.FirstName);
        Assert.Equal(2, (await _world.EventsAsync("id", person.Id.ToString())).Count);
        var merge = Assert.Single(person.Merges);
        Assert.Equal((MergeOutcome.Merged, created.Value.Id, IdentityTypes.Email), (merge.Outcome, merge.WinnerId, merge.IdentityType));
        Assert.Equal(0, await _world.ScalarAsync($"SELECT count(*) FROM people WHERE id = '{merge.LoserId}'"));
        Assert.Equal(1, await _world.ScalarAsync($"SELECT count(*) FROM cdp_profile_merges WHERE loser_id = '{merge.LoserId}' AND loser_snapshot->'identities' @> '[{{\"type\":\"anonymous_id\"}}]'"));
    }

    [Fact]
    public async Task Two_profiles_with_different_user_ids_are_never_merged_and_the_refusal_is_recorded()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Track(anon, "alice", "Logged In"));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Track(null, "bob", "Logged In"));
        await _world.ProcessAsync();

        // Bob on Alice's device: the anonymous id links them, the user ids keep them apart.
        await _world.SendAsync(CdpWorld.Track(anon, "bob", "Viewed Cart"));
        await _world.ProcessAsync();

        var alice = await _world.ProfileAsync(IdentityTypes.UserId, "alice");
        var bob = await _world.ProfileAsync(IdentityTypes.UserId, "bob");
        Assert.NotEqual(alice.Id, bob.Id);
        Assert.Contains(bob.Merges, m => m.Outcome == MergeOutcome.Refused);
        Assert.Equal(["Viewed Cart", "Logged In"], (await _world.EventsAsync(IdentityTypes.UserId, "bob")).Select(e => e.Event));
        Assert.Single(await _world.EventsAsync(IdentityTypes.UserId, "alice"));
    }

    [Fact]
    public async Task An_email_that_belongs_to_another_person_is_not_copied_onto_a_profile_whose_link_was_refused()
    {
        var (avgEmail, samEmail) = ($"avg-{Guid.NewGuid():N}@example.test", $"sam-{Guid.NewGuid():N}@example.test");
        await _world.SendAsync(CdpWorld.Identify(null, "u-avg", new { email = avgEmail, firstName = "Avg" }));
        await _world.SendAsync(CdpWorld.Identify(null, "u-sam", new { email = samEmail, firstName = "Sam" }));
        await _world.ProcessAsync();

        // Sam types Avg's address into a form: the email links Sam to Avg, the user ids keep them apart.
        await _world.SendAsync(CdpWorld.Identify(null, "u-sam", new { email = avgEmail.ToUpperInvariant(), plan = "pro" }));
        await _world.ProcessAsync();

        var sam = await _world.ProfileAsync(IdentityTypes.UserId, "u-sam");
        var avg = await _world.ProfileAsync(IdentityTypes.UserId, "u-avg");
        Assert.NotEqual(sam.Id, avg.Id);
        Assert.Contains(sam.Merges, m => m.Outcome == MergeOutcome.Refused);
        Assert.Equal(samEmail, sam.Email);
        Assert.Equal(samEmail, sam.Traits["email"]!.ToString());
        Assert.Equal("pro", sam.Traits["plan"]!.ToString());
        Assert.Equal(0, await _world.ScalarAsync($"SELECT count(*) FROM people WHERE id = '{sam.Id}' AND '{avgEmail}' = ANY(other_emails)"));
        Assert.Equal(avg.Id, (await _world.ProfileAsync(IdentityTypes.Email, avgEmail)).Id);
    }

    [Fact]
    public async Task A_new_user_id_on_a_profile_that_has_another_gets_a_profile_of_its_own()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Identify(anon, "carol", new { }));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Identify(anon, "dave", new { }));
        await _world.ProcessAsync();

        var carol = await _world.ProfileAsync(IdentityTypes.UserId, "carol");
        var dave = await _world.ProfileAsync(IdentityTypes.UserId, "dave");
        Assert.NotEqual(carol.Id, dave.Id);
        Assert.Equal(carol.Id, (await _world.ProfileAsync(IdentityTypes.AnonymousId, anon)).Id);
        // Both histories say why: the refusal names the profile that kept its user id and the one made for the other.
        var refusal = Assert.Single(dave.Merges, m => m.Outcome == MergeOutcome.Refused);
        Assert.Equal((carol.Id, dave.Id), (refusal.WinnerId, refusal.LoserId));
        Assert.Contains(carol.Merges, m => m.Outcome == MergeOutcome.Refused && m.LoserId == dave.Id);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("undefined")]
    [InlineData("anonymous")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("[object Object]")]
    [InlineData("   ")]
    public async Task Junk_ids_never_link_two_visitors(string junk)
    {
        var (u1, u2) = ($"u-{Guid.NewGuid():N}", $"u-{Guid.NewGuid():N}");
        var rejected = await _world.SendAsync(CdpWorld.Track(junk, u1, "A"), CdpWorld.Track(junk, u2, "B"), CdpWorld.Page(junk));
        await _world.ProcessAsync();

        Assert.Equal([2], rejected.Select(r => r.Index));
        Assert.NotEqual((await _world.ProfileAsync(IdentityTypes.UserId, u1)).Id, (await _world.ProfileAsync(IdentityTypes.UserId, u2)).Id);
        ResultAssert.Status(ResultStatus.NotFound, await _world.TryProfileAsync(IdentityTypes.AnonymousId, junk));
    }

    [Fact]
    public async Task A_value_on_the_admin_block_list_is_ignored_like_junk()
    {
        Assert.True((await _world.App.SendAs(_world.Admin, new BlockIdentifierCommand("guest"))).IsSuccess);
        _world.App.Get<IngestProcessor>().RefreshBlockList();
        var (u1, u2) = ($"u-{Guid.NewGuid():N}", $"u-{Guid.NewGuid():N}");
        await _world.SendAsync(CdpWorld.Track("guest", u1, "A"), CdpWorld.Track("guest", u2, "B"));
        await _world.ProcessAsync();

        Assert.NotEqual((await _world.ProfileAsync(IdentityTypes.UserId, u1)).Id, (await _world.ProfileAsync(IdentityTypes.UserId, u2)).Id);
        ResultAssert.Status(ResultStatus.NotFound, await _world.TryProfileAsync(IdentityTypes.AnonymousId, "guest"));
    }

    [Fact]
    public async Task Alias_links_a_previous_anonymous_id_to_a_user_id()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(anon));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Track(null, "erin", "Ordered"));
        await _world.ProcessAsync();

        await _world.SendAsync(new { type = "alias", previousId = anon, userId = "erin", messageId = Guid.NewGuid().ToString() });
        await _world.ProcessAsync();

        var erin = await _world.ProfileAsync(IdentityTypes.UserId, "erin");
        Assert.Equal(erin.Id, (await _world.ProfileAsync(IdentityTypes.AnonymousId, anon)).Id);
        Assert.Equal(3, (await _world.EventsAsync(IdentityTypes.UserId, "erin")).Count);
    }

    [Fact]
    public async Task External_ids_from_context_identify_a_profile()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(new
        {
            type = "track", anonymousId = anon, @event = "Paid", messageId = Guid.NewGuid().ToString(),
            context = new { externalIds = new[] { new { id = "cus_42", type = "stripe_customer_id", collection = "users", encoding = "none" } } },
        });
        await _world.ProcessAsync();

        Assert.Equal((await _world.ProfileAsync(IdentityTypes.AnonymousId, anon)).Id, (await _world.ProfileAsync("stripe_customer_id", "cus_42")).Id);
    }

    [Fact]
    public async Task A_message_id_seen_within_the_window_is_stored_once_and_again_after_the_window()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        var messageId = Guid.NewGuid().ToString();
        await _world.SendAsync(CdpWorld.Page(anon, messageId: messageId), CdpWorld.Page(anon, messageId: messageId));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Page(anon, messageId: messageId));
        await _world.ProcessAsync();
        Assert.Single(await _world.EventsAsync(IdentityTypes.AnonymousId, anon));

        // Eight days later the default seven-day window has passed: the same id is a new event.
        await _world.ScalarAsync($"WITH u AS (UPDATE cdp_dedupe SET seen_at = seen_at - interval '8 days' WHERE key = {IngestProcessor.DedupeKey(_world.Source.Id, messageId)} RETURNING 1) SELECT count(*) FROM u");
        await _world.SendAsync(CdpWorld.Page(anon, messageId: messageId));
        await _world.ProcessAsync();
        Assert.Equal(2, (await _world.EventsAsync(IdentityTypes.AnonymousId, anon)).Count);
    }

    [Fact]
    public async Task The_dedupe_key_computed_by_the_migration_matches_the_workers_key()
    {
        // Message ids remembered before the FasterDedupe migration were re-keyed in SQL: the same key, or a
        // retry of such a message after the upgrade would be stored twice.
        var messageId = "ajs-next-é-" + Guid.NewGuid();
        var sql = Monfri.Infrastructure.Persistence.Migrations.FasterDedupe.KeySql
            .Replace("source_id", $"'{_world.Source.Id}'::uuid", StringComparison.Ordinal)
            .Replace("message_id", $"'{messageId}'", StringComparison.Ordinal);
        Assert.Equal(IngestProcessor.DedupeKey(_world.Source.Id, messageId), await _world.ScalarAsync($"SELECT {sql}"));
    }

    [Fact]
    public async Task Clock_skew_is_corrected_from_sent_at_and_impossible_timestamps_fall_back_to_arrival()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        // The device clock is two hours fast: it stamped the event at 12:00 and sent it at 12:01 (device time).
        await _world.SendAsync(
            new { type = "track", anonymousId = anon, @event = "Skewed", timestamp = "2030-01-01T12:00:00Z", sentAt = "2030-01-01T12:01:00Z", messageId = "skew-1" },
            new { type = "track", anonymousId = anon, @event = "Future", timestamp = "9999-01-01T00:00:00Z", messageId = "skew-2" },
            new { type = "track", anonymousId = anon, @event = "Epoch", timestamp = "1970-01-01T00:00:00Z", messageId = "skew-3" });
        await _world.ProcessAsync();

        var events = (await _world.EventsAsync(IdentityTypes.AnonymousId, anon)).ToDictionary(e => e.Event!);
        Assert.Equal(TimeSpan.FromMinutes(1), events["Skewed"].ReceivedAt - events["Skewed"].Timestamp);
        Assert.Equal(events["Future"].ReceivedAt, events["Future"].Timestamp);
        Assert.Equal(events["Epoch"].ReceivedAt, events["Epoch"].Timestamp);
    }

    [Fact]
    public async Task A_profile_collects_at_most_the_configured_number_of_anonymous_ids()
    {
        await using var world = await CdpWorld.StartAsync("anoncap", new Dictionary<string, string?> { ["Monfri:Ingest:MaxAnonymousIdsPerProfile"] = "2" });
        foreach (var i in Enumerable.Range(0, 4))
        {
            await world.SendAsync(CdpWorld.Track($"device-{i}", "frank", "Opened"));
        }

        await world.ProcessAsync();

        var frank = await world.ProfileAsync(IdentityTypes.UserId, "frank");
        Assert.Equal(2, frank.Identities.Count(i => i.Type == IdentityTypes.AnonymousId));
        Assert.Equal(4, (await world.EventsAsync(IdentityTypes.UserId, "frank")).Count);
    }

    [Fact]
    public async Task Two_workers_racing_on_one_new_visitor_create_one_profile()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        for (var i = 0; i < 40; i++)
        {
            await _world.SendAsync(CdpWorld.Page(anon), CdpWorld.Identify(anon, null, new { email = $"{anon}@race.test" }));
        }

        var processor = _world.App.Get<IngestProcessor>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while ((await processor.ProcessOnceAsync(CancellationToken.None)).Claimed > 0)
            {
            }
        })));

        Assert.Equal(1, await _world.ScalarAsync($"SELECT count(DISTINCT person_id) FROM cdp_identities WHERE value IN ('{anon}', '{anon}@race.test')"));
        Assert.Equal(80, (await _world.EventsAsync(IdentityTypes.AnonymousId, anon)).Count);
        Assert.Equal(0, await _world.ScalarAsync("SELECT count(*) FROM cdp_intake"));
    }
}

public sealed class RacingClaimTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    // One request per claim, so every request below is resolved by its own claim, several at once.
    public async Task InitializeAsync() =>
        _world = await CdpWorld.StartAsync(nameof(RacingClaimTests), new Dictionary<string, string?> { ["Monfri:Ingest:ClaimRequests"] = "1" });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Concurrent_claims_never_give_one_known_visitor_two_user_ids()
    {
        // Workers read identities without locks; only a claim that adds to an existing profile locks it. Claims
        // that each try to give the same known visitor another user id must still leave one user id per
        // profile: the first wins, the others get profiles of their own.
        var run = Guid.NewGuid().ToString("N")[..8];
        const int Visitors = 30, Claims = 4;
        for (var v = 0; v < Visitors; v++)
        {
            await _world.SendAsync(CdpWorld.Page($"anon-{run}-{v}"));
        }

        await _world.ProcessAsync();
        for (var v = 0; v < Visitors; v++)
        {
            for (var i = 0; i < Claims; i++)
            {
                await _world.SendAsync(CdpWorld.Identify($"anon-{run}-{v}", $"user-{run}-{v}-{i}", new { plan = "pro" }));
            }
        }

        var processor = _world.App.Get<IngestProcessor>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while ((await processor.ProcessOnceAsync(CancellationToken.None)).Claimed > 0)
            {
            }
        })));

        Assert.Equal(1, await _world.ScalarAsync(
            $"SELECT max(n) FROM (SELECT count(*) AS n FROM cdp_identities WHERE type = 'user_id' AND value LIKE 'user-{run}-%' GROUP BY person_id) s"));
        Assert.Equal(Visitors * Claims, await _world.ScalarAsync($"SELECT count(DISTINCT person_id) FROM cdp_identities WHERE value LIKE 'user-{run}-%'"));
        Assert.Equal(Visitors * (Claims + 1), await _world.ScalarAsync($"SELECT count(*) FROM cdp_events WHERE anonymous_id LIKE 'anon-{run}-%'"));
        Assert.Equal(0, await _world.ScalarAsync("SELECT count(*) FROM cdp_intake"));
    }

    [Fact]
    public async Task Claims_that_move_the_same_peoples_last_seen_at_once_do_not_deadlock()
    {
        // Every request moves the last seen of the same 300 visitors (a minute later each time), and four workers
        // take one request each at once: their updates of the same rows must queue, not deadlock (a deadlock costs
        // both workers a second and one of them its claim).
        var run = Guid.NewGuid().ToString("N")[..8];
        const int Visitors = 300, Requests = 8;
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        for (var r = 0; r < Requests; r++)
        {
            await _world.SendAsync(Enumerable.Range(0, Visitors).Select(v => (object)new
            {
                type = "page", anonymousId = $"anon-{run}-{v}", messageId = Guid.NewGuid().ToString(),
                timestamp = start.AddMinutes(2 * r).AddMilliseconds(v).ToString("O"), properties = new { url = "https://shop.test/" },
            }).ToArray());
        }

        var processor = _world.App.Get<IngestProcessor>();
        var retriesBefore = processor.ConflictRetries;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while ((await processor.ProcessOnceAsync(CancellationToken.None)).Claimed > 0)
            {
            }
        })));

        Assert.Equal(Visitors * Requests, await _world.ScalarAsync($"SELECT count(*) FROM cdp_events WHERE anonymous_id LIKE 'anon-{run}-%'"));
        Assert.Equal(0, processor.ConflictRetries - retriesBefore);
    }
}

public sealed class PoisonIntakeTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(nameof(PoisonIntakeTests));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_request_no_worker_can_process_is_set_aside_and_does_not_block_the_ones_behind_it()
    {
        await _world.ScalarAsync($"WITH i AS (INSERT INTO cdp_intake (source_id, received_at, event_count, payload) VALUES ('{_world.Source.Id}', now(), 1, 'not json'::bytea) RETURNING 1) SELECT count(*) FROM i");
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(anon));

        for (var i = 0; i < 5; i++)
        {
            try
            {
                await _world.ProcessAsync();
                break;
            }
            catch (System.Text.Json.JsonException)
            {
                // The first multi-request claim fails; the next ones isolate the bad request.
            }
        }

        Assert.Single(await _world.EventsAsync(Domain.Cdp.IdentityTypes.AnonymousId, anon));
        Assert.Equal(1, await _world.ScalarAsync("SELECT count(*) FROM cdp_intake WHERE failed_at IS NOT NULL AND error IS NOT NULL"));
    }
}

public sealed class SourceBootstrapTests
{
    [Fact]
    public async Task Sources_in_configuration_are_provisioned_at_start_up_with_their_write_keys_and_stay_single()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Monfri:Ingest:RunWorkers"] = "false",
            ["Monfri:Bootstrap:Sources:0:Name"] = "Website",
            ["Monfri:Bootstrap:Sources:0:WriteKey"] = "wk_from_config_0123456789",
            ["Monfri:Bootstrap:Sources:1:Name"] = "Backend",
            ["Monfri:Bootstrap:Sources:1:Kind"] = "Server",
        };
        await using var app = await MonfriServices.StartAsync(nameof(SourceBootstrapTests), settings);

        await app.Get<SourceBootstrapper>().SeedAsync(CancellationToken.None);
        await app.Get<SourceBootstrapper>().SeedAsync(CancellationToken.None);

        var sources = (await app.SendAs(await app.AdminAsync(), new Monfri.Application.Cdp.Sources.ListSources.ListSourcesQuery())).Value;
        Assert.Equal(["Backend", "Website"], sources.Select(s => s.Name));
        Assert.Equal("wk_from_config_0123456789", sources.Single(s => s.Name == "Website").WriteKey);
        Assert.Equal(SourceKind.Server, sources.Single(s => s.Name == "Backend").Kind);
    }
}
