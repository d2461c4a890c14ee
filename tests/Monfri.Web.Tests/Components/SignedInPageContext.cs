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
    private AsyncServiceScope _scope;

    protected MonfriServices App { get; private set; } = null!;

    protected IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = null!;

    /// <summary>Where open menus and selects render their items.</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync() => App = await MonfriServices.StartAsync(GetType().Name);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _scope.DisposeAsync();
        await App.DisposeAsync();
    }

    /// <summary>Signs <paramref name="user"/> in for the components rendered next, with dialogs, popovers and snackbars.</summary>
    protected void SignIn(ClaimsPrincipal user)
    {
        _scope = App.Provider.CreateAsyncScope();
        var current = _scope.ServiceProvider.GetRequiredService<CurrentUser>();
        current.Set(user);
        Services.AddSingleton(_scope.ServiceProvider.GetRequiredService<IMediator>());
        Services.AddSingleton<ICurrentUser>(current);
        Services.AddSingleton(App.Get<ILiveFeed>());
        var auth = AddAuthorization();
        auth.SetAuthorized(user.Identity!.Name!);
        auth.SetRoles(Roles.All.Where(user.IsInRole).ToArray());
        auth.SetClaims(user.FindFirst(ClaimTypes.NameIdentifier)!);
        Popovers = Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
    }
}
