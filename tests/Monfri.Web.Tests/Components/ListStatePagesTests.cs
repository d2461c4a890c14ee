using Bunit;
using Monfri.Application.Cdp.Traits;
using Microsoft.AspNetCore.Components;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.Deals;
using Monfri.Domain.Crm;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.TestSupport;
using Monfri.Web.Components.Crm;
using Monfri.Web.Features.Companies;
using Monfri.Web.Features.Contacts;
using Monfri.Web.Features.Deals;
using Monfri.Web.Security;
using Monfri.Application.Cdp.Traits.CreateComputedTrait;
using MudBlazor;

namespace Monfri.Web.Tests.Components;

/// <summary>The lists open the way their user left them: columns, sort and filters (trait conditions too).</summary>
public sealed class ListStatePagesTests : SignedInPageContext
{
    [Fact]
    public async Task The_list_comes_back_with_the_users_columns_sort_and_trait_filter_and_not_for_someone_else()
    {
        var (_, ann) = await App.CreateUserAsync("Ann", Roles.Admin);
        var (_, bob) = await App.CreateUserAsync("Bob", Roles.Sales);
        var created = await App.SendAs(ann, new CreateComputedTraitCommand(new ComputedTraitInput
        {
            Key = "page_views_30d", Name = "Page views 30d", Kind = TraitKind.EventCount, EventType = "page", WindowDays = 30,
        }));
        Assert.True(created.IsSuccess, created.ErrorMessage);
        var condition = new TraitCondition("page_views_30d", AtLeast: 1_000_000m);
        SignIn(ann);

        var page = Render<Contacts>();
        page.WaitForAssertion(() => Assert.Contains(page.FindComponent<ColumnChooser>().Instance.Columns, c => c.Key == "trait.page_views_30d"));
        await page.InvokeAsync(() => page.FindComponent<ColumnChooser>().Instance.VisibleChanged.InvokeAsync(["name", "email", "trait.page_views_30d"]));
        await page.InvokeAsync(() => page.FindComponent<TraitFilterMenu>().Instance.FiltersChanged.InvokeAsync([condition]));
        await page.InvokeAsync(() => page.FindComponents<MudTableSortLabel<ContactListItem>>().Single(l => l.Instance.SortLabel == "email").Find(".mud-table-sort-label").Click());
        page.WaitForAssertion(() => Assert.Contains("\"email\"", page.FindComponent<ListViewMenu>().Instance.Current.SortBy is { } s ? $"\"{s}\"" : ""));
        await WaitForStoredAsync(ann, stored => stored.Contains("trait.page_views_30d") && stored.Contains("1000000") && stored.Contains("\"sortBy\": \"email\""));
        page.Dispose();

        var again = Render<Contacts>();
        again.WaitForAssertion(() =>
        {
            Assert.Equal(["email", "name", "trait.page_views_30d"], again.FindComponent<ColumnChooser>().Instance.Visible.Order());
            Assert.Equal([condition], again.FindComponent<TraitFilterMenu>().Instance.Filters);
            Assert.Equal(SortDirection.Ascending, again.FindComponents<MudTableSortLabel<ContactListItem>>().Single(l => l.Instance.SortLabel == "email").Instance.SortDirection);
        });
        again.Dispose();

        // Bob (the use cases now act as him) opens the list with the defaults.
        Services.GetRequiredService<Application.Common.Security.ICurrentUser>().As<CurrentUser>().Set(bob);
        var other = Render<Contacts>();
        other.WaitForAssertion(() => Assert.Equal(["company", "created", "email", "lifecycle", "name", "owner"], other.FindComponent<ColumnChooser>().Instance.Visible.Order()));
        Assert.Empty(other.FindComponent<TraitFilterMenu>().Instance.Filters);
        other.Dispose();

        // Reset to default forgets Ann's list.
        Services.GetRequiredService<Application.Common.Security.ICurrentUser>().As<CurrentUser>().Set(ann);
        var reset = Render<Contacts>();
        reset.WaitForAssertion(() => Assert.Single(reset.FindComponent<TraitFilterMenu>().Instance.Filters));
        await reset.InvokeAsync(() => reset.Find("[data-testid=views-menu] button").Click());
        Popovers.WaitForElement("[data-testid=reset-view]");
        await reset.InvokeAsync(() => Popovers.Find("[data-testid=reset-view]").Click());
        reset.WaitForAssertion(() =>
        {
            Assert.Empty(reset.FindComponent<TraitFilterMenu>().Instance.Filters);
            Assert.Equal(["company", "created", "email", "lifecycle", "name", "owner"], reset.FindComponent<ColumnChooser>().Instance.Visible.Order());
            Assert.Equal(SortDirection.Descending, reset.FindComponents<MudTableSortLabel<ContactListItem>>().Single(l => l.Instance.SortLabel == "createdAt").Instance.SortDirection);
        });
        Assert.Null((await App.SendAs(ann, new Monfri.Application.Crm.Views.GetListState.GetListStateQuery(Domain.Crm.CrmObjectType.Contact))).Value);
    }

    [Fact]
    public async Task Companies_and_deals_lists_come_back_with_their_columns_and_sort_too()
    {
        var (_, ann) = await App.CreateUserAsync("Ann", Roles.Admin);
        SignIn(ann);

        await ChangeAndReopenAsync<Companies, CompanyListItem>(ann, CrmObjectType.Company, ["domain", "size", "tags"], "domain");
        await ChangeAndReopenAsync<Deals, DealListItem>(ann, CrmObjectType.Deal, ["amount", "name", "tags"], "amount");
    }

    private async Task ChangeAndReopenAsync<TPage, TItem>(System.Security.Claims.ClaimsPrincipal user, CrmObjectType list, string[] columns, string sort)
        where TPage : class, IComponent
    {
        IRenderedComponent<IComponent> page = Render<TPage>();
        page.WaitForAssertion(() => page.FindComponents<MudTableSortLabel<TItem>>().Single(l => l.Instance.SortLabel == sort));
        await page.InvokeAsync(() => page.FindComponent<ColumnChooser>().Instance.VisibleChanged.InvokeAsync([.. columns]));
        await page.InvokeAsync(() => page.FindComponents<MudTableSortLabel<TItem>>().Single(l => l.Instance.SortLabel == sort).Find(".mud-table-sort-label").Click());
        await WaitForStoredAsync(user, stored => stored.Contains($"\"sortBy\": \"{sort}\"") && stored.Contains("\"tags\""), list);
        page.Dispose();

        IRenderedComponent<IComponent> again = Render<TPage>();
        again.WaitForAssertion(() =>
        {
            Assert.Equal(columns, again.FindComponent<ColumnChooser>().Instance.Visible.Order());
            Assert.Equal(SortDirection.Ascending, again.FindComponents<MudTableSortLabel<TItem>>().Single(l => l.Instance.SortLabel == sort).Instance.SortDirection);
        });
        again.Dispose();
    }

    private async Task WaitForStoredAsync(System.Security.Claims.ClaimsPrincipal user, Func<string, bool> done, CrmObjectType list = CrmObjectType.Contact)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await App.SendAs(user, new Monfri.Application.Crm.Views.GetListState.GetListStateQuery(list))).Value is { } stored && done(stored))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The list state was not stored.");
    }
}

internal static class CastExtensions
{
    public static T As<T>(this object value) => (T)value;
}
