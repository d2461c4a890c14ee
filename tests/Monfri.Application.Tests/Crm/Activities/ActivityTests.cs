using System.Threading.Channels;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Activities;
using Monfri.Application.Crm.Activities.CompleteTask;
using Monfri.Application.Crm.Activities.DeleteActivity;
using Monfri.Application.Crm.Activities.GetTimeline;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Crm.Activities.UpdateActivity;
using Monfri.Application.Users.SetUserActive;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Monfri.Application.Tests.Crm.Activities;

public sealed class ActivityTests : IAsyncLifetime
{
    private MonfriServices _app = null!;
    private CrmRecords _records = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(ActivityTests));
        _records = new CrmRecords(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static LogActivityCommand Note(string subject, Guid? personId = null, Guid? companyId = null, Guid? dealId = null, string? body = null, DateTimeOffset? at = null) =>
        new(ActivityType.Note, subject, body, personId, companyId, dealId, at);

    [Fact]
    public async Task A_script_tag_an_onerror_attribute_and_a_javascript_link_are_stripped_from_a_note()
    {
        var (_, rep) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var contact = await _records.ContactAsync("Jane");
        const string body = """
            <p onerror="alert(1)" onclick="steal()">Met <b>Jane</b> at the fair</p>
            <script>alert('xss')</script>
            <img src="x" onerror="alert(2)">
            <a href="javascript:alert(3)">click me</a>
            <a href="https://example.com/deck">the deck</a>
            """;

        var logged = await _app.SendAs(rep, Note("Fair follow-up", contact.Id, body: body));

        Assert.True(logged.IsSuccess, logged.ErrorMessage);
        var stored = await _records.ReadAsync(db => db.Activities.AsNoTracking().SingleAsync(a => a.Id == logged.Value.Id));
        Assert.Equal(stored.Body, logged.Value.Body);
        Assert.DoesNotContain("<script", stored.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert", stored.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", stored.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", stored.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", stored.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Met <b>Jane</b> at the fair", stored.Body, StringComparison.Ordinal);
        Assert.Contains("click me", stored.Body, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.com/deck\"", stored.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logging_a_call_marks_the_contact_company_and_deal_as_recently_active()
    {
        var (_, rep) = await _app.CreateUserAsync("Carl", Roles.Sales);
        var company = await _records.CompanyAsync("Acme");
        var contact = await _records.ContactAsync("Bob", companyId: company.Id);
        var deal = await _records.DealAsync("Acme renewal", companyId: company.Id, contactIds: contact.Id);
        var callTime = DateTimeOffset.UtcNow.AddHours(-2);

        var logged = await _app.SendAs(rep, new LogActivityCommand(ActivityType.Call, "Discussed pricing", null, contact.Id, company.Id, deal.Id, callTime));

        Assert.True(logged.IsSuccess, logged.ErrorMessage);
        Assert.Equal("Carl", logged.Value.AuthorName);
        Assert.Equal("Acme renewal", logged.Value.DealName);
        Assert.Equal("Bob Tester", logged.Value.PersonName);
        var touched = await _records.ReadAsync(async db => new[]
        {
            (await db.People.SingleAsync(p => p.Id == contact.Id)).LastActivityAt,
            (await db.Companies.SingleAsync(c => c.Id == company.Id)).LastActivityAt,
            (await db.Deals.SingleAsync(d => d.Id == deal.Id)).LastActivityAt,
        });
        Assert.All(touched, at => Assert.Equal(callTime.ToUnixTimeMilliseconds(), at!.Value.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public async Task A_task_is_assigned_to_its_creator_unless_someone_else_is_named_and_tells_the_assignee()
    {
        var (creator, rep) = await _app.CreateUserAsync("Tina", Roles.Sales);
        var (colleague, colleaguePrincipal) = await _app.CreateUserAsync("Ulf", Roles.Sales);
        var contact = await _records.ContactAsync("Vera");
        var due = DateTimeOffset.UtcNow.AddDays(1);
        var told = Channel.CreateUnbounded<LiveUpdate>();
        using var watch = _app.Get<ILiveFeed>().Subscribe(LiveTopics.User(colleague.Id), colleaguePrincipal, u => told.Writer.WriteAsync(u)).Value;

        var own = await _app.SendAs(rep, new LogActivityCommand(ActivityType.Task, "Send proposal", null, contact.Id, null, null, DueAt: due));
        var delegated = await _app.SendAs(rep, new LogActivityCommand(ActivityType.Task, "Check references", null, contact.Id, null, null, DueAt: due, AssigneeId: colleague.Id));

        Assert.Equal(creator.Id, own.Value.AssigneeId);
        Assert.Equal("Tina", own.Value.AssigneeName);
        Assert.Equal(colleague.Id, delegated.Value.AssigneeId);
        Assert.Equal(due.ToUnixTimeMilliseconds(), delegated.Value.DueAt!.Value.ToUnixTimeMilliseconds());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(TaskLiveKinds.Changed, (await told.Reader.ReadAsync(timeout.Token)).Kind);
    }

    [Fact]
    public async Task A_task_needs_a_due_date_a_subject_a_record_and_an_active_assignee()
    {
        var admin = await _app.AdminAsync();
        var (_, rep) = await _app.CreateUserAsync("Wendy", Roles.Sales);
        var (gone, _) = await _app.CreateUserAsync("Xavier", Roles.Sales);
        await _app.SendAs(admin, new SetUserActiveCommand(gone.Id, false));
        var contact = await _records.ContactAsync("Yara");

        var invalid = await _app.SendAs(rep, new LogActivityCommand(ActivityType.Task, " ", null, null, null, null));
        var toInactive = await _app.SendAs(rep, new LogActivityCommand(ActivityType.Task, "Call back", null, contact.Id, null, null, DueAt: DateTimeOffset.UtcNow, AssigneeId: gone.Id));
        var email = await _app.SendAs(rep, new LogActivityCommand(ActivityType.Email, "Typed email", null, contact.Id, null, null));

        ResultAssert.Status(ResultStatus.Invalid, invalid);
        Assert.Equal(["DueAt", "Record", "Subject"], invalid.Errors.Select(e => e.Field!).Order());
        ResultAssert.Status(ResultStatus.Invalid, toInactive);
        Assert.Equal("AssigneeId", toInactive.Errors.Single().Field);
        ResultAssert.Status(ResultStatus.Invalid, email);
        Assert.Equal(0, await _records.ReadAsync(db => db.Activities.CountAsync(a => a.PersonId == contact.Id)));
    }

    [Fact]
    public async Task Logging_on_a_missing_record_is_not_found_and_anonymous_callers_are_refused()
    {
        var (_, rep) = await _app.CreateUserAsync("Zoe", Roles.Sales);
        var contact = await _records.ContactAsync("Adam");

        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(rep, Note("Lost", Guid.NewGuid())));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(rep, Note("Lost", contact.Id, dealId: Guid.NewGuid())));
        ResultAssert.Status(ResultStatus.Unauthorized, await _app.SendAs(null, Note("Anonymous", contact.Id)));
    }

    [Fact]
    public async Task A_marketer_logs_notes_on_contacts_but_not_on_deals()
    {
        var (_, marketer) = await _app.CreateUserAsync("Mia", Roles.Marketing);
        var contact = await _records.ContactAsync("Ben");
        var deal = await _records.DealAsync("Ben's deal", contactIds: contact.Id);

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(marketer, Note("Downloaded the whitepaper", contact.Id)));
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(marketer, Note("Deal note", contact.Id, dealId: deal.Id)));
    }

    [Fact]
    public async Task The_author_edits_a_note_a_colleague_cannot_and_a_manager_can()
    {
        var (_, author) = await _app.CreateUserAsync("Anna", Roles.Sales);
        var (_, colleague) = await _app.CreateUserAsync("Bert", Roles.Sales);
        var (_, manager) = await _app.CreateUserAsync("Cleo", Roles.Manager);
        var contact = await _records.ContactAsync("Dan");
        var note = (await _app.SendAs(author, Note("First call", contact.Id, body: "<p>hello</p>"))).Value;

        var edited = await _app.SendAs(author, Edit(note, "First call (edited)", "<p>hello <i>again</i></p><script>x()</script>"));
        var byColleague = await _app.SendAs(colleague, Edit(edited.Value, "Hijacked", null));
        var byManager = await _app.SendAs(manager, Edit(edited.Value, "Reviewed", edited.Value.Body));

        Assert.True(edited.IsSuccess, edited.ErrorMessage);
        Assert.Equal("<p>hello <i>again</i></p>", edited.Value.Body);
        Assert.NotEqual(note.Version, edited.Value.Version);
        ResultAssert.Status(ResultStatus.Forbidden, byColleague);
        Assert.True(byManager.IsSuccess, byManager.ErrorMessage);
        Assert.Equal("Reviewed", byManager.Value.Subject);
    }

    [Fact]
    public async Task Saving_an_edit_over_someone_elses_newer_change_is_a_conflict()
    {
        var (_, author) = await _app.CreateUserAsync("Eva", Roles.Sales);
        var (_, manager) = await _app.CreateUserAsync("Finn", Roles.Manager);
        var contact = await _records.ContactAsync("Gus");
        var note = (await _app.SendAs(author, Note("Meeting notes", contact.Id))).Value;

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(manager, Edit(note, "Meeting notes (manager)", null)));
        var stale = await _app.SendAs(author, Edit(note, "Meeting notes (author)", null));

        ResultAssert.Status(ResultStatus.Conflict, stale);
        var stored = await _records.ReadAsync(db => db.Activities.AsNoTracking().SingleAsync(a => a.Id == note.Id));
        Assert.Equal("Meeting notes (manager)", stored.Subject);
    }

    [Fact]
    public async Task The_assignee_completes_and_reopens_a_task_but_only_its_author_deletes_it()
    {
        var (_, author) = await _app.CreateUserAsync("Hana", Roles.Manager);
        var (assignee, assigneePrincipal) = await _app.CreateUserAsync("Ivo", Roles.Sales);
        var contact = await _records.ContactAsync("Jon");
        var task = (await _app.SendAs(author, new LogActivityCommand(ActivityType.Task, "Prepare demo", null, contact.Id, null, null,
            DueAt: DateTimeOffset.UtcNow.AddDays(2), AssigneeId: assignee.Id))).Value;
        var note = (await _app.SendAs(author, Note("Just a note", contact.Id))).Value;

        var completed = await _app.SendAs(assigneePrincipal, new CompleteTaskCommand(task.Id));
        var reopened = await _app.SendAs(assigneePrincipal, new CompleteTaskCommand(task.Id, Completed: false));
        var noteCompleted = await _app.SendAs(author, new CompleteTaskCommand(note.Id));
        var deletedByAssignee = await _app.SendAs(assigneePrincipal, new DeleteActivityCommand(task.Id));
        var deletedByAuthor = await _app.SendAs(author, new DeleteActivityCommand(task.Id));

        Assert.NotNull(completed.Value.CompletedAt);
        Assert.Null(reopened.Value.CompletedAt);
        ResultAssert.Status(ResultStatus.Invalid, noteCompleted);
        ResultAssert.Status(ResultStatus.Forbidden, deletedByAssignee);
        ResultAssert.Status(ResultStatus.Ok, deletedByAuthor);
        Assert.False(await _records.ReadAsync(db => db.Activities.AnyAsync(a => a.Id == task.Id)));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(author, new CompleteTaskCommand(task.Id)));
    }

    [Fact]
    public async Task A_timeline_lists_newest_first_and_pages_through_everything_once()
    {
        var (_, rep) = await _app.CreateUserAsync("Kim", Roles.Sales);
        var contact = await _records.ContactAsync("Lars");
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var sameMoment = start.AddHours(11 * 7);
        for (var i = 0; i < 25; i++)
        {
            // Three share one timestamp: the id breaks the tie, so none is skipped or repeated across pages.
            var at = i is 10 or 11 or 12 ? sameMoment : start.AddHours(i * 7);
            ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(rep, Note($"Note {i}", contact.Id, at: at)));
        }

        var seen = new List<ActivityDto>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _app.SendAs(rep, new GetTimelineQuery(PersonId: contact.Id, Cursor: cursor, PageSize: 10));
            Assert.True(page.IsSuccess, page.ErrorMessage);
            seen.AddRange(page.Value.Items);
            cursor = page.Value.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(25, seen.Select(a => a.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id).Select(a => a.Id), seen.Select(a => a.Id));
        Assert.Equal("Note 24", seen[0].Subject);
        Assert.Equal("Note 0", seen[^1].Subject);
        Assert.All(seen, a => Assert.Equal("Kim", a.AuthorName));
    }

    [Fact]
    public async Task A_company_timeline_includes_its_contacts_and_deals_and_a_contact_timeline_includes_their_deals()
    {
        var (_, rep) = await _app.CreateUserAsync("Lena", Roles.Sales);
        var company = await _records.CompanyAsync("Globex");
        var contact = await _records.ContactAsync("Mona", companyId: company.Id);
        var outsider = await _records.ContactAsync("Nils");
        var deal = await _records.DealAsync("Globex expansion", companyId: company.Id, contactIds: contact.Id);
        var now = DateTimeOffset.UtcNow;
        await _app.SendAs(rep, Note("On the company", companyId: company.Id, at: now.AddMinutes(-4)));
        await _app.SendAs(rep, Note("On the contact", contact.Id, at: now.AddMinutes(-3)));
        await _app.SendAs(rep, new LogActivityCommand(ActivityType.Meeting, "On the deal", null, null, null, deal.Id, now.AddMinutes(-2)));
        await _app.SendAs(rep, Note("On someone else", outsider.Id, at: now.AddMinutes(-1)));

        var companyTimeline = await _app.SendAs(rep, new GetTimelineQuery(CompanyId: company.Id));
        var contactTimeline = await _app.SendAs(rep, new GetTimelineQuery(PersonId: contact.Id));
        var dealTimeline = await _app.SendAs(rep, new GetTimelineQuery(DealId: deal.Id));

        Assert.Equal(["On the deal", "On the contact", "On the company"], companyTimeline.Value.Items.Select(a => a.Subject));
        Assert.Equal(["On the deal", "On the contact"], contactTimeline.Value.Items.Select(a => a.Subject));
        Assert.Equal(["On the deal"], dealTimeline.Value.Items.Select(a => a.Subject));
        Assert.Null(companyTimeline.Value.NextCursor);
    }

    [Fact]
    public async Task A_timeline_needs_exactly_one_existing_record_and_a_valid_cursor()
    {
        var (_, rep) = await _app.CreateUserAsync("Olga", Roles.Sales);
        var contact = await _records.ContactAsync("Paul");

        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(rep, new GetTimelineQuery()));
        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(rep, new GetTimelineQuery(PersonId: contact.Id, CompanyId: Guid.NewGuid())));
        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(rep, new GetTimelineQuery(PersonId: contact.Id, Cursor: "garbage")));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(rep, new GetTimelineQuery(DealId: Guid.NewGuid())));
    }

    private static UpdateActivityCommand Edit(ActivityDto activity, string subject, string? body) =>
        new(activity.Id, subject, body, activity.PersonId, activity.CompanyId, activity.DealId, activity.OccurredAt, activity.DueAt, activity.AssigneeId, activity.Version);
}
