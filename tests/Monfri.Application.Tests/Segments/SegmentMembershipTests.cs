using Monfri.Application.Cdp.Profiles.GetProfileTimeline;
using Monfri.Application.Cdp.Profiles;
using Monfri.Domain.Conditions;
using Monfri.Domain.Segments;

namespace Monfri.Application.Tests.Segments;

/// <summary>Entering and leaving as it is recorded and told: the signal handlers hear and the person's timeline.</summary>
public sealed class SegmentMembershipTests : IAsyncLifetime
{
    private SegmentWorld _s = null!;

    public async Task InitializeAsync() => _s = await SegmentWorld.StartAsync(nameof(SegmentMembershipTests));

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static string Anon() => $"anon-{Guid.NewGuid():N}";

    private object Track(string anonymousId, string @event, TimeSpan ago) => new
    {
        type = "track",
        anonymousId,
        @event,
        properties = new { },
        messageId = Guid.NewGuid().ToString(),
        timestamp = (_s.Clock.GetUtcNow() - ago).ToString("O"),
    };

    [Fact]
    public async Task Entering_and_leaving_reach_the_signal_handlers_and_the_persons_timeline_with_their_reason()
    {
        // Someone else's event names the event first (a definition may only name events received).
        await _s.World.SendAsync(Track(Anon(), "Trial Started", TimeSpan.FromDays(30)));
        await _s.SyncAsync();
        var a = Anon();
        var segment = await _s.CreateAsync("Trial this week", new EventCondition("Trial Started", Window: new TimeWindow(LastDays: 7)));
        await _s.World.SendAsync(Track(a, "Trial Started", TimeSpan.FromMinutes(5)));
        await _s.SyncAsync();
        var pa = await _s.PersonAsync(a);

        var entered = Assert.Single(_s.Signals, c => c.SegmentId == segment.Id && c.Entered.Contains(pa));
        Assert.Equal("data changed", entered.Reason);
        Assert.Empty(entered.Left);

        _s.Clock.Advance(TimeSpan.FromDays(8));
        await _s.Engine.EvaluateTimeRelativeAsync(CancellationToken.None);
        var left = Assert.Single(_s.Signals, c => c.SegmentId == segment.Id && c.Left.Contains(pa));
        Assert.Equal("time window", left.Reason);
        Assert.Empty(left.Entered);

        // Newest first, among the person's events; the segment kind alone pages with its own cursor.
        var timeline = await _s.World.App.SendAs(_s.World.Admin, new GetProfileTimelineQuery(pa));
        Assert.True(timeline.IsSuccess, timeline.ErrorMessage);
        Assert.Equal(
            [("segment", "Segment Exited: Trial this week", "time window"), ("segment", "Segment Entered: Trial this week", "data changed"), ("event", "Trial Started", null)],
            timeline.Value.Items.Select(i => (i.Kind, i.Title, i.Detail)).ToList());
        var first = await _s.World.App.SendAs(_s.World.Admin, new GetProfileTimelineQuery(pa, TimelineKinds.Segment, PageSize: 1));
        Assert.Equal("Segment Exited: Trial this week", Assert.Single(first.Value.Items).Title);
        var second = await _s.World.App.SendAs(_s.World.Admin, new GetProfileTimelineQuery(pa, TimelineKinds.Segment, After: first.Value.Next, PageSize: 1));
        Assert.True(second.IsSuccess, second.ErrorMessage);
        Assert.Equal("Segment Entered: Trial this week", Assert.Single(second.Value.Items).Title);
        Assert.Null(second.Value.Next);
    }

    [Fact]
    public async Task An_evaluation_that_moves_nobody_is_not_announced()
    {
        await _s.World.SendAsync(Track(Anon(), "Seen", TimeSpan.FromMinutes(5)));
        await _s.SyncAsync();
        var segment = await _s.CreateAsync("Seen", new EventCondition("Seen"));
        Assert.Single(_s.Signals, c => c.SegmentId == segment.Id && c.Reason == "defined");
        await _s.Engine.EvaluateAsync(segment.Id, "again", CancellationToken.None);
        Assert.DoesNotContain(_s.Signals, c => c.SegmentId == segment.Id && c.Reason == "again");
    }
}
