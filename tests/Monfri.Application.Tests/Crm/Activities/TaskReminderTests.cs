using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Monfri.Application.Common.Live;
using Monfri.Application.Crm.Activities;
using Monfri.Application.Crm.Activities.CompleteTask;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Crm.Activities.UpdateActivity;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Scheduling;
using Monfri.TestSupport;

namespace Monfri.Application.Tests.Crm.Activities;

public sealed class TaskReminderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero));
    private MonfriServices _app = null!;
    private CrmRecords _records = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(TaskReminderTests), configureServices: services => services.AddSingleton<TimeProvider>(_clock));
        _records = new CrmRecords(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>A reminder runner as a second (third …) Monfri process would have: its own instance, its own connections.</summary>
    private TaskReminderService NewRunner() => ActivatorUtilities.CreateInstance<TaskReminderService>(_app.Provider);

    private async Task<(Guid Id, System.Security.Claims.ClaimsPrincipal Principal, ChannelReader<LiveUpdate> Notices, IDisposable Watch)> AssigneeAsync(string name)
    {
        var (user, principal) = await _app.CreateUserAsync(name, Roles.Sales);
        var notices = Channel.CreateUnbounded<LiveUpdate>();
        var watch = _app.Get<ILiveFeed>().Subscribe(LiveTopics.User(user.Id), principal, async update =>
        {
            if (update.Kind == TaskLiveKinds.Due)
            {
                await notices.Writer.WriteAsync(update);
            }
        }).Value;
        return (user.Id, principal, notices.Reader, watch);
    }

    private static async Task<List<TaskDueNotice>> ReceiveAsync(ChannelReader<LiveUpdate> notices, int expected)
    {
        var received = new List<TaskDueNotice>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (received.Count < expected)
        {
            received.Add((await notices.ReadAsync(timeout.Token)).DataAs<TaskDueNotice>()!);
        }

        // Anything beyond the expected would be a duplicate reminder.
        await Task.Delay(300);
        while (notices.TryRead(out var extra))
        {
            received.Add(extra.DataAs<TaskDueNotice>()!);
        }

        return received;
    }

    private async Task<ActivityDto> TaskAsync(System.Security.Claims.ClaimsPrincipal user, Guid contactId, string subject, DateTimeOffset due) =>
        (await _app.SendAs(user, new LogActivityCommand(ActivityType.Task, subject, null, contactId, null, null, DueAt: due))).Value;

    [Fact]
    public async Task A_task_due_in_the_past_gets_exactly_one_reminder_even_when_two_reminder_runs_race()
    {
        var (_, rep, notices, watch) = await AssigneeAsync("Quinn");
        using var subscription = watch;
        var contact = await _records.ContactAsync("Rhea");
        var now = _clock.GetUtcNow();
        var due = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            due.Add((await TaskAsync(rep, contact.Id, $"Overdue {i}", now.AddMinutes(-1 - i))).Id);
        }

        var notYet = await TaskAsync(rep, contact.Id, "Tomorrow", now.AddDays(1));
        var done = await TaskAsync(rep, contact.Id, "Done already", now.AddHours(-3));
        await _app.SendAs(rep, new CompleteTaskCommand(done.Id));
        var (first, second) = (NewRunner(), NewRunner());

        var counts = await Task.WhenAll(
            Task.Run(() => first.RunOnceAsync(CancellationToken.None)),
            Task.Run(() => second.RunOnceAsync(CancellationToken.None)));
        var again = await Task.WhenAll(first.RunOnceAsync(CancellationToken.None), second.RunOnceAsync(CancellationToken.None));

        var received = await ReceiveAsync(notices, due.Count);
        Assert.Equal(due.Count, counts.Sum());
        Assert.Equal([0, 0], again);
        Assert.Equal(due.Order(), received.Select(n => n.ActivityId).Order());
        Assert.DoesNotContain(received, n => n.ActivityId == notYet.Id || n.ActivityId == done.Id);
        var reminded = await _records.ReadAsync(db => db.Activities.Where(a => due.Contains(a.Id)).Select(a => a.RemindedAt).ToListAsync());
        Assert.All(reminded, at => Assert.Equal(now, at));
    }

    [Fact]
    public async Task A_reminder_says_what_is_due_and_on_which_record_and_comes_when_the_due_time_passes()
    {
        var (_, rep, notices, watch) = await AssigneeAsync("Sami");
        using var subscription = watch;
        var contact = await _records.ContactAsync("Tara");
        var due = _clock.GetUtcNow().AddMinutes(10);
        var task = await TaskAsync(rep, contact.Id, "Send the contract", due);
        var runner = NewRunner();

        await runner.RunOnceAsync(CancellationToken.None);
        Assert.False(notices.TryRead(out var early), $"Reminded before the due time: {early?.Data}");
        _clock.Advance(TimeSpan.FromMinutes(11));
        await runner.RunOnceAsync(CancellationToken.None);

        var notice = Assert.Single(await ReceiveAsync(notices, 1));
        Assert.Equal(task.Id, notice.ActivityId);
        Assert.Equal("Send the contract", notice.Subject);
        Assert.Equal(due.ToUnixTimeMilliseconds(), notice.DueAt.ToUnixTimeMilliseconds());
        Assert.Equal(contact.Id, notice.PersonId);
        Assert.Equal("Tara Tester", notice.RecordName);
    }

    [Fact]
    public async Task Moving_a_reminded_task_to_later_reminds_again_when_it_falls_due()
    {
        var (_, rep, notices, watch) = await AssigneeAsync("Ugo");
        using var subscription = watch;
        var contact = await _records.ContactAsync("Vik");
        var task = await TaskAsync(rep, contact.Id, "Chase invoice", _clock.GetUtcNow().AddMinutes(-5));
        var runner = NewRunner();
        await runner.RunOnceAsync(CancellationToken.None);
        Assert.Single(await ReceiveAsync(notices, 1));

        var later = _clock.GetUtcNow().AddHours(1);
        var moved = await _app.SendAs(rep, new UpdateActivityCommand(task.Id, task.Subject, null, task.PersonId, null, null, null, later, task.AssigneeId,
            (await _records.ReadAsync(db => db.Activities.AsNoTracking().SingleAsync(a => a.Id == task.Id))).Version));
        Assert.True(moved.IsSuccess, moved.ErrorMessage);
        await runner.RunOnceAsync(CancellationToken.None);
        Assert.False(notices.TryRead(out _));
        _clock.Advance(TimeSpan.FromHours(2));
        await runner.RunOnceAsync(CancellationToken.None);

        Assert.Equal(task.Id, Assert.Single(await ReceiveAsync(notices, 1)).ActivityId);
    }
}
