using Microsoft.Extensions.Time.Testing;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Activities;
using Monfri.Application.Crm.Activities.CompleteTask;
using Monfri.Application.Crm.Activities.CountDueTasks;
using Monfri.Application.Crm.Activities.ListMyTasks;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;

namespace Monfri.Application.Tests.Crm.Activities;

public sealed class MyTasksTests : IAsyncLifetime
{
    // 23:50 in Berlin (CET, UTC+1), 17:50 in New York (UTC-5): ten minutes before a Berlin midnight.
    private static readonly DateTimeOffset TenToMidnightInBerlin = new(2026, 3, 10, 22, 50, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(TenToMidnightInBerlin);
    private MonfriServices _app = null!;
    private CrmRecords _records = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(MyTasksTests), configureServices: services => services.AddSingleton<TimeProvider>(_clock));
        _records = new CrmRecords(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<IReadOnlyDictionary<string, Guid>> TasksAsync(System.Security.Claims.ClaimsPrincipal user, Guid contactId, params (string Subject, DateTimeOffset Due)[] tasks)
    {
        var ids = new Dictionary<string, Guid>();
        foreach (var (subject, due) in tasks)
        {
            var logged = await _app.SendAs(user, new LogActivityCommand(ActivityType.Task, subject, null, contactId, null, null, DueAt: due));
            Assert.True(logged.IsSuccess, logged.ErrorMessage);
            ids[subject] = logged.Value.Id;
        }

        return ids;
    }

    private static string[] Subjects(IReadOnlyList<ActivityDto> tasks) => tasks.Select(t => t.Subject).ToArray();

    [Fact]
    public async Task Tasks_are_grouped_by_the_users_own_midnight_and_regroup_when_the_day_turns()
    {
        _clock.SetUtcNow(TenToMidnightInBerlin);
        var (_, rep) = await _app.CreateUserAsync("Rosa", Roles.Sales);
        var (_, colleague) = await _app.CreateUserAsync("Sven", Roles.Sales);
        var contact = await _records.ContactAsync("Theo");
        await TasksAsync(rep, contact.Id,
            ("Yesterday evening", TenToMidnightInBerlin.AddHours(-26)),
            ("Ten minutes ago", TenToMidnightInBerlin.AddMinutes(-10)),
            ("Before midnight", TenToMidnightInBerlin.AddMinutes(5)),
            ("Just after midnight", TenToMidnightInBerlin.AddMinutes(15)),
            ("Tomorrow noon", TenToMidnightInBerlin.AddHours(12).AddMinutes(10)),
            ("Next week", TenToMidnightInBerlin.AddDays(7)));
        await TasksAsync(colleague, contact.Id, ("Not mine", TenToMidnightInBerlin.AddMinutes(-5)));

        var berlin = (await _app.SendAs(rep, new ListMyTasksQuery("Europe/Berlin"))).Value;
        var byOffset = (await _app.SendAs(rep, new ListMyTasksQuery("+01:00"))).Value;
        var newYork = (await _app.SendAs(rep, new ListMyTasksQuery("America/New_York"))).Value;

        Assert.Equal(["Yesterday evening", "Ten minutes ago"], Subjects(berlin.Overdue));
        Assert.Equal(["Before midnight"], Subjects(berlin.Today));
        Assert.Equal(["Just after midnight", "Tomorrow noon", "Next week"], Subjects(berlin.Upcoming));
        Assert.Equal(Subjects(berlin.Today), Subjects(byOffset.Today));
        Assert.Equal(["Before midnight", "Just after midnight"], Subjects(newYork.Today));
        Assert.Equal(2, (await _app.SendAs(rep, new CountDueTasksQuery())).Value);

        _clock.Advance(TimeSpan.FromMinutes(20)); // 00:10 in Berlin

        var afterMidnight = (await _app.SendAs(rep, new ListMyTasksQuery("Europe/Berlin"))).Value;
        Assert.Equal(["Yesterday evening", "Ten minutes ago", "Before midnight", "Just after midnight"], Subjects(afterMidnight.Overdue));
        Assert.Equal(["Tomorrow noon"], Subjects(afterMidnight.Today));
        Assert.Equal(["Next week"], Subjects(afterMidnight.Upcoming));
        Assert.Equal(4, (await _app.SendAs(rep, new CountDueTasksQuery())).Value);
    }

    [Fact]
    public async Task A_completed_task_leaves_the_open_groups_and_the_count_and_shows_as_recently_completed()
    {
        _clock.SetUtcNow(TenToMidnightInBerlin);
        var (_, rep) = await _app.CreateUserAsync("Uma", Roles.Sales);
        var contact = await _records.ContactAsync("Vito");
        var ids = await TasksAsync(rep, contact.Id, ("Overdue call", TenToMidnightInBerlin.AddHours(-1)), ("Later", TenToMidnightInBerlin.AddDays(2)));

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(rep, new CompleteTaskCommand(ids["Overdue call"])));

        var tasks = (await _app.SendAs(rep, new ListMyTasksQuery("Europe/Berlin"))).Value;
        Assert.Empty(tasks.Overdue);
        Assert.Equal(["Overdue call"], Subjects(tasks.Completed));
        Assert.Equal(["Later"], Subjects(tasks.Upcoming));
        Assert.Equal(0, (await _app.SendAs(rep, new CountDueTasksQuery())).Value);

        _clock.Advance(TimeSpan.FromDays(ListMyTasksQuery.CompletedDays + 1));
        Assert.Empty((await _app.SendAs(rep, new ListMyTasksQuery("Europe/Berlin"))).Value.Completed);
    }

    [Fact]
    public async Task An_unknown_time_zone_is_refused()
    {
        var (_, rep) = await _app.CreateUserAsync("Walt", Roles.Sales);

        var result = await _app.SendAs(rep, new ListMyTasksQuery("Mars/Olympus_Mons"));

        ResultAssert.Status(ResultStatus.Invalid, result);
        Assert.Equal("TimeZone", result.Errors.Single().Field);
    }
}
