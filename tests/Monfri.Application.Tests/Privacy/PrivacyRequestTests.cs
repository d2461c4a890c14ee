using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Monfri.Application.Cdp.Collection;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.GetDeal;
using Monfri.Application.Privacy;
using Monfri.Application.Privacy.CreatePrivacyRequest;
using Monfri.Application.Privacy.DownloadPrivacyExport;
using Monfri.Application.Privacy.GetPrivacyRequest;
using Monfri.Application.Privacy.LiftSuppression;
using Monfri.Application.Privacy.ListPrivacyRequests;
using Monfri.Application.Tests.Cdp;
using Monfri.Domain.Cdp;
using Monfri.Domain.Crm;
using Monfri.Domain.Privacy;
using Monfri.Infrastructure.Privacy;
using Monfri.Infrastructure.Traits;
using Monfri.TestSupport;
using Monfri.Application.Crm.Contacts.GetContact;
using Monfri.Application.Crm.Contacts.MergeContacts;
using Monfri.Application.Crm.Contacts.UpdateContact;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Cdp.Traits.CreateComputedTrait;
using Npgsql;

namespace Monfri.Application.Tests.Privacy;

/// <summary>
/// GDPR requests against a real CDP: events sent through the intake and processed, contacts, deals and
/// activities made through the real use cases, requests run by the real background worker.
/// </summary>
public sealed class PrivacyRequestTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(nameof(PrivacyRequestTests));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private ClaimsPrincipal Admin => _world.Admin;

    [Fact]
    public async Task An_export_holds_the_profile_identities_traits_events_activities_and_deals_of_the_person()
    {
        var pageViews = $"page_views_{Guid.NewGuid():N}"[..20];
        var trait = await _world.App.SendAs(Admin, new CreateComputedTraitCommand(new ComputedTraitInput { Key = pageViews, Name = "Page views", Kind = TraitKind.EventCount, EventType = "page" }));
        Assert.True(trait.IsSuccess, trait.ErrorMessage);
        await _world.App.Get<TraitBackfill>().RunOnceAsync(CancellationToken.None);
        var person = await KnownPersonAsync("exp");

        var request = await RunAsync(PrivacyRequestKind.Export, IdentityTypes.UserId, person.UserId);

        Assert.Equal(PrivacyRequestStatus.Completed, request.Status);
        Assert.True(request.HasExport);
        var export = await _world.App.SendAs(Admin, new DownloadPrivacyExportQuery(request.Id));
        Assert.True(export.IsSuccess, export.ErrorMessage);
        using var document = await ReadJsonAsync(export.Value);
        var root = document.RootElement;
        Assert.Equal(person.Id, root.GetProperty("profile").GetProperty("id").GetGuid());
        Assert.Equal(person.Email, root.GetProperty("profile").GetProperty("email").GetString());
        var identities = root.GetProperty("identities").EnumerateArray().Select(i => (i.GetProperty("type").GetString(), i.GetProperty("value").GetString())).ToList();
        Assert.Contains((IdentityTypes.AnonymousId, person.AnonymousId), identities);
        Assert.Contains((IdentityTypes.UserId, person.UserId), identities);
        Assert.Contains((IdentityTypes.Email, person.Email), identities);
        Assert.Equal("pro", root.GetProperty("traits").GetProperty("plan").GetString());
        var computed = root.GetProperty("computedTraits");
        Assert.Equal(("Page views", 2), (computed.GetProperty("traits").GetProperty(pageViews).GetProperty("name").GetString(),
            computed.GetProperty("traits").GetProperty(pageViews).GetProperty("value").GetInt32()));
        Assert.Equal("(none)", computed.GetProperty("firstTouch").GetProperty("medium").GetString());
        Assert.Equal(JsonValueKind.Object, computed.GetProperty("lastTouch").ValueKind);
        Assert.Equal(3, computed.GetProperty("totalEvents").GetInt32());
        // Two page views before the sign-up (on the anonymous profile, merged in since) and the identify.
        Assert.Equal(["page", "page", "identify"], root.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("Discovery call", Assert.Single(root.GetProperty("activities").EnumerateArray()).GetProperty("subject").GetString());
        Assert.Equal(person.DealName, Assert.Single(root.GetProperty("deals").EnumerateArray()).GetProperty("name").GetString());
        Assert.NotEmpty(root.GetProperty("merges").EnumerateArray());
        Assert.Contains(root.GetProperty("history").EnumerateArray(), h => h.GetProperty("action").GetString() == nameof(AuditAction.Created));
        Assert.Empty(root.GetProperty("emails").EnumerateArray());
        Assert.Equal(3, request.Counts["events"]);
        Assert.Equal(1, request.Counts["activities"]);
        Assert.Equal(export.Value.Length, request.ExportBytes);
    }

    [Fact]
    public async Task A_deletion_leaves_no_row_anywhere_that_mentions_the_person_and_their_deal_survives_without_the_link()
    {
        var person = await KnownPersonAsync("del");
        // A second contact merged into them by hand: its history and email are theirs now.
        var alias = await CreateContactAsync("Alias", person.LastName, $"alias.{person.Tag}@privacy.test");
        var survivor = await _world.App.SendAs(Admin, new GetContactQuery(person.Id));
        var merged = await _world.App.SendAs(Admin, new MergeContactsCommand(person.Id, alias.Id, null, survivor.Value.Version, alias.Version));
        Assert.True(merged.IsSuccess, merged.ErrorMessage);
        // A colleague's record that once named them: its history keeps the entry, without the email.
        var colleague = await CreateContactAsync("Colleague", $"Other{person.Tag}", $"colleague.{person.Tag}@privacy.test");
        foreach (var title in new[] { $"Assistant to {person.Email}", "Buyer" })
        {
            var current = (await _world.App.SendAs(Admin, new GetContactQuery(colleague.Id))).Value;
            var updated = await _world.App.SendAs(Admin, new UpdateContactCommand
            {
                Id = colleague.Id, Version = current.Version, FirstName = current.FirstName, LastName = current.LastName, Email = current.Email, JobTitle = title,
            });
            Assert.True(updated.IsSuccess, updated.ErrorMessage);
        }

        // Someone else signed in on their device: the anonymous id links them, the user ids keep them apart, so
        // Sam's identify (with the person's anonymous id, and naming them in a trait) is Sam's and stays.
        var sam = $"sam-{person.Tag}";
        await _world.SendAsync(CdpWorld.Identify(person.AnonymousId, sam, new { firstName = "Sam", referredBy = person.Email!.ToUpperInvariant() }));
        await _world.ProcessAsync();
        Assert.NotEqual(person.Id, (await _world.ProfileAsync(IdentityTypes.UserId, sam)).Id);
        // The source debugger shows the last events, theirs among them.
        var debugger = _world.App.Get<ISourceDebugFeed>();
        var watcher = $"anon-watcher-{Guid.NewGuid():N}";
        var (seen, _) = EventBatchParser.Parse(JsonSerializer.SerializeToUtf8Bytes(new
        {
            batch = new[] { CdpWorld.Track(person.AnonymousId, null, "Viewed Pricing"), CdpWorld.Page(watcher), CdpWorld.Track(null, person.UserId, "Logged In") },
        }), null, DateTimeOffset.UtcNow);
        debugger.Record(_world.Source.Id, seen!.Debug);

        // An earlier export: its document holds everything about them.
        Assert.Equal(PrivacyRequestStatus.Completed, (await RunAsync(PrivacyRequestKind.Export, IdentityTypes.Email, person.Email)).Status);
        // Accepted but not processed yet when the deletion runs, in one request with someone else's event.
        var bystander = $"anon-bystander-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Track(person.AnonymousId, null, "Pending Purchase"), CdpWorld.Page(bystander));

        string[] terms = [person.AnonymousId, person.UserId, person.Email, person.LastName, alias.Email!,
            person.Id.ToString(), person.AnonymousProfileId.ToString(), alias.Id.ToString()];
        // The search sees them everywhere they are before the deletion, so its silence afterwards means something.
        var before = await MentionsAsync(terms);
        foreach (var place in new[]
                 {
                     $"people: {person.Email}", $"cdp_identities: {person.AnonymousId}", $"cdp_events: {person.UserId}", $"cdp_profile_traits: {person.Id}",
                     $"activities: {person.LastName}", $"deal_contacts: {person.Id}", $"audit_log: {alias.Id}", $"audit_log: {person.Email}", $"cdp_profile_merges: {person.AnonymousProfileId}",
                     $"privacy_exports: {person.Email}", $"privacy_requests: {person.Email}", $"cdp_intake: {person.AnonymousId}",
                 })
        {
            Assert.Contains(place, before);
        }

        var deletion = await RunAsync(PrivacyRequestKind.Delete, IdentityTypes.Email, person.Email);
        await _world.ProcessAsync();
        // The erasure queues the erased people for the segment worker, which takes their memberships away and drops the
        // queue rows as it goes: the mention the queue holds is gone once the worker has been through it.
        for (var i = 0; i < 300 && await _world.ScalarAsync(
                 $"SELECT count(*) FROM segment_dirty_people WHERE person_id IN ('{person.Id}', '{person.AnonymousProfileId}', '{alias.Id}')") > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(PrivacyRequestStatus.Completed, deletion.Status);
        Assert.Equal((3, 1, 1, 1), (deletion.Counts["events"], deletion.Counts["activities"], deletion.Counts["dealLinks"], deletion.Counts["intakeEvents"]));
        var mentions = await MentionsAsync(terms);
        Assert.True(mentions.Count == 0, "Still mentioned in: " + string.Join("; ", mentions));
        Assert.Equal(1, await _world.ScalarAsync(
            $"SELECT count(*) FROM cdp_events WHERE user_id = '{sam}' AND anonymous_id IS NULL AND type = 'identify' AND properties->>'referredBy' = '[erased]'"));
        Assert.Equal(1, deletion.Counts["otherEventsRedacted"]);
        Assert.Equal([watcher], debugger.Recent(_world.Source.Id).Select(e => e.AnonymousId));

        Assert.Equal(1, await _world.ScalarAsync(
            $"SELECT count(*) FROM audit_log WHERE record_id = '{colleague.Id}' AND changes @> '[{{\"field\": \"jobTitle\", \"old\": \"Assistant to [erased]\", \"new\": \"Buyer\"}}]'"));
        var deal = await _world.App.SendAs(Admin, new GetDealQuery(person.DealId));
        Assert.True(deal.IsSuccess, deal.ErrorMessage);
        Assert.Empty(deal.Value.Contacts);
        Assert.Equal(1, await _world.ScalarAsync($"SELECT count(*) FROM cdp_events e JOIN cdp_identities i ON i.person_id = e.person_id WHERE i.value = '{bystander}'"));
        Assert.Equal(1, await _world.ScalarAsync(
            $"SELECT count(*) FROM audit_log WHERE record_id = '{deletion.Id}' AND summary LIKE 'Privacy deletion completed%' AND summary LIKE '%events 3%'"));
        Assert.Equal(deletion.MaskedIdentity, (await _world.App.SendAs(Admin, new GetPrivacyRequestQuery(deletion.Id))).Value.MaskedIdentity);
        ResultAssert.Status(ResultStatus.NotFound, await _world.App.SendAs(Admin, new DownloadPrivacyExportQuery((await ListAsync()).Single(r => r.Kind == PrivacyRequestKind.Export).Id)));
    }

    [Fact]
    public async Task A_deletion_keeps_another_persons_debugger_rows_with_the_erased_identifier_replaced_and_drops_the_persons_own()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (pia, piaAnonymous, quinn) = ($"u-pia-{tag}", $"anon-pia-{tag}", $"u-quinn-{tag}");
        // Quinn signed in on Pia's device: the event is Quinn's (the user ids keep them apart), with Pia's anonymous id on it.
        await _world.SendAsync(CdpWorld.Identify(piaAnonymous, pia, new { firstName = "Pia" }), CdpWorld.Track(piaAnonymous, quinn, "Quinn Checked Out"));
        await _world.ProcessAsync();
        var source = (await _world.App.SendAs(Admin, new Monfri.Application.Cdp.Sources.CreateSource.CreateSourceCommand(
            new Monfri.Application.Cdp.Sources.SourceInput($"Debugged {tag}", SourceKind.Website, [])))).Value;
        var debugger = _world.App.Get<ISourceDebugFeed>();
        var (seen, _) = EventBatchParser.Parse(JsonSerializer.SerializeToUtf8Bytes(new
        {
            batch = new[]
            {
                CdpWorld.Identify(piaAnonymous, pia, new { firstName = "Pia" }),
                CdpWorld.Page(piaAnonymous),
                CdpWorld.Track(piaAnonymous, quinn, "Quinn Checked Out"),
                CdpWorld.Identify($"anon-quinn-{tag}", quinn, new { referredBy = piaAnonymous }),
            },
        }), null, DateTimeOffset.UtcNow);
        debugger.Record(source.Id, seen!.Debug);

        var deletion = await RunAsync(PrivacyRequestKind.Delete, IdentityTypes.UserId, pia);

        Assert.Equal(PrivacyRequestStatus.Completed, deletion.Status);
        Assert.Equal(1, await _world.ScalarAsync($"SELECT count(*) FROM cdp_events WHERE user_id = '{quinn}' AND type = 'track' AND anonymous_id IS NULL"));
        var rows = debugger.Recent(source.Id);
        Assert.Equal([("identify", quinn, $"anon-quinn-{tag}"), ("track", quinn, "[erased]")], rows.Select(r => (r.Type, r.UserId, r.AnonymousId)));
        Assert.All(rows, r => Assert.DoesNotContain(piaAnonymous, r.Payload, StringComparison.OrdinalIgnoreCase));
        Assert.All(rows, r => Assert.Contains("[erased]", r.Payload, StringComparison.Ordinal));
        Assert.Contains("Quinn Checked Out", rows[1].Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_for_an_identifier_no_one_has_answers_no_data_held()
    {
        var export = await RunAsync(PrivacyRequestKind.Export, IdentityTypes.Email, $"nobody.{Guid.NewGuid():N}@privacy.test");
        var deletion = await RunAsync(PrivacyRequestKind.Delete, IdentityTypes.UserId, $"nobody-{Guid.NewGuid():N}");

        Assert.Equal((PrivacyRequestStatus.NoDataHeld, false), (export.Status, export.HasExport));
        Assert.Equal(PrivacyRequestStatus.NoDataHeld, deletion.Status);
        ResultAssert.Status(ResultStatus.NotFound, await _world.App.SendAs(Admin, new DownloadPrivacyExportQuery(export.Id)));
    }

    [Fact]
    public async Task After_a_suppression_the_persons_events_are_dropped_at_collection_and_their_email_is_do_not_email()
    {
        var person = await KnownPersonAsync("sup");
        var before = await _world.ScalarAsync($"SELECT count(*) FROM cdp_events WHERE person_id = '{person.Id}'");

        var suppression = await RunAsync(PrivacyRequestKind.Suppress, IdentityTypes.AnonymousId, person.AnonymousId);
        var stranger = $"anon-stranger-{Guid.NewGuid():N}";
        await _world.SendAsync(
            CdpWorld.Page(person.AnonymousId),
            CdpWorld.Identify($"anon-new-device-{Guid.NewGuid():N}", null, new { email = person.Email.ToUpperInvariant() }),
            CdpWorld.Track(null, person.UserId, "Logged In"),
            CdpWorld.Page(stranger));
        await _world.ProcessAsync();

        Assert.Equal(PrivacyRequestStatus.Completed, suppression.Status);
        Assert.Equal(3, suppression.Counts["suppressedIdentities"]);
        Assert.Equal(before, await _world.ScalarAsync($"SELECT count(*) FROM cdp_events WHERE person_id = '{person.Id}'"));
        Assert.Equal(1, await _world.ScalarAsync($"SELECT count(*) FROM cdp_identities WHERE value = '{stranger}'"));
        Assert.Equal(0, await _world.ScalarAsync($"SELECT count(*) FROM cdp_identities WHERE value LIKE 'anon-new-device-%'"));
        var emails = _world.App.Get<IEmailSuppression>();
        Assert.True(await emails.IsSuppressedAsync(person.Email.ToUpperInvariant(), CancellationToken.None));
        Assert.False(await emails.IsSuppressedAsync($"someone.else.{Guid.NewGuid():N}@privacy.test", CancellationToken.None));
        Assert.Equal(0, await _world.ScalarAsync($"SELECT count(*) FROM cdp_suppressions WHERE key LIKE '%{person.AnonymousId}%'"));
        // The source debugger says their next event is dropped, though collection accepts it.
        var (next, _) = EventBatchParser.Parse(JsonSerializer.SerializeToUtf8Bytes(new { batch = new[] { CdpWorld.Page(person.AnonymousId), CdpWorld.Page(stranger) } }), null, DateTimeOffset.UtcNow);
        Assert.Equal([true, false], _world.App.Get<SuppressionList>().MarkSuppressed(next!.Debug).Select(r => r.Suppressed));
    }

    [Fact]
    public async Task Suppressing_an_identifier_no_one_has_yet_answers_no_data_held_and_still_drops_its_events()
    {
        var anon = $"anon-objector-{Guid.NewGuid():N}";

        var suppression = await RunAsync(PrivacyRequestKind.Suppress, IdentityTypes.AnonymousId, anon);
        await _world.SendAsync(CdpWorld.Page(anon));
        await _world.ProcessAsync();

        Assert.Equal(PrivacyRequestStatus.NoDataHeld, suppression.Status);
        Assert.Equal(0, await _world.ScalarAsync($"SELECT count(*) FROM cdp_identities WHERE value = '{anon}'"));
    }

    [Fact]
    public async Task A_lifted_suppression_lets_the_persons_events_in_again_once_no_other_suppression_holds()
    {
        var person = await KnownPersonAsync("lift");
        var byAnonymousId = await RunAsync(PrivacyRequestKind.Suppress, IdentityTypes.AnonymousId, person.AnonymousId);
        var byEmail = await RunAsync(PrivacyRequestKind.Suppress, IdentityTypes.Email, person.Email);
        var emails = _world.App.Get<IEmailSuppression>();

        var lifted = await _world.App.SendAs(Admin, new LiftSuppressionCommand(byAnonymousId.Id));
        await _world.SendAsync(CdpWorld.Track(person.AnonymousId, null, "While Still Suppressed"));
        await _world.ProcessAsync();

        Assert.True(lifted.IsSuccess, lifted.ErrorMessage);
        Assert.NotNull(lifted.Value.LiftedAt);
        Assert.True(await emails.IsSuppressedAsync(person.Email, CancellationToken.None));
        Assert.Equal(0, await _world.ScalarAsync($"SELECT count(*) FROM cdp_events WHERE person_id = '{person.Id}' AND event = 'While Still Suppressed'"));

        Assert.True((await _world.App.SendAs(Admin, new LiftSuppressionCommand(byEmail.Id))).IsSuccess);
        await _world.SendAsync(CdpWorld.Track(person.AnonymousId, null, "Welcome Back"));
        await _world.ProcessAsync();

        Assert.False(await emails.IsSuppressedAsync(person.Email, CancellationToken.None));
        Assert.Equal(1, await _world.ScalarAsync($"SELECT count(*) FROM cdp_events WHERE person_id = '{person.Id}' AND event = 'Welcome Back'"));
        ResultAssert.Status(ResultStatus.Conflict, await _world.App.SendAs(Admin, new LiftSuppressionCommand(byEmail.Id)));
    }

    [Fact]
    public async Task Only_a_suppression_can_be_lifted()
    {
        var export = await RunAsync(PrivacyRequestKind.Export, IdentityTypes.Email, $"nobody.{Guid.NewGuid():N}@privacy.test");

        ResultAssert.Status(ResultStatus.Conflict, await _world.App.SendAs(Admin, new LiftSuppressionCommand(export.Id)));
        ResultAssert.Status(ResultStatus.NotFound, await _world.App.SendAs(Admin, new LiftSuppressionCommand(Guid.NewGuid())));
    }

    [Fact]
    public async Task Only_admins_may_make_or_read_privacy_requests()
    {
        var (_, marketer) = await _world.App.CreateUserAsync("Mara", Domain.Common.Roles.Marketing, Domain.Common.Roles.Manager);

        ResultAssert.Status(ResultStatus.Forbidden, await _world.App.SendAs(marketer, new CreatePrivacyRequestCommand(PrivacyRequestKind.Export, IdentityTypes.Email, "a@b.test")));
        ResultAssert.Status(ResultStatus.Forbidden, await _world.App.SendAs(marketer, new ListPrivacyRequestsQuery()));
        ResultAssert.Status(ResultStatus.Forbidden, await _world.App.SendAs(marketer, new GetPrivacyRequestQuery(Guid.NewGuid())));
        ResultAssert.Status(ResultStatus.Forbidden, await _world.App.SendAs(marketer, new DownloadPrivacyExportQuery(Guid.NewGuid())));
        ResultAssert.Status(ResultStatus.Forbidden, await _world.App.SendAs(marketer, new LiftSuppressionCommand(Guid.NewGuid())));
    }

    [Theory]
    [InlineData("email", "not-an-email", "identityValue")]
    [InlineData("email", "  ", "identityValue")]
    [InlineData("anonymous_id", "undefined", "identityValue")]
    [InlineData("not a type!", "x-123456", "identityType")]
    public async Task A_request_without_a_usable_identifier_is_refused(string type, string value, string field)
    {
        var result = await _world.App.SendAs(Admin, new CreatePrivacyRequestCommand(PrivacyRequestKind.Delete, type, value));

        ResultAssert.Status(ResultStatus.Invalid, result);
        Assert.Contains(result.Errors, e => string.Equals(e.Field, field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Masked_identifiers_keep_only_a_hint()
    {
        Assert.Equal("a***@e***.com", PrivacyRequest.Mask(IdentityTypes.Email, "anna.lee@example.com"));
        Assert.Equal("***@e***.com", PrivacyRequest.Mask(IdentityTypes.Email, "al@example.com"));
        Assert.Equal("an***12", PrivacyRequest.Mask(IdentityTypes.AnonymousId, "anon-abc-12"));
        Assert.Equal("***", PrivacyRequest.Mask(IdentityTypes.UserId, "42"));
    }

    /// <summary>
    /// A contact typed into the CRM who then browsed anonymously and signed up (identify with user id and the same
    /// email: the anonymous profile merged into them), with identify traits, an activity and a deal.
    /// </summary>
    private async Task<KnownPerson> KnownPersonAsync(string tag)
    {
        tag = $"{tag}{Guid.NewGuid():N}"[..12];
        var lastName = $"Privacyson{tag}";
        var email = $"erin+{tag}@privacy.test";
        var contact = await CreateContactAsync("Erin", lastName, email);
        var anon = $"anon-{tag}-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(anon, path: "/pricing"), CdpWorld.Page(anon, path: "/signup"));
        await _world.ProcessAsync();
        var anonymousProfile = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);
        var userId = $"user-{tag}";
        await _world.SendAsync(CdpWorld.Identify(anon, userId, new { email, firstName = "Erin", plan = "pro" }));
        await _world.ProcessAsync();
        var profile = await _world.ProfileAsync(IdentityTypes.UserId, userId);
        Assert.Equal(contact.Id, profile.Id);

        var activity = await _world.App.SendAs(Admin, new LogActivityCommand(ActivityType.Call, "Discovery call", $"<p>Spoke with {lastName}</p>", contact.Id, null, null));
        Assert.True(activity.IsSuccess, activity.ErrorMessage);
        var dealName = $"Renewal {tag}";
        var deal = await _world.App.SendAs(Admin, new CreateDealCommand { Name = dealName, Amount = 1200, ContactIds = [contact.Id] });
        Assert.True(deal.IsSuccess, deal.ErrorMessage);
        return new KnownPerson(contact.Id, anonymousProfile.Id, anon, userId, email, lastName, tag, deal.Value.Id, dealName);
    }

    private async Task<ContactDetail> CreateContactAsync(string firstName, string lastName, string email)
    {
        var created = await _world.App.SendAs(Admin, new CreateContactCommand { FirstName = firstName, LastName = lastName, Email = email });
        Assert.True(created.IsSuccess, created.ErrorMessage);
        return created.Value;
    }

    /// <summary>Queues a request and waits for the background worker to finish it.</summary>
    private async Task<PrivacyRequestDto> RunAsync(PrivacyRequestKind kind, string type, string value)
    {
        var queued = await _world.App.SendAs(Admin, new CreatePrivacyRequestCommand(kind, type, value));
        Assert.True(queued.IsSuccess, queued.ErrorMessage);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var request = (await _world.App.SendAs(Admin, new GetPrivacyRequestQuery(queued.Value.Id))).Value;
            if (request.Status is not (PrivacyRequestStatus.Queued or PrivacyRequestStatus.Running))
            {
                Assert.True(request.Status != PrivacyRequestStatus.Failed, request.Error);
                return request;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The request is still {request.Status}.");
            await Task.Delay(50);
        }
    }

    private async Task<IReadOnlyList<PrivacyRequestDto>> ListAsync() =>
        (await _world.App.SendAs(Admin, new ListPrivacyRequestsQuery(0, 100))).Value.Items;

    private static async Task<JsonDocument> ReadJsonAsync(PrivacyExportFile export)
    {
        await using var content = export.Content;
        return await JsonDocument.ParseAsync(content);
    }

    /// <summary>
    /// Every table of the public schema, each row as text (all columns: text, jsonb, arrays, uuids) and every bytea
    /// column as bytes (raw UTF-8 and as JSON escapes it), searched for each term: "table: term" per hit.
    /// </summary>
    private async Task<List<string>> MentionsAsync(params string[] terms)
    {
        await using var connection = new NpgsqlConnection(_world.App.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var byteaColumns = new List<(string Table, string Column)>();
        await using (var command = new NpgsqlCommand("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'bytea'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                byteaColumns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        Assert.Contains("cdp_events", tables);
        Assert.Contains(("cdp_intake", "payload"), byteaColumns);
        var hits = new List<string>();
        foreach (var table in tables)
        {
            var bytes = byteaColumns.Where(c => c.Table == table)
                .Select(c => $" OR position($2 IN t.\"{c.Column}\") > 0 OR position($3 IN t.\"{c.Column}\") > 0");
            foreach (var term in terms)
            {
                await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\" t WHERE strpos(t::text, $1) > 0{string.Concat(bytes)}", connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = term });
                command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Encoding.UTF8.GetBytes(term) });
                command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = JsonEncodedText.Encode(term).EncodedUtf8Bytes.ToArray() });
                if ((long)(await command.ExecuteScalarAsync())! > 0)
                {
                    hits.Add($"{table}: {term}");
                }
            }
        }

        return hits;
    }

    private sealed record KnownPerson(
        Guid Id, Guid AnonymousProfileId, string AnonymousId, string UserId, string Email, string LastName, string Tag, Guid DealId, string DealName);
}
