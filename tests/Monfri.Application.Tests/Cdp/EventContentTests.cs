using Monfri.Domain.Cdp;

namespace Monfri.Application.Tests.Cdp;

/// <summary>What of an event's fields ends up stored, whichever official client shaped it.</summary>
public sealed class EventContentTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(nameof(EventContentTests));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_page_or_screen_category_sent_beside_its_name_is_kept_in_its_properties()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(
            // RudderStack's SDKs put the category beside the name…
            new { type = "page", anonymousId = anon, messageId = "m-page", name = "Pricing", category = "Docs", properties = new { path = "/pricing" }, timestamp = CdpWorld.Now() },
            new { type = "screen", anonymousId = anon, messageId = "m-screen", name = "Dashboard", category = "App", timestamp = CdpWorld.Now() },
            // …analytics.js puts it in the properties, which then win.
            new { type = "page", anonymousId = anon, messageId = "m-own", name = "Blog", category = "Beside", properties = new { category = "Inside" }, timestamp = CdpWorld.Now() });
        await _world.ProcessAsync();

        var events = (await _world.EventsAsync(IdentityTypes.AnonymousId, anon)).ToDictionary(e => e.MessageId);

        Assert.Equal("Docs", events["m-page"].Properties!.Value.GetProperty("category").GetString());
        Assert.Equal("/pricing", events["m-page"].Properties!.Value.GetProperty("path").GetString());
        Assert.Equal("Pricing", events["m-page"].Event);
        Assert.Equal("App", events["m-screen"].Properties!.Value.GetProperty("category").GetString());
        Assert.Equal("Inside", events["m-own"].Properties!.Value.GetProperty("category").GetString());
    }
}
