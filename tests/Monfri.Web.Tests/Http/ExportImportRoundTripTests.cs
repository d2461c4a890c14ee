using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Monfri.Web.Tests.Http;

/// <summary>
/// Monfri's own export imports back unchanged: values a spreadsheet would run as a formula are exported behind an
/// apostrophe, and the import takes it off again (a phone "+33 6 11 11 11 11" was rejected on re-import).
/// </summary>
public sealed class ExportImportRoundTripTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    [Fact]
    public async Task An_exported_contact_deleted_and_imported_from_the_export_comes_back_with_the_same_values()
    {
        var marker = $"rt{Guid.NewGuid():N}"[..12];
        var created = await Admin.PostAsJsonAsync("/api/v1/contacts", new
        {
            firstName = "-Dash", lastName = "@Home", email = $"{marker}@roundtrip.test", phone = "+33 6 11 11 11 11",
            jobTitle = "=Chief of things", leadSource = "+partner", tags = new[] { "+vip", "-2+3" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var before = await created.Content.ReadFromJsonAsync<JsonElement>();

        var csv = await Admin.GetByteArrayAsync($"/api/v1/contacts/export?search={marker}");
        Assert.Contains("'+33 6 11 11 11 11", System.Text.Encoding.UTF8.GetString(csv), StringComparison.Ordinal);
        await DeleteAsync($"/api/v1/contacts/{before.GetProperty("id").GetGuid()}");

        await ImportAsync(csv, "Contact");

        var after = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?search={marker}")).GetProperty("items").EnumerateArray().Single();
        after = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{after.GetProperty("id").GetGuid()}");
        foreach (var field in new[] { "firstName", "lastName", "email", "phone", "jobTitle", "leadSource" })
        {
            Assert.Equal(before.GetProperty(field).GetString(), after.GetProperty(field).GetString());
        }

        Assert.Equal(Tags(before), Tags(after));
    }

    [Fact]
    public async Task An_exported_company_deleted_and_imported_from_the_export_comes_back_with_the_same_values()
    {
        var marker = $"rt{Guid.NewGuid():N}"[..12];
        var created = await Admin.PostAsJsonAsync("/api/v1/companies", new { name = $"=SUM {marker}", domain = $"{marker}.example", industry = "-Software", tags = new[] { "@key" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var before = await created.Content.ReadFromJsonAsync<JsonElement>();

        var csv = await Admin.GetByteArrayAsync($"/api/v1/companies/export?search={marker}");
        await DeleteAsync($"/api/v1/companies/{before.GetProperty("id").GetGuid()}");

        await ImportAsync(csv, "Company");

        var after = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/companies?search={marker}")).GetProperty("items").EnumerateArray().Single();
        after = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/companies/{after.GetProperty("id").GetGuid()}");
        foreach (var field in new[] { "name", "domain", "industry" })
        {
            Assert.Equal(before.GetProperty(field).GetString(), after.GetProperty(field).GetString());
        }

        Assert.Equal(Tags(before), Tags(after));
    }

    [Fact]
    public async Task An_exported_deal_deleted_and_imported_from_the_export_comes_back_with_the_same_values()
    {
        var marker = $"rt{Guid.NewGuid():N}"[..12];
        var created = await Admin.PostAsJsonAsync("/api/v1/deals", new { name = $"+Upsell {marker}", amount = 1234.5m, currency = "EUR", closeDate = "2027-01-15", tags = new[] { "=q1" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var before = await created.Content.ReadFromJsonAsync<JsonElement>();

        var csv = await Admin.GetByteArrayAsync($"/api/v1/deals/export?search={marker}");
        await DeleteAsync($"/api/v1/deals/{before.GetProperty("id").GetGuid()}");

        await ImportAsync(csv, "Deal");

        var after = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/deals?search={marker}")).GetProperty("items").EnumerateArray().Single();
        after = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/deals/{after.GetProperty("id").GetGuid()}");
        foreach (var field in new[] { "name", "currency", "closeDate", "status" })
        {
            Assert.Equal(before.GetProperty(field).ToString(), after.GetProperty(field).ToString());
        }

        Assert.Equal(before.GetProperty("pipeline").GetProperty("id").GetGuid(), after.GetProperty("pipeline").GetProperty("id").GetGuid());
        Assert.Equal(before.GetProperty("stage").GetProperty("id").GetGuid(), after.GetProperty("stage").GetProperty("id").GetGuid());

        Assert.Equal(before.GetProperty("amount").GetDecimal(), after.GetProperty("amount").GetDecimal());
        Assert.Equal(Tags(before), Tags(after));
    }

    private static string[] Tags(JsonElement record) => [.. record.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal)];

    private async Task DeleteAsync(string path)
    {
        var deleted = await Admin.DeleteAsync(path);
        Assert.True(deleted.IsSuccessStatusCode, $"{path}: {(int)deleted.StatusCode} {await deleted.Content.ReadAsStringAsync()}");
    }

    /// <summary>Imports <paramref name="csv"/> with the mapping Monfri suggests from its headers and waits for it to finish.</summary>
    private async Task ImportAsync(byte[] csv, string objectType)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(csv);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "export.csv");
        form.Add(new StringContent(objectType), "objectType");
        var posted = await Admin.PostAsync("/api/v1/imports", form);
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement job;
        do
        {
            await Task.Delay(100);
            job = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/imports/{id}");
        }
        while (job.GetProperty("status").GetString() is not ("Completed" or "Failed") && DateTime.UtcNow < deadline);

        var issues = await Admin.GetStringAsync($"/api/v1/imports/{id}/issues.csv");
        Assert.True((job.GetProperty("status").GetString(), job.GetProperty("created").GetInt32(), job.GetProperty("failed").GetInt32()) == ("Completed", 1, 0), issues);
    }
}
