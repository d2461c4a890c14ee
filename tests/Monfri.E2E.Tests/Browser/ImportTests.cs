using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

public sealed class ImportTests(MonfriAppFixture fixture) : IClassFixture<MonfriAppFixture>
{
    [Fact]
    public async Task A_user_uploads_a_csv_maps_a_column_imports_and_sees_the_bad_row_with_its_reason()
    {
        var file = Path.Combine(Path.GetTempPath(), $"contacts-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, """
            First name,Last name,E-mail,Role at company
            Ada,Lovelace,ada@e2e-import.test,Countess
            Bob,Broken,bob@,Builder
            Cy,Clear,cy@e2e-import.test,Engineer
            """);
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);

        await BrowserFixture.GotoAsync(page, "/contacts");
        await page.ClickAsync("a[href='/import/contacts']");
        // Blazor's InputFile listens for "change" only once its JS init ran after the first render (it then
        // numbers files from _blazorInputFileNextFileId); a file chosen before that is silently missed.
        await page.WaitForFunctionAsync(
            "() => document.querySelector('input[type=file]')?._blazorInputFileNextFileId !== undefined", null, new() { Timeout = 30_000 });
        await page.SetInputFilesAsync("input[type=file]", file);
        await page.WaitForSelectorAsync("[data-testid=import-preview] >> text=bob@", new() { Timeout = 60_000 });
        Assert.Contains("3 rows", await page.TextContentAsync("[data-testid=import-format]") ?? "", StringComparison.Ordinal);

        // "Role at company" has no obvious field: map it to the job title by hand.
        await page.ClickAsync("[data-testid=import-preview] th:nth-child(4) .mud-select");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Job title')");
        // The server closes the list once it has taken the choice; starting before that (a busy machine) imports
        // without the mapping.
        await page.WaitForSelectorAsync(".mud-popover-open .mud-list-item", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        await page.ClickAsync("[data-testid=start-import]");

        await page.WaitForSelectorAsync("[data-testid=import-status]:has-text('Done')", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Equal("2", (await page.TextContentAsync("[data-testid=count-created]"))?.Trim());
        Assert.Equal("1", (await page.TextContentAsync("[data-testid=count-rejected]"))?.Trim());
        var issues = page.Locator("[data-testid=import-issues] tbody tr");
        Assert.Equal(1, await issues.CountAsync());
        Assert.Contains("Row 2", await issues.First.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("'bob@' is not a valid email address.", await issues.First.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("[data-testid=download-report]").CountAsync());

        var contacts = await fixture.App.AdminClient().GetFromJsonAsync<JsonElement>("/api/v1/contacts?search=ada@e2e-import.test");
        Assert.Equal("Countess", contacts.GetProperty("items")[0].GetProperty("jobTitle").GetString());
        File.Delete(file);
    }
}
