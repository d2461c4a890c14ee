using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Domain.Tests.Crm;

/// <summary>Each intention-revealing method raises the event that says what happened, with the facts of the change.</summary>
public sealed class DomainEventTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly Pipeline Sales = Pipeline.Create("Sales", [("Lead", 10, null), ("Proposal", 50, null)], Now);
    private static PipelineStage Lead => Sales.Stage("Lead");
    private static PipelineStage Proposal => Sales.Stage("Proposal");

    private static DealDetails DealDetails(Guid? owner, params Guid[] contacts) =>
        new("Rollout", 1000m, "EUR", null, owner, null, contacts, [], new Dictionary<string, object?>());

    private static ContactDetails ContactDetails(string first, Guid? owner = null) =>
        new(first, "Lovelace", $"{first.ToLowerInvariant()}@example.test", [], null, null, null, owner, "lead", null, [], new Dictionary<string, object?>());

    private static CompanyDetails CompanyDetails(string name, Guid? owner = null) =>
        new(name, $"{name.ToLowerInvariant()}.example", null, null, owner, [], new Dictionary<string, object?>());

    private static T Single<T>(Entity entity) where T : IDomainEvent => Assert.IsType<T>(Assert.Single(entity.DomainEvents));

    private static Deal NewDeal(Guid? owner = null, params Guid[] contacts)
    {
        var deal = Deal.Create(DealDetails(owner, contacts), Lead, null, 1, Now);
        deal.ClearDomainEvents();
        return deal;
    }

    [Fact]
    public void Creating_a_deal_raises_DealCreated()
    {
        var deal = Deal.Create(DealDetails(null), Lead, null, 1, Now);
        Assert.Same(deal, Single<DealCreated>(deal).Deal);
    }

    [Fact]
    public void Editing_a_deal_raises_DealUpdated_with_its_owner_and_contacts_before_the_edit()
    {
        var (before, after, contact) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var deal = NewDeal(before, contact);

        deal.Update(DealDetails(after), Now);

        var updated = Single<DealUpdated>(deal);
        Assert.Equal(before, updated.PreviousOwnerId);
        Assert.Equal([contact], updated.PreviousContactIds);
        Assert.Empty(deal.Contacts);
    }

    [Fact]
    public void Reassigning_or_tagging_a_deal_raises_DealUpdated()
    {
        var (before, after) = (Guid.NewGuid(), Guid.NewGuid());
        var deal = NewDeal(before);

        deal.AssignOwner(after, Now);
        deal.AddTag("vip", Now);

        Assert.Equal([before, after], deal.DomainEvents.Cast<DealUpdated>().Select(e => e.PreviousOwnerId));
    }

    [Fact]
    public void Moving_a_deal_to_another_stage_raises_DealMoved_from_and_to()
    {
        var deal = NewDeal();

        deal.MoveToStage(Proposal, 2, null, Now);

        var moved = Single<DealMoved>(deal);
        Assert.Equal((Lead.Id, Proposal.Id, DealStatus.Open, false), (moved.FromStageId, moved.ToStageId, moved.Status, moved.StageRemoved));
        Assert.True(moved.ChangedStage);
    }

    [Fact]
    public void Reordering_a_deal_in_its_column_raises_DealMoved_within_the_stage()
    {
        var deal = NewDeal();

        deal.MoveToStage(Lead, 0.5, null, Now);

        Assert.False(Single<DealMoved>(deal).ChangedStage);
    }

    [Fact]
    public void Winning_a_deal_raises_DealMoved_and_DealWon()
    {
        var owner = Guid.NewGuid();
        var deal = NewDeal(owner);

        deal.MoveToStage(Sales.WonStage, 1, null, Now);

        Assert.Equal(DealStatus.Won, Assert.IsType<DealMoved>(deal.DomainEvents.First()).Status);
        Assert.Equal(new DealWon(deal.Id, 1000m, "EUR", owner, Now), deal.DomainEvents.Last());
    }

    [Fact]
    public void Losing_a_deal_raises_DealMoved_and_DealLost_with_the_reason()
    {
        var deal = NewDeal();

        deal.MoveToStage(Sales.LostStage, 1, null, Now, " Too expensive ");

        Assert.Equal(DealStatus.Lost, Assert.IsType<DealMoved>(deal.DomainEvents.First()).Status);
        Assert.Equal("Too expensive", Assert.IsType<DealLost>(deal.DomainEvents.Last()).Reason);
    }

    [Fact]
    public void A_deal_leaving_a_deleted_stage_raises_DealMoved_marked_as_such()
    {
        var deal = NewDeal();

        deal.LeaveRemovedStage(Proposal, 3, null, Now);

        Assert.True(Single<DealMoved>(deal).StageRemoved);
    }

    [Fact]
    public void Deleting_a_deal_raises_DealDeleted_with_its_contacts()
    {
        var contact = Guid.NewGuid();
        var deal = NewDeal(null, contact);

        deal.Delete(Now);

        Assert.Equal([contact], Single<DealDeleted>(deal).ContactIds);
    }

    [Fact]
    public void Creating_a_contact_raises_ContactCreated_with_its_name()
    {
        var person = Person.CreateContact(ContactDetails("Ada"), Now);
        Assert.Equal(new ContactCreated(person.Id, "Ada Lovelace", null, Now), Single<ContactCreated>(person));
    }

    [Fact]
    public void Editing_a_contact_raises_ContactUpdated_but_applying_fields_for_a_merge_or_import_does_not()
    {
        var (before, after) = (Guid.NewGuid(), Guid.NewGuid());
        var person = Person.CreateContact(ContactDetails("Ada", before), Now);
        person.ClearDomainEvents();

        person.Apply(ContactDetails("Ada", after), Now);
        Assert.Empty(person.DomainEvents);
        person.Update(ContactDetails("Ada", before), Now);

        Assert.Equal(after, Single<ContactUpdated>(person).PreviousOwnerId);
    }

    [Fact]
    public void A_contact_absorbing_another_raises_ContactsMerged()
    {
        var survivor = Person.CreateContact(ContactDetails("Ada"), Now);
        var absorbed = Person.CreateContact(ContactDetails("Augusta"), Now);
        survivor.ClearDomainEvents();

        survivor.Absorb(absorbed, Now);

        Assert.Equal(new ContactsMerged(survivor.Id, absorbed.Id, Now), Single<ContactsMerged>(survivor));
    }

    [Fact]
    public void Creating_editing_and_merging_companies_raise_their_events()
    {
        var (before, after) = (Guid.NewGuid(), Guid.NewGuid());
        var acme = Company.Create(CompanyDetails("Acme", before), Now);
        Assert.Equal(new CompanyCreated(acme.Id, "Acme", before, Now), Single<CompanyCreated>(acme));
        var other = Company.Create(CompanyDetails("Acme Inc"), Now);
        acme.ClearDomainEvents();

        acme.Update(CompanyDetails("Acme", after), Now);
        Assert.Equal(new CompanyUpdated(acme.Id, after, before, Now), Single<CompanyUpdated>(acme));
        acme.ClearDomainEvents();

        acme.Absorb(other, Now);
        Assert.Equal(new CompaniesMerged(acme.Id, other.Id, Now), Single<CompaniesMerged>(acme));
    }

    [Fact]
    public void Logging_an_activity_raises_ActivityLogged_where_it_sits()
    {
        var (person, deal, assignee) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var task = Activity.Log(new ActivityDetails(ActivityType.Task, "Call back", null, person, null, deal, null, Now.AddDays(1), assignee), null, Now);

        Assert.Equal(new ActivityLogged(task.Id, ActivityType.Task, new ActivityPlace(person, deal, assignee), Now), Single<ActivityLogged>(task));
    }

    [Fact]
    public void Editing_an_activity_raises_ActivityUpdated_with_where_it_sat_before()
    {
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        var note = Activity.Log(new ActivityDetails(ActivityType.Note, "Met", null, first, null, null, Now, null, null), null, Now);
        note.ClearDomainEvents();

        note.Update(new ActivityDetails(ActivityType.Note, "Met", null, second, null, null, Now, null, null), Now);

        var updated = Single<ActivityUpdated>(note);
        Assert.Equal((first, second), (updated.Before.PersonId, updated.Place.PersonId));
    }

    [Fact]
    public void Completing_and_reopening_a_task_raise_TaskCompleted_and_TaskReopened()
    {
        var assignee = Guid.NewGuid();
        var task = Activity.Log(new ActivityDetails(ActivityType.Task, "Call back", null, Guid.NewGuid(), null, null, null, Now.AddDays(1), assignee), null, Now);
        task.ClearDomainEvents();

        task.Complete(true, Now);
        task.Complete(false, Now);

        Assert.Collection(task.DomainEvents,
            e => Assert.Equal(assignee, Assert.IsType<TaskCompleted>(e).Place.AssigneeId),
            e => Assert.IsType<TaskReopened>(e));
    }

    [Fact]
    public void Deleting_an_activity_raises_ActivityDeleted()
    {
        var deal = Guid.NewGuid();
        var note = Activity.Log(new ActivityDetails(ActivityType.Note, "Met", null, null, null, deal, Now, null, null), null, Now);
        note.ClearDomainEvents();

        note.Delete(Now);

        Assert.Equal(deal, Single<ActivityDeleted>(note).Place.DealId);
    }
}

internal static class PipelineTestExtensions
{
    public static PipelineStage Stage(this Pipeline pipeline, string name) => pipeline.Stages.Single(s => s.Name == name);
}
