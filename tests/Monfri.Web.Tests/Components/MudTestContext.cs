using Bunit;
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

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
