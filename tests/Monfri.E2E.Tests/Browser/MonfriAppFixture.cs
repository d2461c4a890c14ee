using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

/// <summary>One running Monfri (fresh database) and one headless Chromium, shared by a test class.</summary>
public sealed class MonfriAppFixture : IAsyncLifetime
{
    public MonfriProcess App { get; private set; } = null!;
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        App = await MonfriProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Monfri"] = await TestPostgres.CreateDatabaseAsync("browser"),
            // Short enough that a test sees revalidation happen.
            ["Monfri__Security__RevalidateSeconds"] = "2",
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await App.DisposeAsync();
    }
}
