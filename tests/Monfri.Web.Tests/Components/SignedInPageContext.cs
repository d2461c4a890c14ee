using System.Security.Claims;
using Bunit;
using Mediator;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.TestSupport;
using Monfri.Web.Security;
using MudBlazor;

namespace Monfri.Web.Tests.Components;

/// <summary>
/// A page rendered against the real application (its own database, use cases, background workers and live feed)
/// as a signed-in user: what the page tests of a feature share.
/// </summary>
public abstract class SignedInPageContext : MudTestContext, IAsyncLifetime
{
    protected MonfriServices App { get; private set; } = null!;

    protected IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = null!;

    /// <summary>Where open menus and selects render their items.</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync() => App = await MonfriServices.StartAsync(GetType().Name);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeSignedInAsync();
        await App.DisposeAsync();
    }

    /// <summary>Signs <paramref name="user"/> in for the components rendered next, with dialogs, popovers and snackbars.</summary>
    protected void SignIn(ClaimsPrincipal user)
    {
        Popovers = SignInTo(App, user);
        Dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
    }
}
