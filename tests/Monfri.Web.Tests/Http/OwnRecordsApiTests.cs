using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monfri.Domain.Common;

namespace Monfri.Web.Tests.Http;

/// <summary>"Reps see only their own records" over the REST API: what a duplicate tells a rep who may not see the original.</summary>
public sealed class OwnRecordsApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    private async Task<(Guid Id, HttpClient Client)> RepAsync(string name)
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/users", new { email = $"{name}{Guid.NewGuid():N}@web.test", displayName = name, password = "rep-user-password", roles = new[] { Roles.Sales } });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var scope = factory.Services.CreateScope();
        var token = await scope.ServiceProvider.GetRequiredService<Monfri.Application.Common.Security.IIdentityService>()
            .CreateApiTokenAsync(id, "rep", null, CancellationToken.None);
        return (id, factory.ClientWithToken(token.Value.Secret));
    }

    private async Task RepsSeeOnlyOwnRecordsAsync(bool on)
    {
        var settings = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/settings/workspace");
        var saved = await Admin.PutAsJsonAsync("/api/v1/settings/workspace", new
        {
            repsSeeOnlyOwnRecords = on,
            lifecycleStages = settings.GetProperty("lifecycleStages"),
            defaultCurrency = settings.GetProperty("defaultCurrency").GetString(),
            version = settings.GetProperty("version").GetUInt32(),
        });
        saved.EnsureSuccessStatusCode();
    }

    private static async Task<Guid> IdOf(HttpResponseMessage created)
    {
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_rep_reusing_the_email_of_a_contact_they_cannot_see_is_told_it_exists_without_its_id_or_name()
    {
        var (_, ben) = await RepAsync("Benedict");
        var (_, ann) = await RepAsync("Ann");
        var email = $"secret.{Guid.NewGuid():N}@example.test";
        var hidden = await IdOf(await ben.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Zebulon", lastName = "Hiddenfield", email }));
        await RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            var duplicate = await ann.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Other", email });

            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
            var detail = (await duplicate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
            Assert.DoesNotContain(hidden.ToString(), detail, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Zebulon", detail, StringComparison.Ordinal);
            Assert.DoesNotContain("Hiddenfield", detail, StringComparison.Ordinal);
            Assert.Contains("you cannot see", detail, StringComparison.Ordinal);
            Assert.Contains("Benedict", detail, StringComparison.Ordinal); // whom to ask

            // Someone who may see it is still pointed at it.
            var adminDuplicate = await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Other", email });
            Assert.Equal(HttpStatusCode.Conflict, adminDuplicate.StatusCode);
            Assert.Contains(hidden.ToString(), await adminDuplicate.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await RepsSeeOnlyOwnRecordsAsync(false);
        }
    }

    [Fact]
    public async Task A_rep_reusing_the_domain_of_a_company_they_cannot_see_is_told_it_exists_without_its_id_or_name()
    {
        var (_, ben) = await RepAsync("Benedict");
        var (_, ann) = await RepAsync("Ann");
        var domain = $"hidden-{Guid.NewGuid():N}.example";
        var hidden = await IdOf(await ben.PostAsJsonAsync("/api/v1/companies", new { name = "Zebulon Holdings", domain }));
        await RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            var duplicate = await ann.PostAsJsonAsync("/api/v1/companies", new { name = "Mine", domain });

            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
            var detail = (await duplicate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
            Assert.DoesNotContain(hidden.ToString(), detail, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Zebulon", detail, StringComparison.Ordinal);
            Assert.Contains("you cannot see", detail, StringComparison.Ordinal);
            Assert.Contains("Benedict", detail, StringComparison.Ordinal);

            var adminDuplicate = await Admin.PostAsJsonAsync("/api/v1/companies", new { name = "Mine", domain });
            Assert.Equal(HttpStatusCode.Conflict, adminDuplicate.StatusCode);
            Assert.Contains(hidden.ToString(), await adminDuplicate.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await RepsSeeOnlyOwnRecordsAsync(false);
        }
    }
}
