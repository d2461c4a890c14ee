using System.Security.Claims;
using Bunit;
using Mediator;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Pipelines.ListPipelines;
using Monfri.Domain.Common;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Web.Features.Deals;
using Monfri.Web.Features.Settings;
using Monfri.Web.Security;
using Monfri.Web.Features.Pipelines;
using MudBlazor;

namespace Monfri.Web.Tests.Components;

/// <summary>The deals list and the pipeline settings, rendered against the real use cases.</summary>
public sealed class DealsAndPipelinesPagesTests : SignedInPageContext
{
    [Fact]
    public async Task The_deals_list_shows_a_page_from_the_server_and_searching_narrows_it()
    {
        var (_, rep) = await App.CreateUserAsync("Rita", Roles.Sales);
        await App.CreateDealAsync(rep, new CreateDealCommand { Name = "Alpha rollout", Amount = 1000m });
        await App.CreateDealAsync(rep, new CreateDealCommand { Name = "Beta pilot", Amount = 50m });
        SignIn(rep);

        var list = Render<Deals>();

        list.WaitForAssertion(() => Assert.Equal(2, list.FindAll("[data-testid=deals-table] tbody tr").Count));
        Assert.Contains("Beta pilot", list.Markup, StringComparison.Ordinal);
        // What the viewer may do arrives with the form options, which load beside the page.
        list.WaitForAssertion(() => Assert.NotEmpty(list.FindAll("[data-testid=new-deal]")));

        list.Find("input[data-testid=deal-search]").Input("alpha");

        list.WaitForAssertion(() =>
        {
            var rows = list.FindAll("[data-testid=deals-table] tbody tr");
            Assert.Single(rows);
            Assert.Contains("Alpha rollout", rows[0].TextContent, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(15)); // the CI run shares its PostgreSQL with the REST fuzz test running beside it
    }

    [Fact]
    public async Task Marketing_reads_the_deals_list_without_row_selection_or_bulk_actions()
    {
        var (_, rep) = await App.CreateUserAsync("Rita", Roles.Sales);
        var (_, marketer) = await App.CreateUserAsync("Mona", Roles.Marketing);
        await App.CreateDealAsync(rep, new CreateDealCommand { Name = "Alpha rollout" });
        SignIn(marketer);

        var list = Render<Deals>();

        list.WaitForAssertion(() => Assert.Single(list.FindAll("[data-testid=deals-table] tbody tr")));
        Assert.Empty(list.FindAll("[data-testid=deals-table] input[type=checkbox]"));
        Assert.Empty(list.FindAll("[data-testid=new-deal]"));
        Assert.NotEmpty(list.FindAll("[data-testid=export]"));
    }

    [Fact]
    public async Task A_manager_adds_a_stage_on_the_pipelines_page_and_it_is_saved()
    {
        var (_, manager) = await App.CreateUserAsync("Meg", Roles.Manager);
        SignIn(manager);

        var settings = Render<Pipelines>();

        settings.WaitForAssertion(() => Assert.Equal(4, settings.FindAll("[data-testid=stages-table] tbody tr").Count - 2));
        Assert.Equal("Qualification", settings.Find("input[data-testid=stage-name-0]").GetAttribute("value"));
        await settings.InvokeAsync(() => settings.Find("input[data-testid=new-stage-name]").Change("Contract"));
        await settings.InvokeAsync(() => settings.Find("[data-testid=add-stage]").Click());

        settings.WaitForAssertion(() => Assert.Equal(5, settings.FindAll("[data-testid=stages-table] tbody tr").Count - 2));
        var pipeline = (await App.SendAs(manager, new ListPipelinesQuery())).Value.Single();
        Assert.Equal(["Qualification", "Needs analysis", "Proposal", "Negotiation", "Contract", "Won", "Lost"], pipeline.Stages.Select(s => s.Name));
    }
}
