using System.Security.Claims;
using Bunit;
using Mediator;
using Monfri.Application.Common.Live;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Web.Features.Contacts;
using Monfri.Web.Security;

namespace Monfri.Web.Tests.Components;

/// <summary>An open contact page follows its person's deals and activities as colleagues change them.</summary>
public sealed class ContactPageLiveTests(ProfileDatabase database) : MudTestContext, IClassFixture<ProfileDatabase>
{
    private MonfriServices App => database.App;

    private IRenderedComponent<ContactPage> RenderAs(ClaimsPrincipal principal, Guid personId) =>
        RenderSignedIn<ContactPage>(App, principal, p => p.Add(c => c.Id, personId));

    [Fact]
    public async Task A_deal_moved_and_a_call_logged_by_someone_else_show_on_the_open_contact_page()
    {
        var pipeline = await App.DefaultPipelineAsync();
        var jane = await App.AddContactAsync("Jane", "Doe");
        var deal = await App.CreateDealAsync(database.Admin, new CreateDealCommand { Name = "Jane's plan", Amount = 1200m, ContactIds = [jane] });
        var page = RenderAs(database.Admin, jane);
        page.WaitForAssertion(() =>
        {
            Assert.Contains("Qualification", page.Find("[data-testid=contact-deals]").TextContent, StringComparison.Ordinal);
            Assert.NotNull(page.Find("[data-testid=activity-empty]"));
        });

        var moved = await App.SendAs(database.Admin, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Proposal").Id, deal.Stage.Id, deal.Version));
        Assert.True(moved.IsSuccess, moved.ErrorMessage);
        var call = await App.SendAs(database.Admin, new LogActivityCommand(ActivityType.Call, "Pricing call", null, jane, null, null));
        Assert.True(call.IsSuccess, call.ErrorMessage);

        page.WaitForAssertion(() =>
        {
            Assert.Contains("Proposal", page.Find("[data-testid=contact-deals]").TextContent, StringComparison.Ordinal);
            Assert.Contains("Pricing call", page.Find("[data-testid=activity-subject-text]").TextContent, StringComparison.Ordinal);
        });
    }
}
