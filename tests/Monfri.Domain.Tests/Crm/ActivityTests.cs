using Monfri.Domain.Crm;

namespace Monfri.Domain.Tests.Crm;

public sealed class ActivityTests
{
    [Fact]
    public void Times_entered_on_the_users_clock_are_kept_as_the_same_instants_in_utc()
    {
        var now = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        var berlin = TimeSpan.FromHours(1);
        var due = new DateTimeOffset(2026, 12, 9, 10, 0, 0, berlin);
        var occurred = new DateTimeOffset(2026, 11, 20, 16, 45, 0, berlin);

        var task = Activity.Log(new ActivityDetails(ActivityType.Task, "Call back", null, null, null, Guid.NewGuid(), null, due, null), null, now);
        var call = Activity.Log(new ActivityDetails(ActivityType.Call, "Called", null, null, null, Guid.NewGuid(), occurred, null, null), null, now);

        Assert.Equal(due, task.DueAt);
        Assert.Equal(TimeSpan.Zero, task.DueAt!.Value.Offset);
        Assert.Equal(TimeSpan.Zero, task.OccurredAt.Offset);
        Assert.Equal(occurred, call.OccurredAt);
        Assert.Equal(TimeSpan.Zero, call.OccurredAt.Offset);

        task.Update(new ActivityDetails(ActivityType.Task, "Call back", null, null, null, task.DealId, null, due.AddDays(1), null), now);
        Assert.Equal(TimeSpan.Zero, task.DueAt!.Value.Offset);
    }
}
