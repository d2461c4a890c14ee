using System.Security.Claims;
using System.Threading.Channels;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;
using Monfri.Domain.Common;
using Monfri.TestSupport;

namespace Monfri.Application.Tests.Live;

public sealed class LiveFeedTests
{
    private static ClaimsPrincipal Viewer(Guid id, params string[] roles) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, id.ToString()), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
            "test"));

    private static async Task<LiveUpdate> NextAsync(ChannelReader<LiveUpdate> reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadAsync(timeout.Token);
    }

    [Theory]
    [InlineData("InProcess")]
    [InlineData("Postgres")]
    public async Task Updates_reach_subscribers_in_publish_order_until_they_unsubscribe(string transport)
    {
        await using var app = await MonfriServices.StartAsync($"live{transport}", new Dictionary<string, string?> { ["Monfri:LiveFeed:Transport"] = transport });
        var feed = app.Get<ILiveFeed>();
        var received = Channel.CreateUnbounded<LiveUpdate>();
        var subscription = feed.Subscribe("pipeline:7", Viewer(Guid.NewGuid(), Roles.Sales), u => received.Writer.WriteAsync(u));
        Assert.True(subscription.IsSuccess);

        for (var i = 0; i < 50; i++)
        {
            await feed.PublishAsync("pipeline:7", "deal.moved", new { Sequence = i });
        }

        await feed.PublishAsync("pipeline:8", "deal.moved", new { Sequence = -1 });
        for (var i = 0; i < 50; i++)
        {
            var update = await NextAsync(received.Reader);
            Assert.Equal("pipeline:7", update.Topic);
            Assert.Equal(i, update.Data.GetProperty("sequence").GetInt32());
        }

        subscription.Value.Dispose();
        await feed.PublishAsync("pipeline:7", "deal.moved", new { Sequence = 99 });
        await Task.Delay(300);
        Assert.False(received.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Two_nodes_on_one_database_share_the_feed_over_notify()
    {
        var settings = new Dictionary<string, string?> { ["Monfri:LiveFeed:Transport"] = "Postgres" };
        await using var nodeA = await MonfriServices.StartAsync("twonodes", settings);
        await using var nodeB = await MonfriServices.StartAsync(connectionString: nodeA.ConnectionString, settings: settings, seed: false);
        var received = Channel.CreateUnbounded<LiveUpdate>();
        using var subscription = nodeB.Get<ILiveFeed>().Subscribe(LiveTopics.Workspace, Viewer(Guid.NewGuid(), Roles.Sales), u => received.Writer.WriteAsync(u)).Value;

        await nodeA.Get<ILiveFeed>().PublishAsync(LiveTopics.Workspace, "user.created", new { DisplayName = "Ada" });

        var update = await NextAsync(received.Reader);
        Assert.Equal("user.created", update.Kind);
        Assert.Equal("Ada", update.Data.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task An_update_too_large_for_notify_arrives_marked_truncated_so_screens_reload()
    {
        await using var app = await MonfriServices.StartAsync("truncated", new Dictionary<string, string?> { ["Monfri:LiveFeed:Transport"] = "Postgres" });
        var received = Channel.CreateUnbounded<LiveUpdate>();
        using var subscription = app.Get<ILiveFeed>().Subscribe("reports", Viewer(Guid.NewGuid(), Roles.Manager), u => received.Writer.WriteAsync(u)).Value;

        await app.Get<ILiveFeed>().PublishAsync("reports", "report.changed", new { Blob = new string('x', 20_000) });

        var update = await NextAsync(received.Reader);
        Assert.True(update.Truncated);
        Assert.Equal("report.changed", update.Kind);
    }

    [Fact]
    public async Task Subscribers_only_get_topics_their_roles_allow()
    {
        await using var app = await MonfriServices.StartAsync("livepermissions", seed: false);
        var feed = app.Get<ILiveFeed>();
        var me = Guid.NewGuid();
        var sales = Viewer(me, Roles.Sales);

        ResultAssert.Status(ResultStatus.Forbidden, feed.Subscribe("privacy", sales, _ => ValueTask.CompletedTask));
        ResultAssert.Status(ResultStatus.Forbidden, feed.Subscribe("visitors", sales, _ => ValueTask.CompletedTask));
        ResultAssert.Status(ResultStatus.Forbidden, feed.Subscribe(LiveTopics.User(Guid.NewGuid()), sales, _ => ValueTask.CompletedTask));
        ResultAssert.Status(ResultStatus.Forbidden, feed.Subscribe(LiveTopics.Workspace, new ClaimsPrincipal(new ClaimsIdentity()), _ => ValueTask.CompletedTask));
        ResultAssert.Status(ResultStatus.Invalid, feed.Subscribe("no-such-topic", sales, _ => ValueTask.CompletedTask));
        Assert.True(feed.Subscribe(LiveTopics.User(me), sales, _ => ValueTask.CompletedTask).IsSuccess);
        Assert.True(feed.Subscribe("pipeline:1", sales, _ => ValueTask.CompletedTask).IsSuccess);
        Assert.True(feed.Subscribe("visitors", Viewer(me, Roles.Marketing), _ => ValueTask.CompletedTask).IsSuccess);
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_stop_the_others()
    {
        await using var app = await MonfriServices.StartAsync("livefailure", seed: false);
        var feed = app.Get<ILiveFeed>();
        var viewer = Viewer(Guid.NewGuid(), Roles.Admin);
        var received = Channel.CreateUnbounded<LiveUpdate>();
        using var broken = feed.Subscribe(LiveTopics.Workspace, viewer, _ => throw new InvalidOperationException("screen bug")).Value;
        using var healthy = feed.Subscribe(LiveTopics.Workspace, viewer, u => received.Writer.WriteAsync(u)).Value;

        await feed.PublishAsync(LiveTopics.Workspace, "first");
        await feed.PublishAsync(LiveTopics.Workspace, "second");

        Assert.Equal("first", (await NextAsync(received.Reader)).Kind);
        Assert.Equal("second", (await NextAsync(received.Reader)).Kind);
    }
}
