using Bunit;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.MarkDealWon;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Web.Features.Home;
using Monfri.Web.Features.Reports;

namespace Monfri.Web.Tests.Components;

/// <summary>The report widgets, the Reports page and the home dashboards, rendered against the real use cases.</summary>
public sealed class ReportComponentTests : SignedInPageContext
{
    private void SignInWithClock(System.Security.Claims.ClaimsPrincipal user)
    {
        Services.AddSingleton(App.Get<TimeProvider>());
        SignIn(user);
    }

    [Fact]
    public void A_report_card_shows_its_numbers_as_a_table_with_a_csv_of_the_same_rows_or_says_why_it_is_empty()
    {
        var table = new ReportTable(["Stage", "Deals"], [["Proposal", "3"], ["=cmd", "1"]]);

        var card = Render<ReportCard>(p => p.Add(c => c.Title, "Open pipeline").Add(c => c.Table, table).Add(c => c.FileName, "pipeline.csv"));
        var empty = Render<ReportCard>(p => p.Add(c => c.Title, "Forecast").Add(c => c.Table, new ReportTable(["Month"], [])).Add(c => c.EmptyMessage, "No open deal closes in this range."));

        Assert.Equal(["Proposal3", "=cmd1"], card.FindAll("[data-testid=table] tbody tr").Select(r => r.TextContent.Replace(" ", "", StringComparison.Ordinal).Trim()));
        var csv = Uri.UnescapeDataString(card.Find("[data-testid=csv]").GetAttribute("href")!["data:text/csv;charset=utf-8,".Length..]);
        Assert.Equal("Stage,Deals\r\nProposal,3\r\n'=cmd,1\r\n", csv);
        Assert.Equal("pipeline.csv", card.Find("[data-testid=csv]").GetAttribute("download"));
        Assert.Equal("No open deal closes in this range.", empty.Find("[data-testid=empty]").TextContent);
        Assert.Empty(empty.FindAll("[data-testid=csv]"));
    }

    [Fact]
    public async Task The_reports_page_reads_its_filter_from_the_url_and_shows_the_numbers_or_an_empty_state()
    {
        var (_, manager) = await App.CreateUserAsync("Mia", Roles.Manager);
        var (_, ritaPrincipal) = await App.CreateUserAsync("Rita", Roles.Sales);
        var pipeline = await App.DefaultPipelineAsync();
        await App.CreateDealAsync(ritaPrincipal, new CreateDealCommand { Name = "Alpha", Amount = 1000m, Currency = "EUR", StageId = pipeline.Stage("Proposal").Id });
        await App.CreateDealAsync(ritaPrincipal, new CreateDealCommand { Name = "Beta", Amount = 200m, Currency = "USD", StageId = pipeline.Stage("Proposal").Id });
        SignInWithClock(manager);
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/reports?from=2020-01-01&to=2020-01-31");
        var page = Render<ReportsPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=report-pipeline]")));
        // The open pipeline ignores the range; closed-deal reports over a range with nothing in it say so.
        await page.InvokeAsync(() => page.Find("[data-testid=report-pipeline] [data-testid=toggle-table]").Click());
        page.WaitForAssertion(() =>
        {
            var proposal = page.FindAll("[data-testid=report-pipeline] tbody tr").Select(r => r.TextContent).Where(t => t.Contains("Proposal", StringComparison.Ordinal)).ToList();
            Assert.Contains(proposal, t => t.Contains("1,000", StringComparison.Ordinal) && t.Contains("EUR", StringComparison.Ordinal) && t.Contains("600", StringComparison.Ordinal));
            Assert.Contains(proposal, t => t.Contains("200", StringComparison.Ordinal) && t.Contains("USD", StringComparison.Ordinal) && t.Contains("120", StringComparison.Ordinal));
        });
        Assert.Contains("Rita", page.Find("[data-testid=report-owners]").TextContent, StringComparison.Ordinal);
        Assert.Contains("no win rate yet", page.Find("[data-testid=report-win-rates] [data-testid=empty]").TextContent, StringComparison.Ordinal);
        Assert.Contains("No deal left a stage", page.Find("[data-testid=report-time-in-stage] [data-testid=empty]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Nobody signed up", page.Find("[data-testid=report-attribution] [data-testid=empty]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_range_that_ends_before_it_starts_shows_the_reason_not_an_error_page()
    {
        var (_, manager) = await App.CreateUserAsync("Mia", Roles.Manager);
        SignInWithClock(manager);

        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/reports?from=2026-03-31&to=2026-03-01");
        var page = Render<ReportsPage>();

        page.WaitForAssertion(() => Assert.Contains("ends before it starts", page.Find("[data-testid=report-error]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reps_dashboard_shows_their_won_amount_and_it_changes_when_a_deal_is_won_without_a_reload()
    {
        var (rita, ritaPrincipal) = await App.CreateUserAsync("Rita", Roles.Sales);
        var deal = await App.CreateDealAsync(ritaPrincipal, new CreateDealCommand { Name = "Alpha", Amount = 1500m, Currency = "EUR" });
        SignInWithClock(ritaPrincipal);

        var dashboard = Render<RepDashboard>(p => p.Add(c => c.UserId, rita.Id));

        dashboard.WaitForAssertion(() => Assert.Equal("No deal won yet this month.", dashboard.Find("[data-testid=my-won] [data-testid=empty]").TextContent));
        Assert.Equal("Nothing overdue or due today.", dashboard.Find("[data-testid=my-tasks] [data-testid=empty]").TextContent);

        Assert.True((await App.SendAs(ritaPrincipal, new MarkDealWonCommand(deal.Id, deal.Version))).IsSuccess);

        dashboard.WaitForAssertion(() => Assert.Equal("1,500 EUR", dashboard.Find("[data-testid=won-amount]").TextContent));
        Assert.Equal("You have no open deals.", dashboard.Find("[data-testid=my-pipeline] [data-testid=empty]").TextContent);
    }
}
