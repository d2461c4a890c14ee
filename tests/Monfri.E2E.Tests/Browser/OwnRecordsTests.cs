using System.Net.Http.Json;
using System.Text.Json;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

/// <summary>"Reps see only their own records" holds in the browser too: hiding a link is not the protection.</summary>
public sealed class OwnRecordsTests(MonfriAppFixture fixture) : IClassFixture<MonfriAppFixture>
{
    private async Task<(Guid Id, string Email)> CreateRepAsync(string name)
    {
        var email = $"{name.ToLowerInvariant()}.{Guid.NewGuid():N}@e2e.test";
        var response = await fixture.App.AdminClient().PostAsJsonAsync("/api/v1/users", new { email, displayName = name, password = "rep-password-long", roles = new[] { "Sales" } });
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), email);
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_cannot_open_another_reps_deal_or_contact_by_url()
    {
        var admin = fixture.App.AdminClient();
        var alice = await CreateRepAsync("Alice");
        var bob = await CreateRepAsync("Bob");
        var pipeline = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines"))[0];
        var stageId = pipeline.GetProperty("stages")[0].GetProperty("id").GetGuid();
        var bobsDeal = await admin.PostAsJsonAsync("/api/v1/deals", new { name = "Bob's big deal", amount = 50000, stageId, ownerId = bob.Id });
        bobsDeal.EnsureSuccessStatusCode();
        var dealId = (await bobsDeal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var bobsContact = await admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Bob's", lastName = "Client", ownerId = bob.Id });
        var contactId = (await bobsContact.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var settings = await admin.GetFromJsonAsync<JsonElement>("/api/v1/settings/workspace");
        var saved = await admin.PutAsJsonAsync("/api/v1/settings/workspace", new
        {
            repsSeeOnlyOwnRecords = true,
            lifecycleStages = settings.GetProperty("lifecycleStages"),
            defaultCurrency = "EUR",
            version = settings.GetProperty("version").GetUInt32(),
        });
        saved.EnsureSuccessStatusCode();
        try
        {
            var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
            await BrowserFixture.SignInAsync(page, alice.Email, "rep-password-long");

            await BrowserFixture.GotoAsync(page, $"/deals/{dealId}");
            await page.WaitForSelectorAsync("[data-testid=deal-not-found]");
            Assert.Equal(0, await page.Locator("text=Bob's big deal").CountAsync());

            await BrowserFixture.GotoAsync(page, $"/contacts/{contactId}");
            await page.WaitForSelectorAsync("[data-testid=not-found]");
            Assert.Equal(0, await page.Locator("text=Bob's Client").CountAsync());

            var bobPage = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
            await BrowserFixture.SignInAsync(bobPage, bob.Email, "rep-password-long");
            await BrowserFixture.GotoAsync(bobPage, $"/deals/{dealId}");
            await bobPage.WaitForSelectorAsync("text=Bob's big deal");
        }
        finally
        {
            var current = await admin.GetFromJsonAsync<JsonElement>("/api/v1/settings/workspace");
            await admin.PutAsJsonAsync("/api/v1/settings/workspace", new
            {
                repsSeeOnlyOwnRecords = false,
                lifecycleStages = current.GetProperty("lifecycleStages"),
                defaultCurrency = "EUR",
                version = current.GetProperty("version").GetUInt32(),
            });
        }
    }
}
