using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Monfri.Application.Crm.Pipelines;

namespace Monfri.Web.Tests.Http;

/// <summary>Input the API cannot use answers 400 (or 404/415) with a ProblemDetails that says why — never a 500.</summary>
public sealed class ApiInputTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("errors");

    [Fact]
    public async Task A_nul_character_in_any_list_search_or_filter_parameter_is_a_400_naming_the_parameter()
    {
        var pipeline = (await Admin.GetFromJsonAsync<List<PipelineDto>>("/api/v1/pipelines", ApiJson.Options))!.First();
        string[] urls =
        [
            "/api/v1/contacts?search=%00", "/api/v1/contacts?cf=tier:%00", "/api/v1/contacts?lifecycleStage=a%00b", "/api/v1/contacts?tag=%00",
            "/api/v1/contacts/export?search=%00", "/api/v1/companies/export?industry=%00",
            "/api/v1/companies?search=%00", "/api/v1/companies?industry=%00",
            "/api/v1/deals?Search=%00", "/api/v1/deals?Tag=%00", "/api/v1/deals/export?search=%00",
            "/api/v1/visitors?urlContains=%00", "/api/v1/visitors?eventName=%00",
            $"/api/v1/pipelines/{pipeline.Id}/board?Search=%00",
            "/api/v1/contacts/duplicates?email=%00", "/api/v1/companies/duplicates?name=%00", "/api/v1/search?q=%00",
        ];

        foreach (var url in urls)
        {
            var response = await Admin.GetAsync(url);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url} answered {(int)response.StatusCode}");
            var parameter = url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..url.IndexOf('=', StringComparison.Ordinal)];
            Assert.True((await ErrorsAsync(response)).TryGetProperty(parameter, out var messages), $"{url} did not name {parameter}");
            Assert.Contains("NUL", messages[0].GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_nul_character_or_a_lone_surrogate_in_a_body_field_is_a_400_naming_the_field()
    {
        var contact = await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = "a\u0000b" });
        Assert.Equal(HttpStatusCode.BadRequest, contact.StatusCode);
        Assert.True((await ErrorsAsync(contact)).TryGetProperty("firstName", out _));

        var customField = await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Ok", customFields = new Dictionary<string, object> { ["tier"] = "Gold\u0000" } });
        Assert.Equal(HttpStatusCode.BadRequest, customField.StatusCode);
        Assert.True((await ErrorsAsync(customField)).TryGetProperty("customFields[tier]", out _));

        var deal = await Admin.PostAsJsonAsync("/api/v1/deals", new { name = "Deal\u0000", amount = 10, currency = "EUR" });
        Assert.Equal(HttpStatusCode.BadRequest, deal.StatusCode);
        Assert.True((await ErrorsAsync(deal)).TryGetProperty("name", out _));

        var activity = await Admin.PostAsJsonAsync("/api/v1/activities", new { type = "Note", subject = "S\u0000", body = "<p>b\u0000</p>", personId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, activity.StatusCode);
        var errors = await ErrorsAsync(activity);
        Assert.True(errors.TryGetProperty("subject", out _));
        Assert.True(errors.TryGetProperty("body", out _));

        // Written by hand: a serializer would not write half a surrogate pair.
        var surrogate = await Admin.PostAsync("/api/v1/contacts", new StringContent("{\"firstName\":\"a\\ud83d b\",\"lastName\":\"x\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, surrogate.StatusCode);
    }

    [Fact]
    public async Task A_required_value_sent_as_null_or_left_out_is_a_400_naming_it_not_a_500()
    {
        var nullRoles = await Admin.PostAsJsonAsync("/api/v1/users", new { email = "null-roles@web.test", displayName = "Null", password = "long-enough-password", roles = (string[]?)null });
        var noRoles = await Admin.PostAsJsonAsync("/api/v1/users", new { email = "no-roles@web.test", displayName = "None", password = "long-enough-password" });
        var nullIds = await Admin.PostAsJsonAsync("/api/v1/contacts/bulk/owner", new { ids = (Guid[]?)null });
        var noIds = await Admin.PostAsJsonAsync("/api/v1/contacts/bulk/tag", new { tag = "vip" });
        var nullTags = await Admin.PostAsJsonAsync("/api/v1/deals", new { name = "Null tags", tags = (string[]?)null });
        var nullTag = await Admin.PostAsJsonAsync("/api/v1/deals", new { name = "Null tag", tags = new string?[] { null } });
        var noKey = await Admin.PostAsJsonAsync("/api/v1/custom-fields", new { objectType = "Contact", label = "No key", type = "Text", options = Array.Empty<string>() });
        var nullStage = await Admin.PostAsJsonAsync("/api/v1/pipelines", new { name = "Null stage", stages = new object?[] { null } });

        var messages = new Dictionary<HttpResponseMessage, string>();
        foreach (var (response, field) in new[] { (nullRoles, "roles"), (noRoles, "roles"), (nullIds, "ids"), (noIds, "ids"), (nullTags, "tags"), (nullTag, "tags"), (noKey, "key"), (nullStage, "stages[0]") })
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode} {text}");
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out var errors), $"{field} not named: {text}");
            messages[response] = errors[0].GetString()!;
        }

        Assert.Contains("cannot be null", messages[nullRoles], StringComparison.Ordinal);
        Assert.Contains("at least one role", messages[noRoles], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_in_a_body_the_database_can_store_is_kept_as_sent()
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Zoë 🎉", lastName = "Ünïcode" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Zoë 🎉", (await created.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task Page_numbers_past_any_list_are_a_400_naming_the_page_not_an_overflow()
    {
        string[] urls =
        [
            "/api/v1/contacts?page=2147483647&pageSize=500", "/api/v1/deals?PageIndex=99999999&PageSize=500",
            "/api/v1/companies?page=2147483647&pageSize=500", "/api/v1/contacts/duplicate-pairs?page=2147483647&pageSize=200",
            "/api/v1/companies/duplicate-pairs?page=2147483647&pageSize=200", "/api/v1/imports?page=2147483647&pageSize=100",
            $"/api/v1/imports/{Guid.NewGuid()}/issues?page=2147483647&pageSize=500", "/api/v1/audit?page=2147483647&pageSize=200",
            "/api/v1/audit?page=-1", "/api/v1/privacy-requests?page=2147483647&pageSize=100",
            "/api/v1/profiles/user_id:nobody/events?pageIndex=2147483647&pageSize=500",
        ];

        foreach (var url in urls)
        {
            var response = await Admin.GetAsync(url);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url} answered {(int)response.StatusCode}");
            Assert.True((await ErrorsAsync(response)).TryGetProperty("pageIndex", out _), $"{url} did not name the page");
        }

        // The furthest page that fits is an empty page, not an error.
        var last = await Admin.GetAsync($"/api/v1/contacts?page={int.MaxValue / 500}&pageSize=500");
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
    }

    [Theory]
    [InlineData("text/plain", "firstName=A")]
    [InlineData("application/xml", "<contact><firstName>A</firstName></contact>")]
    [InlineData("application/x-www-form-urlencoded", "firstName=A")]
    public async Task A_body_that_is_not_json_is_a_415_problem_not_a_404(string mediaType, string body)
    {
        var response = await Admin.PostAsync("/api/v1/contacts", new StringContent(body, Encoding.UTF8, mediaType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_api_address_is_a_problem_details_404()
    {
        var response = await Admin.GetAsync("/api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_typed_unknown_address_shows_the_apps_not_found_page_with_a_404()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/no/such/page");
        request.Headers.Accept.ParseAdd("text/html");

        var response = await factory.ClientWithToken(null).SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Page not found", html, StringComparison.Ordinal);
        Assert.Contains("<title>Not found · Monfri</title>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_json_or_gzip_batch_is_called_cut_off_not_too_deep()
    {
        var json = """{"batch":[{"type":"track","userId":"u-1","event":"Signed up","properties":{"plan":"pro"}}]}""";
        var cut = json[..40];
        using var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(json));
        }

        var truncatedGzip = gzipped.ToArray()[..(int)(gzipped.Length / 2)];
        var deep = new string('[', 70) + new string(']', 70);

        var plain = await CollectAsync(new StringContent(cut, Encoding.UTF8, "application/json"));
        var zipped = new ByteArrayContent(truncatedGzip);
        zipped.Headers.ContentType = new("application/json");
        zipped.Headers.ContentEncoding.Add("gzip");
        var gz = await CollectAsync(zipped);
        var tooDeep = await CollectAsync(new StringContent("{\"batch\":" + deep + "}", Encoding.UTF8, "application/json"));
        var track = await CollectAsync(new StringContent("""{"userId":"u-1","event":"Signed""", Encoding.UTF8, "application/json"), "/v1/track");

        Assert.Equal(HttpStatusCode.BadRequest, plain.Status);
        Assert.Contains("cut off", plain.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, gz.Status);
        Assert.DoesNotContain("nested", gz.Message, StringComparison.Ordinal);
        Assert.True(gz.Message.Contains("cut off", StringComparison.Ordinal) || gz.Message.Contains("gzip", StringComparison.Ordinal), gz.Message);
        Assert.Equal(HttpStatusCode.BadRequest, track.Status);
        Assert.Contains("cut off", track.Message, StringComparison.Ordinal);
        Assert.Contains("nested more than 64 levels", tooDeep.Message, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, string Message)> CollectAsync(HttpContent content, string path = "/v1/batch")
    {
        var source = await (await Admin.PostAsJsonAsync("/api/v1/sources", new { name = $"Input {Guid.NewGuid():N}", kind = "Website", allowedOrigins = Array.Empty<string>() })).Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
        var client = factory.ClientWithToken(null);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(source.GetProperty("writeKey").GetString() + ":")));
        var response = await client.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString()!);
    }
}
