using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Merges;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Contacts;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.Application.Crm.Contacts.GetContact;
using Monfri.Application.Crm.Contacts.MergeContacts;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Cdp.Merges.ListProfileMerges;
using Monfri.Application.Cdp.Merges.UndoProfileMerge;
using Npgsql;

namespace Monfri.Application.Tests.Cdp;

public sealed class MergeUndoTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(nameof(MergeUndoTests));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private async Task<MergeHistoryDto> HistoryAsync(Guid personId)
    {
        var history = await _world.App.SendAs(_world.Admin, new ListProfileMergesQuery("id", personId.ToString()));
        Assert.True(history.IsSuccess, history.ErrorMessage);
        return history.Value;
    }

    private async Task<T> DbAsync<T>(Func<IMonfriDb, Task<T>> work)
    {
        await using var scope = _world.App.Provider.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IMonfriDbFactory>().CreateAsync();
        var result = await work(db);
        await db.SaveChangesAsync();
        return result;
    }

    [Fact]
    public async Task Undoing_a_signup_merge_gives_the_visitor_back_their_page_views_and_leaves_the_user_their_identify()
    {
        // Ann signed up on her laptop; on her phone she was an anonymous visitor who read three posts.
        var (laptop, phone) = ($"laptop-{Guid.NewGuid():N}", $"phone-{Guid.NewGuid():N}");
        await _world.SendAsync(CdpWorld.Identify(laptop, "ann-1", new { firstName = "Ann", plan = "pro" }));
        await _world.SendAsync(CdpWorld.Page(phone, path: "/blog/1"), CdpWorld.Page(phone, path: "/blog/2"), CdpWorld.Page(phone, path: "/blog/3"),
            CdpWorld.Identify(phone, null, new { colour = "green", plan = "free" }));
        await _world.ProcessAsync();
        var ann = (await _world.ProfileAsync(IdentityTypes.UserId, "ann-1")).Id;
        var visitor = (await _world.ProfileAsync(IdentityTypes.AnonymousId, phone)).Id;

        // She logs in on the phone: the phone's profile is merged into hers; later the phone reads one more post.
        var signIn = Guid.NewGuid().ToString();
        await _world.SendAsync(CdpWorld.Identify(phone, "ann-1", new { lastName = "Lee" }, signIn));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Page(phone, path: "/blog/4"));
        await _world.ProcessAsync();
        Assert.Equal(ann, (await _world.ProfileAsync(IdentityTypes.AnonymousId, phone)).Id);
        var merge = Assert.Single((await HistoryAsync(ann)).Merges);
        Assert.Equal((visitor, "Website", signIn, 0), (merge.LoserId, merge.SourceName, merge.MessageId, merge.Depth));
        Assert.Equal([new("anonymous_id", phone)], merge.LoserIdentities);
        Assert.Null(merge.UndoBlockedReason);

        var undone = await _world.App.SendAs(_world.Admin, new UndoProfileMergeCommand(merge.Id));

        Assert.True(undone.IsSuccess, undone.ErrorMessage);
        var back = await _world.ProfileAsync(IdentityTypes.AnonymousId, phone);
        Assert.Equal(visitor, back.Id);
        Assert.False(back.IsContact);
        Assert.Equal([new("anonymous_id", phone)], back.Identities);
        var backEvents = await _world.EventsAsync("id", visitor.ToString());
        Assert.Equal(4, backEvents.Count(e => e.Type == "page"));
        Assert.DoesNotContain(backEvents, e => e.MessageId == signIn);
        Assert.Equal(("green", "free"), (back.Traits["colour"]!.ToString(), back.Traits["plan"]!.ToString()));

        var user = await _world.ProfileAsync(IdentityTypes.UserId, "ann-1");
        Assert.Equal(ann, user.Id);
        Assert.NotNull(Assert.Single(user.Merges, m => m.LoserId == visitor).UndoneAt);
        Assert.Equal([new("anonymous_id", laptop), new("user_id", "ann-1")], user.Identities);
        var userEvents = await _world.EventsAsync("id", ann.ToString());
        Assert.Equal(["identify", "identify"], userEvents.Select(e => e.Type));
        Assert.Contains(userEvents, e => e.MessageId == signIn);
        Assert.Equal("pro", user.Traits["plan"]!.ToString());
        Assert.False(user.Traits.ContainsKey("colour"));

        var after = Assert.Single((await HistoryAsync(ann)).Merges);
        Assert.NotNull(after.UndoneAt);
        Assert.Equal("This merge was already undone.", after.UndoBlockedReason);
        Assert.Equal(2, await _world.ScalarAsync($"SELECT count(*) FROM audit_log WHERE action = 'Unmerged' AND record_id IN ('{ann}', '{visitor}')"));
        ResultAssert.Status(ResultStatus.Conflict, await _world.App.SendAs(_world.Admin, new UndoProfileMergeCommand(merge.Id)));
    }

    [Fact]
    public async Task Only_an_admin_may_undo_a_merge()
    {
        var (laptop, phone) = ($"laptop-{Guid.NewGuid():N}", $"phone-{Guid.NewGuid():N}");
        await _world.SendAsync(CdpWorld.Track(laptop, "bo-1", "Signed Up"), CdpWorld.Page(phone));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Identify(phone, "bo-1", new { }));
        await _world.ProcessAsync();
        var bo = (await _world.ProfileAsync(IdentityTypes.UserId, "bo-1")).Id;
        var merge = Assert.Single((await HistoryAsync(bo)).Merges);
        var (_, manager) = await _world.App.CreateUserAsync("MiaManager", Roles.Manager, Roles.Marketing);

        ResultAssert.Status(ResultStatus.Forbidden, await _world.App.SendAs(manager, new UndoProfileMergeCommand(merge.Id)));
        var seen = await _world.App.SendAs(manager, new ListProfileMergesQuery("user_id", "bo-1"));
        Assert.True(seen.IsSuccess, seen.ErrorMessage);
        Assert.Single(seen.Value.Merges);
        Assert.Equal(bo, (await _world.ProfileAsync(IdentityTypes.AnonymousId, phone)).Id);
    }

    [Fact]
    public async Task A_merge_of_two_contacts_by_hand_is_in_the_history_and_its_undo_gives_back_activities_deals_and_fields()
    {
        var keep = (await _world.App.SendAs(_world.Admin, new CreateContactCommand { FirstName = "Robert", LastName = "Smith", Email = "robert@undo.test", Tags = ["vip"] })).Value;
        var gone = (await _world.App.SendAs(_world.Admin,
            new CreateContactCommand { FirstName = "Bob", LastName = "Smith", Email = "bob@undo.test", Phone = "+1 555 0199", Tags = ["newsletter"] })).Value;
        var (shared, bobsDeal) = (await DealAsync("Shared", keep.Id, gone.Id), await DealAsync("Bob's", gone.Id));
        var call = await DbAsync(db =>
        {
            var activity = Activity.Log(new ActivityDetails(ActivityType.Note, "Call with Bob", null, gone.Id, null, null, null, null, null), null, DateTimeOffset.UtcNow);
            db.Activities.Add(activity);
            return Task.FromResult(activity.Id);
        });
        var merged = await _world.App.SendAs(_world.Admin, new MergeContactsCommand(keep.Id, gone.Id,
            new Dictionary<string, MergeSide> { ["email"] = MergeSide.Absorbed }, keep.Version, gone.Version));
        Assert.True(merged.IsSuccess, merged.ErrorMessage);
        Assert.Equal(("bob@undo.test", "+1 555 0199"), (merged.Value.Email, merged.Value.Phone));

        var merge = Assert.Single((await HistoryAsync(keep.Id)).Merges);
        Assert.True(merge.ByHand);
        Assert.True(merge.LoserWasContact);
        var told = new System.Collections.Concurrent.ConcurrentQueue<(Guid Person, string Kind)>();
        var feed = _world.App.Get<ILiveFeed>();
        using var onKeep = feed.Subscribe(LiveTopics.Profile(keep.Id), _world.Admin, u => { told.Enqueue((keep.Id, u.Kind)); return ValueTask.CompletedTask; }).Value;
        using var onGone = feed.Subscribe(LiveTopics.Profile(gone.Id), _world.Admin, u => { told.Enqueue((gone.Id, u.Kind)); return ValueTask.CompletedTask; }).Value;

        var undone = await _world.App.SendAs(_world.Admin, new UndoProfileMergeCommand(merge.Id));

        Assert.True(undone.IsSuccess, undone.ErrorMessage);
        for (var i = 0; i < 50 && told.Count < 2; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal([(gone.Id, "profile.unmerged"), (keep.Id, "profile.unmerged")], told.OrderBy(t => t.Person == keep.Id));
        Assert.Equal((1, 2), (undone.Value.Activities, undone.Value.Deals));
        var robert = (await _world.App.SendAs(_world.Admin, new GetContactQuery(keep.Id))).Value;
        var bob = (await _world.App.SendAs(_world.Admin, new GetContactQuery(gone.Id))).Value;
        Assert.Equal(("robert@undo.test", null, (string?)null), (robert.Email, robert.Phone, robert.OtherEmails.FirstOrDefault()));
        Assert.Equal(["vip"], robert.Tags);
        Assert.Equal(("Bob", "bob@undo.test", "+1 555 0199"), (bob.FirstName, bob.Email, bob.Phone));
        Assert.Equal(["newsletter"], bob.Tags);
        Assert.Equal(new[] { bobsDeal, shared }.Order(), bob.Deals.Select(d => d.Id).Order());
        Assert.Equal([shared], robert.Deals.Select(d => d.Id));
        Assert.Equal(gone.Id, await DbAsync(db => db.Activities.Where(a => a.Id == call).Select(a => a.PersonId).SingleAsync()));
    }

    [Fact]
    public async Task A_merge_whose_winner_was_merged_away_since_waits_for_that_later_merge_to_be_undone()
    {
        var (laptop, phone) = ($"laptop-{Guid.NewGuid():N}", $"phone-{Guid.NewGuid():N}");
        await _world.SendAsync(CdpWorld.Identify(laptop, "cy-1", new { email = "cy@undo.test" }), CdpWorld.Page(phone));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Identify(phone, "cy-1", new { }));
        await _world.ProcessAsync();
        var cy = await _world.ProfileAsync(IdentityTypes.UserId, "cy-1");
        var typedIn = (await _world.App.SendAs(_world.Admin, new CreateContactCommand { FirstName = "Cy", LastName = "Typed", Email = "cy.typed@undo.test", Tags = [] })).Value;
        var cyContact = (await _world.App.SendAs(_world.Admin, new GetContactQuery(cy.Id))).Value;
        Assert.True((await _world.App.SendAs(_world.Admin, new MergeContactsCommand(typedIn.Id, cy.Id, null, typedIn.Version, cyContact.Version))).IsSuccess);

        var history = await HistoryAsync(typedIn.Id);
        Assert.Equal([(cy.Id, 0), (cy.Merges.Single().LoserId, 1)], history.Merges.Select(m => (m.LoserId, m.Depth)));
        var (later, first) = (history.Merges[0], history.Merges[1]);
        var refused = await _world.App.SendAs(_world.Admin, new UndoProfileMergeCommand(first.Id));
        ResultAssert.Status(ResultStatus.Conflict, refused);
        Assert.Contains("Undo that later merge first", refused.ErrorMessage);

        Assert.True((await _world.App.SendAs(_world.Admin, new UndoProfileMergeCommand(later.Id))).IsSuccess);
        Assert.True((await _world.App.SendAs(_world.Admin, new UndoProfileMergeCommand(first.Id))).IsSuccess);
        Assert.Equal(3, await _world.ScalarAsync($"SELECT count(*) FROM people WHERE id IN ('{typedIn.Id}', '{cy.Id}', '{first.LoserId}')"));
        Assert.Equal(cy.Id, (await _world.ProfileAsync(IdentityTypes.UserId, "cy-1")).Id);
        Assert.Equal(first.LoserId, (await _world.ProfileAsync(IdentityTypes.AnonymousId, phone)).Id);
    }

    [Fact]
    public async Task An_event_resolved_while_a_merge_is_being_undone_goes_to_the_profile_its_identity_returns_to()
    {
        var (laptop, phone) = ($"laptop-{Guid.NewGuid():N}", $"phone-{Guid.NewGuid():N}");
        await _world.SendAsync(CdpWorld.Identify(laptop, "di-1", new { }), CdpWorld.Page(phone));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Identify(phone, "di-1", new { }));
        await _world.ProcessAsync();
        var di = (await _world.ProfileAsync(IdentityTypes.UserId, "di-1")).Id;
        var merge = Assert.Single((await HistoryAsync(di)).Merges);

        // Hold the undo half-way: it has locked Di's row and waits to bring the visitor's row back behind a row
        // with the same id that this connection inserts and does not commit.
        await using var blocker = new NpgsqlConnection(_world.App.ConnectionString);
        await blocker.OpenAsync();
        await using var held = await blocker.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            $"""
            INSERT INTO people (id, other_emails, tags, custom_fields, lifecycle_stage, is_contact, created_at, updated_at)
            SELECT '{merge.LoserId}', other_emails, tags, custom_fields, lifecycle_stage, false, created_at, updated_at FROM people WHERE id = '{di}'
            """, blocker, held))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var undo = Task.Run(() => _world.App.SendAs(_world.Admin, new UndoProfileMergeCommand(merge.Id)));
        await WaitUntilWaitingAsync("INSERT INTO people%");

        // A page view of the phone arrives: the worker reads "phone is Di's" — true until the undo commits.
        var during = Guid.NewGuid().ToString();
        await _world.SendAsync(CdpWorld.Page(phone, messageId: during, path: "/during-undo"));
        var claim = Task.Run(_world.ProcessAsync);
        await WaitUntilWaitingAsync("%FOR KEY SHARE%");
        await held.RollbackAsync();

        Assert.True((await undo).IsSuccess);
        await claim;
        Assert.Equal(merge.LoserId, (await _world.ProfileAsync(IdentityTypes.AnonymousId, phone)).Id);
        Assert.Contains(await _world.EventsAsync("id", merge.LoserId.ToString()), e => e.MessageId == during);
        Assert.DoesNotContain(await _world.EventsAsync("id", di.ToString()), e => e.MessageId == during);
    }

    private async Task WaitUntilWaitingAsync(string queryLike)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await _world.ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '{queryLike}'") > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Nothing waited on a lock in a query like {queryLike}.");
    }

    [Fact]
    public async Task A_visitor_created_and_merged_by_the_same_batch_has_nothing_to_give_back_and_cannot_be_undone()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Track(null, "fay-1", "Signed Up"));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Page(anon), CdpWorld.Identify(anon, "fay-1", new { }));
        await _world.ProcessAsync();

        var merge = Assert.Single((await _world.App.SendAs(_world.Admin, new ListProfileMergesQuery("user_id", "fay-1"))).Value.Merges);
        Assert.Contains("same batch", merge.UndoBlockedReason, StringComparison.Ordinal);
        ResultAssert.Status(ResultStatus.Conflict, await _world.App.SendAs(_world.Admin, new UndoProfileMergeCommand(merge.Id)));
    }

    [Fact]
    public async Task Refused_merges_are_in_the_history_of_both_profiles()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Track(anon, "dee", "Logged In"), CdpWorld.Track(null, "eve", "Logged In"));
        await _world.ProcessAsync();
        await _world.SendAsync(CdpWorld.Track(anon, "eve", "Viewed Cart"));
        await _world.ProcessAsync();

        var dee = await _world.App.SendAs(_world.Admin, new ListProfileMergesQuery("user_id", "dee"));
        var eve = await _world.App.SendAs(_world.Admin, new ListProfileMergesQuery("user_id", "eve"));

        Assert.Empty(dee.Value.Merges);
        var refusal = Assert.Single(dee.Value.Refusals);
        Assert.Contains("Both profiles have a user id", refusal.Reason);
        Assert.Equal(refusal.Id, Assert.Single(eve.Value.Refusals).Id);
    }

    private Task<Guid> DealAsync(string name, params Guid[] contactIds) => DbAsync(async db =>
    {
        var now = DateTimeOffset.UtcNow;
        var pipeline = await db.Pipelines.Include(p => p.Stages).FirstOrDefaultAsync();
        if (pipeline is null)
        {
            pipeline = Pipeline.Create("Sales", [("Qualified", 20, null)], now, isDefault: true);
            db.Pipelines.Add(pipeline);
        }

        var deal = Deal.Create(new DealDetails(name, 1000m, "EUR", null, null, null, contactIds, [], new Dictionary<string, object?>()),
            pipeline.OpenStages.First(), null, 1, now);
        db.Deals.Add(deal);
        return deal.Id;
    });
}
