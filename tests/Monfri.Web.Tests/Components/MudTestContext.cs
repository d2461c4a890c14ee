using System.Security.Claims;
using Bunit;
using Mediator;
using Microsoft.AspNetCore.Components;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.TestSupport;
using Monfri.Web.Security;
using MudBlazor.Services;

namespace Monfri.Web.Tests.Components;

/// <summary>
/// A bUnit context with MudBlazor's services and loose JS interop. MudBlazor's services dispose only
/// asynchronously, so the context is disposed through xUnit's async hook.
/// </summary>
public abstract class MudTestContext : BunitContext, IAsyncLifetime
{
    static MudTestContext()
    {
        // Components here talk to real PostgreSQL; on a busy 2-core CI machine a page load can take
        // longer than bUnit's one-second default.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
    }

    protected MudTestContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    private readonly List<AsyncServiceScope> _signedIn = [];

    /// <summary>
    /// Signs <paramref name="principal"/> in for the components rendered next, against a real application
    /// (<paramref name="app"/>): its use cases act as that user, its live feed and authorization apply, and
    /// popovers render (returned: where open menus and selects render their items). The scope lives as long as this
    /// context.
    /// </summary>
    protected IRenderedComponent<MudBlazor.MudPopoverProvider> SignInTo(MonfriServices app, ClaimsPrincipal principal)
    {
        var scope = app.Provider.CreateAsyncScope();
        _signedIn.Add(scope);
        var current = scope.ServiceProvider.GetRequiredService<CurrentUser>();
        current.Set(principal);
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<IMediator>());
        Services.AddSingleton<ICurrentUser>(current);
        Services.AddSingleton(app.Get<ILiveFeed>());
        var auth = AddAuthorization();
        auth.SetAuthorized(principal.Identity!.Name!);
        auth.SetRoles([.. Roles.All.Where(principal.IsInRole)]);
        auth.SetClaims(principal.FindFirst(ClaimTypes.NameIdentifier)!);
        return Render<MudBlazor.MudPopoverProvider>();
    }

    /// <summary>Renders <typeparamref name="T"/> as <paramref name="principal"/> (<see cref="SignInTo"/>).</summary>
    protected IRenderedComponent<T> RenderSignedIn<T>(MonfriServices app, ClaimsPrincipal principal, Action<ComponentParameterCollectionBuilder<T>>? parameters = null)
        where T : IComponent
    {
        SignInTo(app, principal);
        return Render(parameters ?? (_ => { }));
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeSignedInAsync();

    /// <summary>Disposes the rendered components, then the signed-in users' scopes.</summary>
    protected async Task DisposeSignedInAsync()
    {
        await DisposeAsync();
        foreach (var scope in _signedIn)
        {
            await scope.DisposeAsync();
        }
    }
}
