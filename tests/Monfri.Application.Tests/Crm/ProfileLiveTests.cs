using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Activities;
using Monfri.Application.Crm.Activities.CompleteTask;
using Monfri.Application.Crm.Activities.DeleteActivity;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.DeleteDeal;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Application.Crm.Deals.UpdateDeal;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Application.Crm.Contacts.GetContact;

namespace Monfri.Application.Tests.Crm;

/// <summary>An open contact or profile page hears of its person's deals and activities changing (topic <c>profile:{id}</c>).</summary>
public sealed class ProfileLiveTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(ProfileLiveTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<LiveUpdate> WaitForAsync(LiveRecorder recorder, Func<LiveUpdate, bool> match)
    {
        for (var i = 0; i < 100; i++)
        {
            if (recorder.Updates.FirstOrDefault(match) is { } update)
            {
                return update;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Not published; got: {string.Join(", ", recorder.Updates.Select(u => u.Kind))}");
    }

    [Fact]
    public async Task Moving_a_deal_tells_the_open_page_of_each_of_its_contacts_and_no_one_else()
    {
        var (_, rep) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var jane = await _app.AddContactAsync("Jane", "Doe");
        var john = await _app.AddContactAsync("John", "Roe");
        var bystander = await _app.AddContactAsync("Bea", "Stander");
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Acme renewal", ContactIds = [jane, john] });
        using var janesPage = await _app.RecordProfileAsync(jane);
        using var johnsPage = await _app.RecordProfileAsync(john);
        using var othersPage = await _app.RecordProfileAsync(bystander);

        var moved = await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Proposal").Id, deal.Stage.Id, deal.Version));

        ResultAssert.Status(ResultStatus.Ok, moved);
        Assert.Equal(pipeline.Stage("Proposal").Id, (await janesPage.ExpectAsync(DealLive.Moved, deal.Id)).StageId);
        Assert.Equal(moved.Value.Version, (await johnsPage.ExpectAsync(DealLive.Moved, deal.Id)).Version);
        Assert.Empty(othersPage.Updates);
    }

    [Fact]
    public async Task Taking_a_contact_off_a_deal_and_deleting_it_tell_the_pages_that_showed_it()
    {
        var (_, rep) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var jane = await _app.AddContactAsync("Jane", "Doe");
        var john = await _app.AddContactAsync("John", "Roe");
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Two buyers", ContactIds = [jane, john] });
        using var janesPage = await _app.RecordProfileAsync(jane);
        using var johnsPage = await _app.RecordProfileAsync(john);

        var updated = await _app.SendAs(rep, new UpdateDealCommand { Id = deal.Id, Version = deal.Version, Name = "Two buyers", ContactIds = [jane] });
        ResultAssert.Status(ResultStatus.Ok, updated);
        await janesPage.ExpectAsync(DealLive.Updated, deal.Id);
        await johnsPage.ExpectAsync(DealLive.Updated, deal.Id);

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(rep, new DeleteDealCommand(deal.Id)));
        await janesPage.ExpectAsync(DealLive.Deleted, deal.Id);
        Assert.DoesNotContain(johnsPage.Updates, u => u.Kind == DealLive.Deleted);
    }

    [Fact]
    public async Task Logging_completing_and_deleting_an_activity_tell_the_contacts_page_and_the_deals_contacts()
    {
        var (_, rep) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var jane = await _app.AddContactAsync("Jane", "Doe");
        var john = await _app.AddContactAsync("John", "Roe");
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Acme renewal", ContactIds = [john] });
        using var janesPage = await _app.RecordProfileAsync(jane);
        using var johnsPage = await _app.RecordProfileAsync(john);

        var call = await _app.SendAs(rep, new LogActivityCommand(ActivityType.Call, "Intro call", null, jane, null, null));
        var task = await _app.SendAs(rep, new LogActivityCommand(ActivityType.Task, "Send the quote", null, null, null, deal.Id, DueAt: DateTimeOffset.UtcNow.AddDays(1)));
        ResultAssert.Status(ResultStatus.Ok, call);
        ResultAssert.Status(ResultStatus.Ok, task);
        await WaitForAsync(janesPage, u => u.Kind == ActivityLive.Created && u.Data.GetProperty("id").GetGuid() == call.Value.Id);
        // John's timeline shows what was logged on his deal.
        await WaitForAsync(johnsPage, u => u.Kind == ActivityLive.Created && u.Data.GetProperty("id").GetGuid() == task.Value.Id);

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(rep, new CompleteTaskCommand(task.Value.Id, true)));
        await WaitForAsync(johnsPage, u => u.Kind == ActivityLive.Updated && u.Data.GetProperty("id").GetGuid() == task.Value.Id);
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(rep, new DeleteActivityCommand(call.Value.Id)));
        await WaitForAsync(janesPage, u => u.Kind == ActivityLive.Deleted && u.Data.GetProperty("id").GetGuid() == call.Value.Id);
        Assert.DoesNotContain(janesPage.Updates, u => u.Data.ToString().Contains(task.Value.Id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_neither_hears_of_nor_sees_a_colleagues_deal_on_their_own_contacts_page()
    {
        var (annUser, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, ben) = await _app.CreateUserAsync("Ben", Roles.Sales);
        var (_, mia) = await _app.CreateUserAsync("Mia", Roles.Manager);
        var pipeline = await _app.DefaultPipelineAsync();
        var annsContact = await _app.AddContactAsync("Carla", "Client", annUser.Id);
        var bensDeal = await _app.CreateDealAsync(ben, new CreateDealCommand { Name = "Ben's deal", ContactIds = [annsContact] });
        var annsDeal = await _app.CreateDealAsync(ann, new CreateDealCommand { Name = "Ann's deal", ContactIds = [annsContact] });
        await _app.RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            using var annHears = await _app.RecordProfileAsync(annsContact, ann);
            using var miaHears = await _app.RecordProfileAsync(annsContact, mia);

            ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(ben, new MoveDealToStageCommand(bensDeal.Id, pipeline.Stage("Proposal").Id, bensDeal.Stage.Id, bensDeal.Version)));
            ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(ann, new MoveDealToStageCommand(annsDeal.Id, pipeline.Stage("Proposal").Id, annsDeal.Stage.Id, annsDeal.Version)));

            await miaHears.ExpectAsync(DealLive.Moved, bensDeal.Id);
            await annHears.ExpectAsync(DealLive.Moved, annsDeal.Id);
            Assert.DoesNotContain(annHears.Updates, u => u.Data.ToString().Contains(bensDeal.Id.ToString(), StringComparison.Ordinal));
            // What her page reads on the update is narrowed the same way.
            var seenByAnn = (await _app.SendAs(ann, new GetContactQuery(annsContact))).Value.Deals;
            Assert.Equal(["Ann's deal"], seenByAnn.Select(d => d.Name));
            Assert.Equal(2, (await _app.SendAs(mia, new GetContactQuery(annsContact))).Value.Deals.Count);
        }
        finally
        {
            await _app.RepsSeeOnlyOwnRecordsAsync(false);
        }
    }
}
