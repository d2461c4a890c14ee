using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Monfri.Application.Common.Persistence;
using Monfri.Domain.Crm;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

/// <summary>A running Monfri and a browser, plus the database's address so tests can put contacts in place.</summary>
public sealed class TasksAppFixture : IAsyncLifetime
{
    public MonfriProcess App { get; private set; } = null!;
    public BrowserFixture Browser { get; } = new();
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("tasks");
        App = await MonfriProcess.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings__Monfri"] = ConnectionString });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await App.DisposeAsync();
    }
}

public sealed class MyTasksTests(TasksAppFixture fixture) : IClassFixture<TasksAppFixture>
{
    private async Task<(Guid Id, string Email, string Password)> CreateUserAsync(string name)
    {
        var email = $"{name.ToLowerInvariant().Replace(' ', '.')}.{Guid.NewGuid():N}@e2e.test";
        const string password = "browser-user-password";
        var response = await fixture.App.AdminClient().PostAsJsonAsync("/api/v1/users", new { email, displayName = name, password, roles = new[] { "Sales" } });
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), email, password);
    }

    // Contacts have their own screens and API elsewhere; here one is simply written to the database.
    private async Task<Guid> ContactAsync(string firstName)
    {
        await using var services = await MonfriServices.StartAsync(connectionString: fixture.ConnectionString, seed: false);
        await using var scope = services.Provider.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IMonfriDbFactory>().CreateAsync();
        var person = Person.CreateContact(
            new ContactDetails(firstName, "Browser", $"{firstName.ToLowerInvariant()}.{Guid.NewGuid():N}@e2e.test", [], null, null, null, null,
                LifecycleStages.Lead, null, [], new Dictionary<string, object?>()),
            DateTimeOffset.UtcNow);
        db.People.Add(person);
        await db.SaveChangesAsync();
        return person.Id;
    }

    private async Task TaskAsync(Guid assigneeId, Guid contactId, string subject, DateTimeOffset due)
    {
        var response = await fixture.App.AdminClient().PostAsJsonAsync("/api/v1/activities",
            new { type = "Task", subject, personId = contactId, dueAt = due, assigneeId });
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_rep_sees_an_overdue_task_in_my_tasks_and_completes_it()
    {
        var rep = await CreateUserAsync("Tess Tasker");
        var contact = await ContactAsync("Jane");
        await TaskAsync(rep.Id, contact, "Call Jane back", DateTimeOffset.UtcNow.AddHours(-2));
        await TaskAsync(rep.Id, contact, "Send the contract", DateTimeOffset.UtcNow.AddDays(3));
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, rep.Email, rep.Password);
        await page.WaitForSelectorAsync("[data-testid=due-tasks][data-count='1']");

        await page.ClickAsync("nav >> text=My tasks");
        await page.WaitForURLAsync("**/tasks");
        var overdue = page.Locator("[data-testid=tasks-overdue] [data-testid=task-item]", new() { HasText = "Call Jane back" });
        await overdue.WaitForAsync();
        Assert.Equal($"/contacts/{contact}", await overdue.Locator("[data-testid=task-link]").GetAttributeAsync("href"));
        await page.Locator("[data-testid=tasks-upcoming] [data-testid=task-item]", new() { HasText = "Send the contract" }).WaitForAsync();

        await overdue.Locator("input[type=checkbox]").ClickAsync();

        await page.Locator("[data-testid=tasks-completed] [data-testid=task-item]", new() { HasText = "Call Jane back" }).WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=tasks-overdue] [data-testid=task-item]").CountAsync());
        await page.WaitForSelectorAsync("[data-testid=due-tasks][data-count='0']");
    }

    [Fact]
    public async Task A_task_falling_due_shows_a_notice_and_raises_the_badge_while_the_rep_works()
    {
        var rep = await CreateUserAsync("Nico Notice");
        var contact = await ContactAsync("Ruth");
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, rep.Email, rep.Password);
        await page.WaitForSelectorAsync("[data-testid=due-tasks][data-count='0']");

        await TaskAsync(rep.Id, contact, "Prepare the demo", DateTimeOffset.UtcNow.AddSeconds(1));

        // The reminder service looks every 15 seconds.
        var notice = page.Locator("[data-testid=task-due-notice]");
        await notice.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Contains("Task due: Prepare the demo", await notice.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal($"/contacts/{contact}", await notice.Locator("a").GetAttributeAsync("href"));
        await page.WaitForSelectorAsync("[data-testid=due-tasks][data-count='1']");
    }
}
