using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Activities.CompleteTask;
using Monfri.Application.Crm.Activities.GetTimeline;
using Monfri.Application.Crm.Activities.ListMyTasks;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Monfri.Application.Tests.Crm.Activities;

/// <summary>With "reps see only their own records" on, activities follow the records they are attached to.</summary>
public sealed class OwnRecordsActivityTests : IAsyncLifetime
{
    private MonfriServices _app = null!;
    private CrmRecords _records = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(OwnRecordsActivityTests));
        _records = new CrmRecords(_app);
        await _records.RepsSeeOnlyOwnRecordsAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static LogActivityCommand Note(string subject, Guid? personId = null, Guid? dealId = null) =>
        new(ActivityType.Note, subject, null, personId, null, dealId);

    [Fact]
    public async Task A_rep_cannot_log_on_another_reps_contact_or_read_its_timeline()
    {
        var (ann, annPrincipal) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, bob) = await _app.CreateUserAsync("Bob", Roles.Sales);
        var (_, manager) = await _app.CreateUserAsync("Meg", Roles.Manager);
        var annsContact = await _records.ContactAsync("Carla", ownerId: ann.Id);

        var byBob = await _app.SendAs(bob, Note("Sneaky note", annsContact.Id));
        var timelineForBob = await _app.SendAs(bob, new GetTimelineQuery(PersonId: annsContact.Id));
        var byAnn = await _app.SendAs(annPrincipal, Note("My note", annsContact.Id));
        var byManager = await _app.SendAs(manager, Note("Manager's note", annsContact.Id));

        ResultAssert.Status(ResultStatus.NotFound, byBob);
        ResultAssert.Status(ResultStatus.NotFound, timelineForBob);
        ResultAssert.Status(ResultStatus.Ok, byAnn);
        ResultAssert.Status(ResultStatus.Ok, byManager);
        Assert.Equal(2, await _records.ReadAsync(db => db.Activities.CountAsync(a => a.PersonId == annsContact.Id)));
    }

    [Fact]
    public async Task A_contact_timeline_leaves_out_what_was_logged_on_a_deal_the_rep_cannot_see()
    {
        var (ann, annPrincipal) = await _app.CreateUserAsync("Anja", Roles.Sales);
        var (bob, bobPrincipal) = await _app.CreateUserAsync("Boris", Roles.Sales);
        var contact = await _records.ContactAsync("Dora", ownerId: ann.Id);
        var bobsDeal = await _records.DealAsync("Boris's deal", ownerId: bob.Id, contactIds: contact.Id);
        await _app.SendAs(annPrincipal, Note("On the contact", contact.Id));
        await _app.SendAs(bobPrincipal, Note("On Boris's deal", dealId: bobsDeal.Id));

        var annsView = await _app.SendAs(annPrincipal, new GetTimelineQuery(PersonId: contact.Id));

        Assert.Equal(["On the contact"], annsView.Value.Items.Select(a => a.Subject));
    }

    [Fact]
    public async Task A_task_given_to_a_rep_on_someone_elses_record_is_theirs_to_see_and_complete()
    {
        var (ann, _) = await _app.CreateUserAsync("Alma", Roles.Sales);
        var (bob, bobPrincipal) = await _app.CreateUserAsync("Bruno", Roles.Sales);
        var (_, manager) = await _app.CreateUserAsync("Mara", Roles.Manager);
        var annsContact = await _records.ContactAsync("Eli", ownerId: ann.Id);
        var task = (await _app.SendAs(manager, new LogActivityCommand(ActivityType.Task, "Cover for Alma", null, annsContact.Id, null, null,
            DueAt: DateTimeOffset.UtcNow.AddHours(1), AssigneeId: bob.Id))).Value;

        var bobsTasks = await _app.SendAs(bobPrincipal, new ListMyTasksQuery());
        var completed = await _app.SendAs(bobPrincipal, new CompleteTaskCommand(task.Id));

        Assert.Contains(bobsTasks.Value.Today.Concat(bobsTasks.Value.Upcoming), t => t.Id == task.Id);
        Assert.True(completed.IsSuccess, completed.ErrorMessage);
    }
}
