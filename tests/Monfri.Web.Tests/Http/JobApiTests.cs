using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Monfri.Web.Tests.Http;

public sealed class JobApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    [Fact]
    public async Task The_job_that_ran_a_privacy_request_is_listed_with_its_state_for_the_admin()
    {
        var client = factory.ClientWithToken(MonfriWebFactory.AdminToken);
        var posted = await client.PostAsJsonAsync("/api/v1/privacy-requests",
            new { kind = "Export", identityType = "email", identityValue = $"jobs.{Guid.NewGuid():N}@privacy.test" });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement succeeded;
        do
        {
            await Task.Delay(50);
            succeeded = await client.GetFromJsonAsync<JsonElement>("/api/v1/jobs?state=Succeeded&pageSize=200");
        }
        while (!succeeded.GetProperty("items").EnumerateArray().Any(j => j.GetProperty("kind").GetString() == "privacy.request") && DateTime.UtcNow < deadline);

        var job = succeeded.GetProperty("items").EnumerateArray().First(j => j.GetProperty("kind").GetString() == "privacy.request");
        Assert.Equal(("Succeeded", 1), (job.GetProperty("state").GetString(), job.GetProperty("attempts").GetInt32()));
        Assert.False(job.TryGetProperty("payload", out _));
    }

    [Fact]
    public async Task The_job_list_needs_a_signed_in_caller_and_a_known_state()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWithToken(null).GetAsync("/api/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.ClientWithToken(MonfriWebFactory.AdminToken).GetAsync("/api/v1/jobs?state=Sleeping")).StatusCode);
    }
}
