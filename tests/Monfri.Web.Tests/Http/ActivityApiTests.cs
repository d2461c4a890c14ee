using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Users;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Web.Tests.Http;

public sealed class ActivityApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private async Task<(Guid UserId, HttpClient Client)> NewUserAsync(params string[] roles)
    {
        var created = await factory.ClientWithToken(MonfriWebFactory.AdminToken).PostAsJsonAsync("/api/v1/users",
            new { email = $"a{Guid.NewGuid():N}@web.test", displayName = "Api Rep", password = "api-user-password", roles });
        var user = (await created.Content.ReadFromJsonAsync<UserDto>())!;
        using var scope = factory.Services.CreateScope();
        var token = await scope.ServiceProvider.GetRequiredService<Monfri.Application.Common.Security.IIdentityService>()
            .CreateApiTokenAsync(user.Id, "test", null, CancellationToken.None);
        return (user.Id, factory.ClientWithToken(token.Value.Secret));
    }

    private async Task<Guid> ContactAsync()
    {
        var person = Person.CreateContact(
            new ContactDetails("Api", "Contact", $"c{Guid.NewGuid():N}@web.test", [], null, null, null, null, LifecycleStages.Lead, null, [],
                new Dictionary<string, object?>()),
            DateTimeOffset.UtcNow);
        await using var scope = factory.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IMonfriDbFactory>().CreateAsync();
        db.People.Add(person);
        await db.SaveChangesAsync();
        return person.Id;
    }

    [Fact]
    public async Task A_task_is_logged_listed_edited_completed_and_deleted_over_the_api()
    {
        var (userId, client) = await NewUserAsync(Roles.Sales);
        var contactId = await ContactAsync();
        var due = DateTimeOffset.UtcNow.AddHours(-1);

        var created = await client.PostAsJsonAsync("/api/v1/activities",
            new { type = "Task", subject = "Call back", body = "<p>About <b>pricing</b><script>x()</script></p>", personId = contactId, dueAt = due });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var task = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = task.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/activities/{id}", created.Headers.Location?.ToString());
        Assert.Equal("Task", task.GetProperty("type").GetString());
        Assert.Equal("<p>About <b>pricing</b></p>", task.GetProperty("body").GetString());
        Assert.Equal(userId, task.GetProperty("assigneeId").GetGuid());

        var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/v1/activities?personId={contactId}&pageSize=10");
        Assert.Equal(id, timeline.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, timeline.GetProperty("nextCursor").ValueKind);

        var mine = await client.GetFromJsonAsync<JsonElement>("/api/v1/tasks/mine?timeZone=Europe/Berlin");
        Assert.Equal(id, mine.GetProperty("overdue")[0].GetProperty("id").GetGuid());
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/api/v1/tasks/mine/due-count")).GetProperty("count").GetInt32());

        var edited = await client.PutAsJsonAsync($"/api/v1/activities/{id}", new
        {
            subject = "Call back about pricing", personId = contactId, dueAt = DateTimeOffset.UtcNow.AddDays(1), version = task.GetProperty("version").GetUInt32(),
        });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var stale = await client.PutAsJsonAsync($"/api/v1/activities/{id}", new { subject = "Stale", personId = contactId, dueAt = due, version = task.GetProperty("version").GetUInt32() });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var completed = await client.PostAsync($"/api/v1/activities/{id}/complete", null);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, (await completed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("completedAt").ValueKind);
        var reopened = await client.PostAsync($"/api/v1/activities/{id}/complete?completed=false", null);
        Assert.Equal(JsonValueKind.Null, (await reopened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("completedAt").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/activities/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/activities/{id}/complete", null)).StatusCode);
    }

    [Fact]
    public async Task Bad_requests_get_problem_details()
    {
        var (_, client) = await NewUserAsync(Roles.Marketing);

        var invalid = await client.PostAsJsonAsync("/api/v1/activities", new { type = "Note", subject = "" });
        var noRecord = await client.GetAsync("/api/v1/activities");
        var unknownZone = await client.GetAsync("/api/v1/tasks/mine?timeZone=Nowhere/Special");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("subject", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("record", out _), errors.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, noRecord.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownZone.StatusCode);
    }
}
