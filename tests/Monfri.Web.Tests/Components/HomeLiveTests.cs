using Bunit;
using Microsoft.Extensions.Logging.Abstractions;
using Monfri.Application.Common.Live;
using Monfri.Domain.Common;
using Monfri.Infrastructure.Live;
using Monfri.Web.Features.Home;

namespace Monfri.Web.Tests.Components;

public sealed class HomeLiveTests : MudTestContext
{
    private readonly LiveFanout _fanout = new(NullLogger<LiveFanout>.Instance);
    private readonly InProcessLiveFeed _feed;

    public HomeLiveTests()
    {
        _feed = new InProcessLiveFeed(_fanout, TimeProvider.System);
        Services.AddSingleton<ILiveFeed>(_feed);
    }

    [Fact]
    public async Task Workspace_activity_appears_as_it_is_published_without_a_reload()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("ann@example.test");
        auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()));
        var home = Render<Home>();
        home.WaitForAssertion(() => Assert.Contains("Live", home.Find("[data-testid=live-status]").TextContent, StringComparison.Ordinal));

        await _feed.PublishAsync(LiveTopics.Workspace, "user.created", new { Id = Guid.NewGuid(), DisplayName = "Ada Lovelace" });

        home.WaitForAssertion(() => Assert.Contains("Ada Lovelace joined the workspace", home.Find("[data-testid=activity]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Your roles: none yet", home.Markup, StringComparison.Ordinal); // each role's dashboard has its own tests (ReportComponentTests)
    }

    [Fact]
    public async Task Leaving_the_page_ends_its_subscription()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("ann@example.test");
        var home = Render<Home>();
        home.WaitForAssertion(() => Assert.Contains("Live", home.Find("[data-testid=live-status]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, _fanout.SubscriberCount(LiveTopics.Workspace));

        await DisposeComponentsAsync();

        Assert.Equal(0, _fanout.SubscriberCount(LiveTopics.Workspace));
    }
}
