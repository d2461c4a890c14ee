using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Monfri.Web.Tests.Http;

public sealed class MergeApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private readonly HttpClient _admin = factory.ClientWithToken(MonfriWebFactory.AdminToken);

    private async Task<JsonElement> PostAsync(string url, object body)
    {
        var response = await _admin.PostAsJsonAsync(url, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Two_contacts_listed_as_a_pair_are_merged_through_the_api_and_a_replay_is_a_conflict()
    {
        var company = await PostAsync("/api/v1/companies", new { name = "Api Pair Co" });
        var first = await PostAsync("/api/v1/contacts", new { firstName = "Paula", lastName = "Pair", email = "paula@api-pair.test", companyId = company.GetProperty("id").GetGuid() });
        var second = await PostAsync("/api/v1/contacts", new { firstName = "Paula", lastName = "Pair", email = "p.pair@api-pair.test", phone = "+44 20 0000", companyId = company.GetProperty("id").GetGuid() });

        var pairs = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/contacts/duplicate-pairs?pageSize=200");
        var pair = pairs.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("b").GetProperty("id").GetGuid() == second.GetProperty("id").GetGuid());
        Assert.Equal("Same name at the same company", pair.GetProperty("reasons")[0].GetString());

        var body = new
        {
            survivorId = first.GetProperty("id").GetGuid(),
            absorbedId = second.GetProperty("id").GetGuid(),
            chosenValues = new Dictionary<string, string> { ["email"] = "Absorbed" },
            survivorVersion = first.GetProperty("version").GetUInt32(),
            absorbedVersion = second.GetProperty("version").GetUInt32(),
        };
        var merged = await PostAsync("/api/v1/contacts/merge", body);

        Assert.Equal("p.pair@api-pair.test", merged.GetProperty("email").GetString());
        Assert.Equal("+44 20 0000", merged.GetProperty("phone").GetString());
        Assert.Equal(["paula@api-pair.test"], merged.GetProperty("otherEmails").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/api/v1/contacts/{second.GetProperty("id").GetGuid()}")).StatusCode);
        var replay = await _admin.PostAsJsonAsync("/api/v1/contacts/merge", body);
        Assert.Equal(HttpStatusCode.NotFound, replay.StatusCode);
        var self = await _admin.PostAsJsonAsync("/api/v1/contacts/merge", body with { absorbedId = body.survivorId });
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
    }

    [Fact]
    public async Task A_contact_merge_is_in_the_profiles_merge_history_and_is_undone_once_through_the_api()
    {
        var first = await PostAsync("/api/v1/contacts", new { firstName = "Una", lastName = "Undo", email = "una@api-undo.test" });
        var second = await PostAsync("/api/v1/contacts", new { firstName = "Una", lastName = "Undo", email = "u.undo@api-undo.test" });
        var (survivor, absorbed) = (first.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid());
        await PostAsync("/api/v1/contacts/merge", new
        {
            survivorId = survivor, absorbedId = absorbed,
            survivorVersion = first.GetProperty("version").GetUInt32(), absorbedVersion = second.GetProperty("version").GetUInt32(),
        });

        var history = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/profiles/email:una@api-undo.test/merges");
        var merge = history.GetProperty("merges").EnumerateArray().Single();
        Assert.Equal(absorbed, merge.GetProperty("loserId").GetGuid());
        var undo = $"/api/v1/profile-merges/{merge.GetProperty("id").GetGuid()}/undo";
        var undone = await PostAsync(undo, new { });

        Assert.Equal(absorbed, undone.GetProperty("loserId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync($"/api/v1/contacts/{absorbed}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _admin.PostAsJsonAsync(undo, new { })).StatusCode);
        var document = await _admin.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/profile-merges/{id}/undo", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/profiles/{identity}/merges", out _));
    }

    [Fact]
    public async Task Companies_are_found_as_duplicates_and_merged_through_the_api()
    {
        var keep = await PostAsync("/api/v1/companies", new { name = "Umbrella Corporation", domain = "umbrella-api.test" });
        var gone = await PostAsync("/api/v1/companies", new { name = "UMBRELLA", industry = "Pharma" });

        var found = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/companies/duplicates?name=Umbrella%20Corp.&excludeId={keep.GetProperty("id").GetGuid()}");
        Assert.Equal(gone.GetProperty("id").GetGuid(), found.EnumerateArray().Single().GetProperty("id").GetGuid());
        var preview = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/companies/merge-preview?a={keep.GetProperty("id").GetGuid()}&b={gone.GetProperty("id").GetGuid()}");
        var versions = (preview.GetProperty("a").GetProperty("version").GetUInt32(), preview.GetProperty("b").GetProperty("version").GetUInt32());

        var merged = await PostAsync("/api/v1/companies/merge", new
        {
            survivorId = keep.GetProperty("id").GetGuid(),
            absorbedId = gone.GetProperty("id").GetGuid(),
            chosenValues = new Dictionary<string, string>(),
            survivorVersion = versions.Item1,
            absorbedVersion = versions.Item2,
        });

        Assert.Equal("Umbrella Corporation", merged.GetProperty("name").GetString());
        Assert.Equal("Pharma", merged.GetProperty("industry").GetString());
        var stale = await _admin.PostAsJsonAsync("/api/v1/companies/merge", new
        {
            survivorId = keep.GetProperty("id").GetGuid(),
            absorbedId = (await PostAsync("/api/v1/companies", new { name = "Umbrella Ltd" })).GetProperty("id").GetGuid(),
            chosenValues = new Dictionary<string, string>(),
            survivorVersion = versions.Item1,
            absorbedVersion = 1u,
        });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
    }
}
