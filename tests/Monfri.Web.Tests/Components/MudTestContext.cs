using System.Security.Claims;
using Bunit;
using Mediator;
using Microsoft.AspNetCore.Components;
using Monfri.Application.Common.Live;
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

    /// <summary>
    /// Renders <typeparamref name="T"/> against a shared real application (<paramref name="app"/>) as
    /// <paramref name="principal"/>: its use cases, live feed and authorization, with popovers.
    /// </summary>
    protected IRenderedComponent<T> RenderSignedIn<T>(MonfriServices app, ClaimsPrincipal principal, Action<ComponentParameterCollectionBuilder<T>>? parameters = null)
        where T : IComponent
    {
        var scope = app.Provider.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(principal);
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<IMediator>());
        Services.AddSingleton(app.Get<ILiveFeed>());
        Services.AddSingleton<IAsyncDisposable>(scope);
        var auth = AddAuthorization();
        auth.SetAuthorized(principal.Identity!.Name!);
        auth.SetRoles([.. Roles.All.Where(principal.IsInRole)]);
        auth.SetClaims(principal.FindFirst(ClaimTypes.NameIdentifier)!);
        Render<MudBlazor.MudPopoverProvider>();
        return Render(parameters ?? (_ => { }));
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
