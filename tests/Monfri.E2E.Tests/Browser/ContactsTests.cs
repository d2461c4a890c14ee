using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

public sealed class ContactsTests(MonfriAppFixture fixture) : IClassFixture<MonfriAppFixture>
{
    private async Task<IPage> SignedInAdminAsync()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        return page;
    }

    [Fact]
    public async Task A_user_creates_a_contact_edits_it_sees_the_history_and_finds_it_with_global_search()
    {
        var page = await SignedInAdminAsync();
        var email = $"zora.{Guid.NewGuid():N}@e2e.test";
        await page.ClickAsync("a[href='/contacts']");
        await page.ClickAsync("[data-testid=new-contact]");

        await page.FillAsync("[data-testid=contact-first-name]", "Zora");
        await page.FillAsync("[data-testid=contact-last-name]", "Neale Hurston");
        await page.FillAsync("[data-testid=contact-email]", email);
        await page.ClickAsync("[data-testid=create-contact]");

        await page.WaitForSelectorAsync("[data-testid=contact-name]:has-text('Zora Neale Hurston')");

        // A note with formatting (and a script that must not survive), then a task.
        await page.FillAsync("[data-testid=activity-subject]", "Met at the book fair");
        await page.ClickAsync("[data-testid=activity-body]");
        await page.Keyboard.TypeAsync("Wants a signed copy <script>alert(1)</script>");
        await page.ClickAsync("[data-testid=activity-save]");
        await page.WaitForSelectorAsync("[data-testid=activity-list] >> text=Met at the book fair");
        Assert.Equal(0, await page.Locator("[data-testid=activity-list] script").CountAsync());
        await page.ClickAsync("[data-testid=activity-composer] .mud-tab:has-text('Task')");
        await page.WaitForSelectorAsync("[data-testid=activity-due]");
        await page.FillAsync("[data-testid=activity-subject]", "Send the signed copy");
        await page.ClickAsync("[data-testid=activity-save]");
        await page.WaitForSelectorAsync("[data-testid=activity-list] >> text=Send the signed copy");
        Assert.Equal(2, await page.Locator("[data-testid=activity-item]").CountAsync());

        await page.ClickAsync("[data-testid=edit-contact]");
        await page.FillAsync("[data-testid=contact-phone]", "+1 555 0100");
        await page.ClickAsync("[data-testid=save-contact]");
        await page.ClickAsync("text=History");
        await page.WaitForSelectorAsync("[data-testid=record-history] >> text=+1 555 0100");

        await BrowserFixture.GotoAsync(page, "/");
        await page.Keyboard.PressAsync("Control+k");
        await page.WaitForFunctionAsync("() => document.activeElement?.closest('[data-testid=global-search]') != null");
        await page.Keyboard.TypeAsync("neale hur", new() { Delay = 30 });
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Zora Neale Hurston')");
        await page.WaitForSelectorAsync("[data-testid=contact-name]:has-text('Zora Neale Hurston')");
        Assert.Contains("/contacts/", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_input_is_shown_on_the_field_and_a_duplicate_email_is_refused_with_a_message()
    {
        var existing = $"dup.{Guid.NewGuid():N}@e2e.test";
        (await fixture.App.AdminClient().PostAsJsonAsync("/api/v1/contacts", new { firstName = "Already", lastName = "Here", email = existing })).EnsureSuccessStatusCode();
        var page = await SignedInAdminAsync();
        await BrowserFixture.GotoAsync(page, "/contacts");
        await page.ClickAsync("[data-testid=new-contact]");

        await page.FillAsync("[data-testid=contact-first-name]", "Broken");
        await page.FillAsync("[data-testid=contact-email]", "not-an-email");
        await page.ClickAsync("[data-testid=create-contact]");
        await page.WaitForSelectorAsync("text=is not a valid email address");

        await page.FillAsync("[data-testid=contact-email]", existing);
        await page.ClickAsync("[data-testid=create-contact]");
        await page.WaitForSelectorAsync("[data-testid=possible-duplicates] >> text=Same email");
        await page.ClickAsync("[data-testid=create-contact]");
        var error = await page.WaitForSelectorAsync("[data-testid=create-contact-error]");
        Assert.Contains("already exists", await error!.TextContentAsync() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_searches_selects_and_tags_in_bulk()
    {
        var client = fixture.App.AdminClient();
        var marker = $"bulk{Guid.NewGuid():N}"[..12];
        foreach (var name in new[] { "One", "Two", "Three" })
        {
            (await client.PostAsJsonAsync("/api/v1/contacts", new { firstName = marker, lastName = name })).EnsureSuccessStatusCode();
        }

        var page = await SignedInAdminAsync();
        await BrowserFixture.GotoAsync(page, "/contacts");
        await page.FillAsync("[data-testid=contact-search]", marker);
        await page.WaitForSelectorAsync($"[data-testid=contacts-table] >> text={marker} Three");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=contacts-table] tbody tr').length === 3");
        await page.ClickAsync("[data-testid=contacts-table] thead input[type=checkbox]");
        await page.ClickAsync("[data-testid=bulk-bar] >> text=Add tag");
        await page.FillAsync("[data-testid=tag-input]", "conference");
        await page.ClickAsync("[data-testid=tag-ok]");
        await page.WaitForSelectorAsync("text=3 contact(s) tagged 'conference'.");

        var tagged = await client.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?tag=conference&search={marker}");
        Assert.Equal(3, tagged.GetProperty("totalCount").GetInt32());
    }
}
