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

        page.Find("[data-testid=new-source]").Click();
        page.WaitForElement("input[data-testid=source-name]").Change("Marketing site");
        page.Find("[data-testid=save-source]").Click();

        page.WaitForAssertion(() => Assert.Contains("data-write-key=", page.Find("[data-testid=snippet]").TextContent, StringComparison.Ordinal));
        var key = (await App.SendAs(marketer, new ListSourcesQuery())).Value.Single().WriteKey;
        Assert.Contains(key, page.Find("[data-testid=snippet]").TextContent, StringComparison.Ordinal);

        page.Find("[data-testid=rotate-key]").Click();
        page.WaitForAssertion(() => Assert.DoesNotContain(key, page.Find("[data-testid=snippet]").TextContent, StringComparison.Ordinal));
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
}
