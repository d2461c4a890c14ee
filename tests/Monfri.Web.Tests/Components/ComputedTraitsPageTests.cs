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
using MudBlazor;

namespace Monfri.Web.Tests.Components;

/// <summary>Settings → Computed traits, rendered against the real use cases, backfill worker and live feed.</summary>
public sealed class ComputedTraitsPageTests : MudTestContext, IAsyncLifetime
{
    private MonfriServices _app = null!;
    private AsyncServiceScope _scope;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    async Task IAsyncLifetime.InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(ComputedTraitsPageTests));

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _scope.DisposeAsync();
        await _app.DisposeAsync();
    }

    private void SignIn(ClaimsPrincipal user)
    {
        _scope = _app.Provider.CreateAsyncScope();
        var current = _scope.ServiceProvider.GetRequiredService<CurrentUser>();
        current.Set(user);
        Services.AddSingleton(_scope.ServiceProvider.GetRequiredService<IMediator>());
        Services.AddSingleton<ICurrentUser>(current);
        Services.AddSingleton(_app.Get<ILiveFeed>());
        var auth = AddAuthorization();
        auth.SetAuthorized(user.Identity!.Name!);
        auth.SetRoles(Roles.All.Where(user.IsInRole).ToArray());
        auth.SetClaims(user.FindFirst(ClaimTypes.NameIdentifier)!);
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
    }

    [Fact]
    public async Task A_marketer_is_told_a_window_of_zero_days_is_not_a_window_then_adds_the_trait_and_watches_it_become_ready()
    {
        var (_, marketer) = await _app.CreateUserAsync("Mia", Roles.Marketing);
        SignIn(marketer);
        var page = Render<ComputedTraits>();
        page.WaitForAssertion(() => Assert.Contains("No computed traits yet", page.Markup, StringComparison.Ordinal));

        await page.InvokeAsync(() => page.Find("[data-testid=add-trait]").Click());
        _dialogs.WaitForElement("input[data-testid=trait-name]").Input("Page views");
        await _dialogs.InvokeAsync(() => _dialogs.Find("input[data-testid=trait-window]").Change("0"));
        await _dialogs.InvokeAsync(() => _dialogs.Find("[data-testid=save-trait]").Click());
        _dialogs.WaitForAssertion(() => Assert.Contains("A window is 1 to 730 days", _dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty((await _app.SendAs(marketer, new ListComputedTraitsQuery())).Value);

        await _dialogs.InvokeAsync(() => _dialogs.Find("input[data-testid=trait-window]").Change("30"));
        await _dialogs.InvokeAsync(() => _dialogs.Find("[data-testid=save-trait]").Click());

        page.WaitForAssertion(() => Assert.Contains("page_views", page.Find("[data-testid=traits]").TextContent, StringComparison.Ordinal));
        var trait = Assert.Single((await _app.SendAs(marketer, new ListComputedTraitsQuery())).Value);
        Assert.Equal((TraitKind.EventCount, 30), (trait.Kind, trait.WindowDays));
        // The backfill worker runs in the background and reports on the live feed: the row turns Ready by itself.
        page.WaitForAssertion(() => Assert.Contains("Ready", page.Find("[data-testid=status-page_views]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
    }
}
