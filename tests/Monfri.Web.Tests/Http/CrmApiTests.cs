using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Monfri.Web.Tests.Http;

public sealed class CrmApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    [Fact]
    public async Task Contacts_are_created_read_updated_with_their_version_and_deleted_over_the_api()
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Api", lastName = "Person", email = "api.person@web.test", tags = new[] { "api" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var contact = await created.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options);
        var id = contact.GetProperty("id").GetGuid();
        var version = contact.GetProperty("version").GetUInt32();

        var updated = await Admin.PutAsJsonAsync($"/api/v1/contacts/{id}", new { version, firstName = "Apia", lastName = "Person", email = "api.person@web.test" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var stale = await Admin.PutAsJsonAsync($"/api/v1/contacts/{id}", new { version, firstName = "Stale", email = "api.person@web.test" });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("Apia", (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{id}", ApiJson.Options)).GetProperty("firstName").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/contacts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/v1/contacts/{id}")).StatusCode);
    }

    [Fact]
    public async Task Bad_contact_input_gets_problem_details_with_field_errors()
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = "X", email = "nope@", phone = "call me" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("phone", out _));
        var badPage = await Admin.GetAsync("/api/v1/contacts?pageSize=100000&sortBy=shoeSize");
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
    }

    [Fact]
    public async Task The_contacts_export_is_a_csv_of_the_filtered_list_that_neutralises_formulas()
    {
        var marker = $"exp{Guid.NewGuid():N}"[..10];
        await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = marker, lastName = "=HYPERLINK(\"http://evil\")", jobTitle = "Chief, \"Quotes\" Officer" });
        await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Unrelated", lastName = "Row" });

        var response = await Admin.GetAsync($"/api/v1/contacts/export?search={marker}");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("First name,Last name,Email", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"Chief, \"\"Quotes\"\" Officer\"", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Companies_and_global_search_work_over_the_api()
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/companies", new { name = "Cyberdyne Systems", domain = "https://cyberdyne.test" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Admin.PostAsJsonAsync("/api/v1/companies", new { name = "Cyberdyne 2", domain = "cyberdyne.test" })).StatusCode);

        var hits = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/search?q=cyberdyne", ApiJson.Options);

        Assert.Contains(hits.EnumerateArray(), h => h.GetProperty("kind").GetString() == "Company" && h.GetProperty("title").GetString() == "Cyberdyne Systems");
    }
}
