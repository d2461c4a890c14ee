using System.Security.Claims;
using Bunit;
using Mediator;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.UpdateDeal;
using Monfri.Domain.Common;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Web.Features.Deals;
using Monfri.Web.Security;
using MudBlazor;

namespace Monfri.Web.Tests.Components;

/// <summary>The deal page rendered with MudBlazor against the real use cases and a real database.</summary>
public sealed class DealPageTests : MudTestContext, IAsyncLifetime
{
    private MonfriServices _app = null!;

    async Task IAsyncLifetime.InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(DealPageTests));

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeSignedInAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Renders the page as <paramref name="user"/>, the way a circuit of theirs would.</summary>
    private IRenderedComponent<DealPage> Open(ClaimsPrincipal user, Guid dealId)
    {
        SignInTo(_app, user);
        Render<MudDialogProvider>();
        return Render<DealPage>(p => p.Add(c => c.Id, dealId));
    }

    [Fact]
    public async Task The_page_shows_the_deal_its_people_and_history_and_moving_it_updates_the_stage_bar()
    {
        var (_, rep) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var company = await _app.AddCompanyAsync("Acme");
        var contact = await _app.AddContactAsync("Ada", "Lovelace");
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Acme rollout", Amount = 1000m, CompanyId = company, ContactIds = [contact] });

        var page = Open(rep, deal.Id);

        page.WaitForAssertion(() => Assert.Equal("Acme rollout", page.Find("[data-testid=deal-title]").TextContent));
        Assert.Equal($"/companies/{company}", page.Find("[data-testid=deal-company-link]").GetAttribute("href"));
        Assert.Equal($"/contacts/{contact}", page.Find("[data-testid=deal-contact-link]").GetAttribute("href"));
        Assert.Equal("step", page.Find("[data-testid='stage-Qualification']").GetAttribute("aria-current"));
        Assert.Single(page.FindAll("[data-testid=stage-history] tbody tr"));

        await page.InvokeAsync(() => page.Find("[data-testid='stage-Needs analysis']").Click());

        page.WaitForAssertion(() => Assert.Equal("step", page.Find("[data-testid='stage-Needs analysis']").GetAttribute("aria-current")));
        var rows = page.FindAll("[data-testid=stage-history] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.StartsWith("Needs analysis", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("weighted 300", page.Markup, StringComparison.Ordinal);
        Assert.Equal(2, await _app.HistoryCountAsync(deal.Id));
    }

    [Fact]
    public async Task Saving_after_a_colleague_changed_the_deal_shows_a_conflict_and_keeps_their_change()
    {
        var (_, rep) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, manager) = await _app.CreateUserAsync("Bob", Roles.Manager);
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Shared deal" });
        var page = Open(rep, deal.Id);
        page.WaitForAssertion(() => page.Find("[data-testid=save-deal]"));

        var colleague = await _app.SendAs(manager, new UpdateDealCommand { Id = deal.Id, Version = deal.Version, Name = "Renamed by Bob", OwnerId = deal.Owner!.Id });
        Assert.True(colleague.IsSuccess, colleague.ErrorMessage);
        await page.InvokeAsync(() => page.Find("input[data-testid=deal-name]").Change("Renamed by Ann"));
        await page.InvokeAsync(() => page.Find("[data-testid=save-deal]").Click());

        page.WaitForAssertion(() => Assert.Contains("since you opened it", page.Find("[data-testid=deal-conflict]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Renamed by Bob", (await _app.SendAs(rep, new Application.Crm.Deals.GetDeal.GetDealQuery(deal.Id))).Value.Name);

        await page.InvokeAsync(() => page.Find("[data-testid=reload-deal]").Click());
        page.WaitForAssertion(() => Assert.Equal("Renamed by Bob", page.Find("[data-testid=deal-title]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=deal-conflict]"));
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_opening_another_reps_deal_sees_not_found()
    {
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, bob) = await _app.CreateUserAsync("Bob", Roles.Sales);
        var deal = await _app.CreateDealAsync(ann, new CreateDealCommand { Name = "Ann's only" });
        await _app.RepsSeeOnlyOwnRecordsAsync(true);

        var page = Open(bob, deal.Id);

        page.WaitForAssertion(() => Assert.Contains("Deal not found", page.Find("[data-testid=deal-not-found]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("Ann's only", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marketing_sees_the_deal_without_edit_controls()
    {
        var (_, rep) = await _app.CreateUserAsync("Ray", Roles.Sales);
        var (_, marketer) = await _app.CreateUserAsync("Mae", Roles.Marketing);
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Read only" });

        var page = Open(marketer, deal.Id);

        page.WaitForAssertion(() => Assert.Equal("Read only", page.Find("[data-testid=deal-title]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=save-deal]"));
        Assert.Empty(page.FindAll("[data-testid=mark-won]"));
        Assert.True(page.Find("[data-testid='stage-Proposal']").HasAttribute("disabled"));
    }
}
