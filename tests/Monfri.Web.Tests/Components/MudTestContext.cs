using Bunit;
using MudBlazor.Services;

namespace Monfri.Web.Tests.Components;

/// <summary>
/// A bUnit context with MudBlazor's services and loose JS interop. MudBlazor's services dispose only
/// asynchronously, so the context is disposed through xUnit's async hook.
/// </summary>
public abstract class MudTestContext : BunitContext, IAsyncLifetime
{
    protected MudTestContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
