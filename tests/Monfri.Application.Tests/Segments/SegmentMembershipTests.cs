using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monfri.Application.Cdp.Profiles;
using Monfri.Domain.Conditions;
using Monfri.Domain.Segments;
using Monfri.Infrastructure.Segments;

namespace Monfri.Application.Tests.Segments;

/// <summary>Entering and leaving as it is recorded and told: the signal handlers hear, the person's timeline, the scheduled window pass.</summary>
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
        var segment = await _s.CreateAsync("Nobody", new EventCondition("Never Sent"));
        await _s.Engine.EvaluateAsync(segment.Id, "again", CancellationToken.None);
        Assert.DoesNotContain(_s.Signals, c => c.SegmentId == segment.Id);
    }

    [Fact]
    public async Task The_worker_ages_people_out_of_relative_windows_on_its_own_schedule()
    {
        var a = Anon();
        await _s.World.SendAsync(Track(a, "Signed Up", TimeSpan.FromDays(6)));
        await _s.SyncAsync();
        var pa = await _s.PersonAsync(a);
        var week = await _s.CreateAsync("Signed up this week", new EventCondition("Signed Up", Window: new TimeWindow(LastDays: 7)));
        Assert.Contains(pa, await _s.MembersAsync(week.Id));

        var options = Options.Create(new SegmentOptions { RunWorkers = true, TimeWindowInterval = TimeSpan.FromHours(1), PollInterval = TimeSpan.FromSeconds(1) });
        using var worker = new SegmentWorker(_s.Engine, options, _s.Clock, NullLogger<SegmentWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        try
        {
            // Two days on, nothing of hers changed: only the hourly pass can take her out.
            _s.Clock.Advance(TimeSpan.FromDays(2));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while ((await _s.MembersAsync(week.Id)).Contains(pa) && DateTime.UtcNow < deadline)
            {
                _s.Clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(100);
            }

            Assert.DoesNotContain(pa, await _s.MembersAsync(week.Id));
            Assert.Contains(_s.Signals, c => c.SegmentId == week.Id && c.Left.Contains(pa) && c.Reason == "time window");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }
}
