using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Monfri.Web.Tests.Http;

public sealed class ImportApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private static MultipartFormDataContent Upload(string csv, string objectType, string? mode = null, string? mapping = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "api-contacts.csv");
        form.Add(new StringContent(objectType), "objectType");
        if (mode is not null)
        {
            form.Add(new StringContent(mode), "mode");
        }

        if (mapping is not null)
        {
            form.Add(new StringContent(mapping), "mapping");
        }

        return form;
    }

    [Fact]
    public async Task A_file_posted_to_the_api_is_imported_and_its_report_lists_each_rejected_row_with_its_values()
    {
        var client = factory.ClientWithToken(MonfriWebFactory.AdminToken);

        var posted = await client.PostAsync("/api/v1/imports", Upload("Given,Mail\nAda,ada@api-import.test\nBob,bob@\n", "Contact", "SkipDuplicates", """{"Given":"firstName","Mail":"email"}"""));

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var job = await posted.Content.ReadFromJsonAsync<JsonElement>();
        var id = job.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/imports/{id}", posted.Headers.Location?.OriginalString);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (job.GetProperty("status").GetString() is not ("Completed" or "Failed") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/imports/{id}");
        }

        Assert.Equal(("Completed", 1, 1), (job.GetProperty("status").GetString(), job.GetProperty("created").GetInt32(), job.GetProperty("failed").GetInt32()));
        var report = await client.GetAsync($"/api/v1/imports/{id}/issues.csv");
        Assert.Equal("text/csv", report.Content.Headers.ContentType?.MediaType);
        var lines = (await report.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["Row,Outcome,Reason,Given,Mail", "2,rejected,'bob@' is not a valid email address.,Bob,bob@"], lines);

        // A month later the uploaded file is gone; the job and its reasons stay, the report lists them without values.
        var retention = factory.Services.GetRequiredService<Monfri.Infrastructure.Import.ImportFileRetention>();
        Assert.Equal(0, await retention.RunOnceAsync(CancellationToken.None));
        await AgeAsync(id, 31);
        Assert.Equal(1, await retention.RunOnceAsync(CancellationToken.None));
        var later = (await client.GetStringAsync($"/api/v1/imports/{id}/issues.csv")).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["Row,Outcome,Reason", "2,rejected,'bob@' is not a valid email address."], later);
        Assert.Equal("Completed", (await client.GetFromJsonAsync<JsonElement>($"/api/v1/imports/{id}")).GetProperty("status").GetString());
    }

    /// <summary>Moves the job's finish back by some days.</summary>
    private async Task AgeAsync(Guid id, int days)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<Monfri.Application.Common.Persistence.IMonfriDbFactory>().CreateAsync();
        await db.Database.ExecuteSqlAsync($"UPDATE import_jobs SET finished_at = finished_at - make_interval(days => {days}) WHERE id = {id}");
    }

    [Fact]
    public async Task A_file_without_the_required_columns_is_refused_with_a_validation_problem()
    {
        var response = await factory.ClientWithToken(MonfriWebFactory.AdminToken).PostAsync("/api/v1/imports", Upload("Phone,City\n+1 555,Paris\n", "Contact"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Map at least one column", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deals_posted_to_the_api_are_created_in_the_named_stage_and_bad_rows_are_reported()
    {
        var client = factory.ClientWithToken(MonfriWebFactory.AdminToken);

        var posted = await client.PostAsync("/api/v1/imports", Upload("Deal name,Amount,Stage\nApi deal,250,Proposal\nApi bad,-1,\n", "Deal"));

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var job = await posted.Content.ReadFromJsonAsync<JsonElement>();
        var id = job.GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (job.GetProperty("status").GetString() is not ("Completed" or "Failed") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/imports/{id}");
        }

        Assert.Equal(("Completed", 1, 1), (job.GetProperty("status").GetString(), job.GetProperty("created").GetInt32(), job.GetProperty("failed").GetInt32()));
        var report = await client.GetAsync($"/api/v1/imports/{id}/issues.csv");
        var lines = (await report.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["Row,Outcome,Reason,Deal name,Amount,Stage", "2,rejected,The amount cannot be negative.,Api bad,-1,"], lines);
    }

    [Fact]
    public async Task A_deal_import_in_update_mode_is_refused_with_a_validation_problem()
    {
        var response = await factory.ClientWithToken(MonfriWebFactory.AdminToken).PostAsync("/api/v1/imports", Upload("Name\nAlpha\n", "Deal", "UpdateExisting"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
