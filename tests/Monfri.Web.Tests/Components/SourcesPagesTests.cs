using System.Security.Claims;
using Bunit;
using Mediator;
using Monfri.Application.Cdp.Collection;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Cdp.Sources;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Infrastructure.Ingestion;
using Monfri.TestSupport;
using Monfri.Web.Features.Sources;
using Monfri.Web.Security;
using Monfri.Application.Cdp.Sources.ListSources;
using Monfri.Application.Cdp.Sources.CreateSource;
using MudBlazor;

namespace Monfri.Web.Tests.Components;

/// <summary>Settings → Sources and the source debugger, rendered against the real use cases and live feed.</summary>
public sealed class SourcesPagesTests : SignedInPageContext
{
    [Fact]
    public async Task A_marketer_creates_a_source_and_sees_the_snippet_with_its_key_then_rotates_the_key()
    {
        var (_, marketer) = await App.CreateUserAsync("Mia", Roles.Marketing);
        SignIn(marketer);
        var page = Render<Sources>();
        page.WaitForAssertion(() => Assert.Contains("No sources yet", page.Markup, StringComparison.Ordinal));

        await page.InvokeAsync(() => page.Find("[data-testid=new-source]").Click());
        page.WaitForElement("input[data-testid=source-name]").Change("Marketing site");
        await page.InvokeAsync(() => page.Find("[data-testid=save-source]").Click());

        page.WaitForAssertion(() => Assert.Contains("data-write-key=", page.Find("[data-testid=snippet]").TextContent, StringComparison.Ordinal));
        var key = (await App.SendAs(marketer, new ListSourcesQuery())).Value.Single().WriteKey;
        Assert.Contains(key, page.Find("[data-testid=snippet]").TextContent, StringComparison.Ordinal);

        // Rotating breaks every live site that sends with the key: it asks first, and Cancel keeps the key.
        await page.InvokeAsync(() => page.Find("[data-testid=rotate-key]").Click());
        Dialogs.WaitForAssertion(() => Assert.Contains("stops working at once", Dialogs.Markup, StringComparison.Ordinal));
        await Dialogs.InvokeAsync(() => Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click());
        Assert.Equal(key, (await App.SendAs(marketer, new ListSourcesQuery())).Value.Single().WriteKey);

        await page.InvokeAsync(() => page.Find("[data-testid=rotate-key]").Click());
        Dialogs.WaitForAssertion(() => Assert.Contains("Rotate the write key?", Dialogs.Markup, StringComparison.Ordinal));
        await Dialogs.InvokeAsync(() => Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Rotate key").Click());
        page.WaitForAssertion(() => Assert.DoesNotContain(key, page.Find("[data-testid=snippet]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_disabled_source_shows_a_warning_above_its_snippet()
    {
        var admin = await App.AdminAsync();
        var source = (await App.SendAs(admin, new CreateSourceCommand(new SourceInput("Old site", SourceKind.Website, [], Enabled: false)))).Value;
        SignIn(admin);
        var page = Render<Sources>();

        page.WaitForAssertion(() => Assert.Contains("Old site", page.Markup, StringComparison.Ordinal));
        await page.InvokeAsync(() => page.FindAll("[data-testid=sources-table] tbody tr").Single(r => r.TextContent.Contains("Old site", StringComparison.Ordinal)).Click());

        page.WaitForAssertion(() => Assert.Contains("is disabled", page.Find("[data-testid=disabled-warning]").TextContent, StringComparison.Ordinal));
        Assert.Contains(source.WriteKey, page.Find("[data-testid=snippet]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_debugger_of_an_unknown_source_says_so()
    {
        SignIn(await App.AdminAsync());
        var page = Render<SourceDebugger>(p => p.Add(d => d.Id, Guid.NewGuid()));

        page.WaitForAssertion(() => Assert.Equal("No such source", page.Find("[data-testid=debugger-title]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=debugger-table]"));
    }

    [Fact]
    public async Task A_debugger_row_opens_to_its_json_and_a_suppressed_persons_event_says_it_is_dropped()
    {
        var admin = await App.AdminAsync();
        var source = (await App.SendAs(admin, new CreateSourceCommand(new SourceInput("Shop", SourceKind.Website, [])))).Value;
        SignIn(admin);
        var page = Render<SourceDebugger>(p => p.Add(d => d.Id, source.Id));
        page.WaitForAssertion(() => Assert.Contains("Waiting for events", page.Markup, StringComparison.Ordinal));

        var (batch, _) = EventBatchParser.Parse(
            """{"batch":[{"type":"track","anonymousId":"a-shopper","event":"Added To Cart","properties":{"sku":"SKU-123"}},{"type":"page","anonymousId":"a-objector"}]}"""u8.ToArray(), null, DateTimeOffset.UtcNow);
        var rows = batch!.Debug.Select(r => r.AnonymousId == "a-objector" ? r with { Suppressed = true } : r).ToList();
        App.Get<ISourceDebugFeed>().Record(source.Id, rows);
        await App.Get<IngestLiveTicker>().FlushAsync(CancellationToken.None);

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=debugger-table] tbody tr").Count));
        Assert.Equal(["Accepted · dropped: suppressed", "Accepted"], page.FindAll("[data-testid=debugger-result]").Select(r => r.TextContent.Trim()));
        Assert.Contains("dropped by the worker", page.Find("[data-testid=debugger-suppression-note]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=debugger-payload]"));

        await page.InvokeAsync(() => page.FindAll("[data-testid=debugger-table] tbody tr").Single(r => r.TextContent.Contains("Added To Cart", StringComparison.Ordinal)).Click());

        page.WaitForAssertion(() => Assert.Contains("SKU-123", page.Find("[data-testid=debugger-payload]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_debugger_shows_arriving_events_live_with_their_rejection_reason()
    {
        var admin = await App.AdminAsync();
        var source = (await App.SendAs(admin, new CreateSourceCommand(new SourceInput("App", SourceKind.Mobile, [])))).Value;
        SignIn(admin);
        var page = Render<SourceDebugger>(p => p.Add(d => d.Id, source.Id));
        page.WaitForAssertion(() => Assert.Contains("Waiting for events", page.Markup, StringComparison.Ordinal));

        var (batch, _) = EventBatchParser.Parse(
            """{"batch":[{"type":"track","anonymousId":"a1","event":"Opened"},{"type":"track","anonymousId":"a1"}]}"""u8.ToArray(), null, DateTimeOffset.UtcNow);
        App.Get<ISourceDebugFeed>().Record(source.Id, batch!.Debug);
        await App.Get<IngestLiveTicker>().FlushAsync(CancellationToken.None);

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=debugger-table] tbody tr").Count));
        Assert.Contains("needs an \"event\" name", page.Find("[data-testid=reason]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_debugger_of_a_disabled_source_says_its_requests_are_refused()
    {
        var admin = await App.AdminAsync();
        var off = (await App.SendAs(admin, new CreateSourceCommand(new SourceInput("Off site", SourceKind.Website, [], Enabled: false)))).Value;
        var on = (await App.SendAs(admin, new CreateSourceCommand(new SourceInput("On site", SourceKind.Website, [])))).Value;
        SignIn(admin);

        var page = Render<SourceDebugger>(p => p.Add(d => d.Id, off.Id));
        page.WaitForAssertion(() => Assert.Contains(
            "This source is disabled: requests with its write key are refused (401) and nothing is recorded. Enable it in Settings → Sources.",
            page.Find("[data-testid=debugger-disabled]").TextContent, StringComparison.Ordinal));

        var enabled = Render<SourceDebugger>(p => p.Add(d => d.Id, on.Id));
        enabled.WaitForAssertion(() => Assert.Contains("Waiting for events", enabled.Markup, StringComparison.Ordinal));
        Assert.Empty(enabled.FindAll("[data-testid=debugger-disabled]"));
    }
    [Fact]
    public async Task Debugger_rows_name_pages_by_title_or_path_and_show_both_ids_of_an_identify()
    {
        var admin = await App.AdminAsync();
        var source = (await App.SendAs(admin, new CreateSourceCommand(new SourceInput("Blog", SourceKind.Website, [])))).Value;
        SignIn(admin);
        var page = Render<SourceDebugger>(p => p.Add(d => d.Id, source.Id));
        page.WaitForAssertion(() => Assert.Contains("Waiting for events", page.Markup, StringComparison.Ordinal));

        var (batch, _) = EventBatchParser.Parse("""
            {"batch":[
              {"type":"page","anonymousId":"a-reader","properties":{"title":"Pricing · Monfri","path":"/pricing"}},
              {"type":"page","anonymousId":"a-reader","context":{"page":{"path":"/docs/start","url":"https://example.test/docs/start"}}},
              {"type":"page","anonymousId":"a-reader","name":"Home","properties":{"title":"Welcome"}},
              {"type":"identify","anonymousId":"a-reader","userId":"u-reader","traits":{}}
            ]}
            """u8.ToArray(), null, DateTimeOffset.UtcNow);
        App.Get<ISourceDebugFeed>().Record(source.Id, batch!.Debug);
        await App.Get<IngestLiveTicker>().FlushAsync(CancellationToken.None);

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=debugger-table] tbody tr").Count));
        Assert.Equal(["", "Home", "/docs/start", "Pricing · Monfri"], page.FindAll("[data-testid=debugger-name]").Select(c => c.TextContent.Trim()));
        Assert.Equal(["u-reader / a-reader", "a-reader", "a-reader", "a-reader"], page.FindAll("[data-testid=debugger-ids]").Select(c => c.TextContent.Trim()));
    }
}
