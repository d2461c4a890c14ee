using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Monfri.Web.Tests.Http;

public sealed class PrivacyApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    [Fact]
    public async Task An_export_requested_over_the_api_is_followed_to_completion_and_downloaded_as_json()
    {
        var client = factory.ClientWithToken(MonfriWebFactory.AdminToken);
        var email = $"api.subject.{Guid.NewGuid():N}@privacy.test";
        var contact = await client.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Api", lastName = "Subject", email });
        Assert.Equal(HttpStatusCode.Created, contact.StatusCode);

        var posted = await client.PostAsJsonAsync("/api/v1/privacy-requests", new { kind = "Export", identityType = "email", identityValue = email });

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var request = await posted.Content.ReadFromJsonAsync<JsonElement>();
        var id = request.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/privacy-requests/{id}", posted.Headers.Location?.OriginalString);
        Assert.DoesNotContain(email, request.GetRawText(), StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (request.GetProperty("status").GetString() is "Queued" or "Running" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            request = await client.GetFromJsonAsync<JsonElement>($"/api/v1/privacy-requests/{id}");
        }

        Assert.Equal("Completed", request.GetProperty("status").GetString());
        var export = await client.GetAsync($"/api/v1/privacy-requests/{id}/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/json", export.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".json", export.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);
        var document = await export.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(email, document.GetProperty("profile").GetProperty("email").GetString());
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/privacy-requests");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task A_request_without_an_identifier_is_a_validation_problem_and_an_unknown_request_is_not_found()
    {
        var client = factory.ClientWithToken(MonfriWebFactory.AdminToken);

        var invalid = await client.PostAsJsonAsync("/api/v1/privacy-requests", new { kind = "Delete", identityType = "email", identityValue = "" });
        var missing = await client.GetAsync($"/api/v1/privacy-requests/{Guid.NewGuid()}/export");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.True((await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("identityValue", out _));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_privacy_endpoints()
    {
        var document = await factory.ClientWithToken(null).GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        Assert.True(paths.GetProperty("/api/v1/privacy-requests").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/v1/privacy-requests").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/privacy-requests/{id}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/privacy-requests/{id}/export").TryGetProperty("get", out _));
    }
}
