using System.Security.Claims;
using Bunit;
using Mediator;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.TestSupport;
using Monfri.Web.Features.Settings;
using Monfri.Web.Security;
using Monfri.Application.Cdp.Traits.ListComputedTraits;
using Monfri.Web.Features.Traits;
using MudBlazor;

namespace Monfri.Web.Tests.Components;

/// <summary>Settings → Computed traits, rendered against the real use cases, backfill worker and live feed.</summary>
public sealed class ComputedTraitsPageTests : SignedInPageContext
{
    [Fact]
    public async Task A_marketer_is_told_a_window_of_zero_days_is_not_a_window_then_adds_the_trait_and_watches_it_become_ready()
    {
        var (_, marketer) = await App.CreateUserAsync("Mia", Roles.Marketing);
        SignIn(marketer);
        var page = Render<ComputedTraits>();
        page.WaitForAssertion(() => Assert.Contains("No computed traits yet", page.Markup, StringComparison.Ordinal));

        await page.InvokeAsync(() => page.Find("[data-testid=add-trait]").Click());
        Dialogs.WaitForElement("input[data-testid=trait-name]").Input("Page views");
        Assert.DoesNotContain("segments", Dialogs.Markup, StringComparison.Ordinal); // there are none yet
        await Dialogs.InvokeAsync(() => Dialogs.Find("input[data-testid=trait-window]").Change("0"));
        await Dialogs.InvokeAsync(() => Dialogs.Find("[data-testid=save-trait]").Click());
        Dialogs.WaitForAssertion(() => Assert.Contains("A window is 1 to 730 days", Dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty((await App.SendAs(marketer, new ListComputedTraitsQuery())).Value);

        await Dialogs.InvokeAsync(() => Dialogs.Find("input[data-testid=trait-window]").Change("30"));
        await Dialogs.InvokeAsync(() => Dialogs.Find("[data-testid=save-trait]").Click());

        page.WaitForAssertion(() => Assert.Contains("page_views", page.Find("[data-testid=traits]").TextContent, StringComparison.Ordinal));
        var trait = Assert.Single((await App.SendAs(marketer, new ListComputedTraitsQuery())).Value);
        Assert.Equal((TraitKind.EventCount, 30), (trait.Kind, trait.WindowDays));
        // The backfill worker runs in the background and reports on the live feed: the row turns Ready by itself.
        page.WaitForAssertion(() => Assert.Contains("Ready", page.Find("[data-testid=status-page_views]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
    }
}
