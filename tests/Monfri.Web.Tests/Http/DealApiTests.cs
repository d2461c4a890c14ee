using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monfri.Application.Common.Paging;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Pipelines;
using Monfri.Application.Users;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Web.Tests.Http;

public sealed class DealApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private HttpClient Admin => factory.ClientWithToken(MonfriWebFactory.AdminToken);

    private async Task<string> TokenForNewUserAsync(params string[] roles)
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/users", new { email = $"u{Guid.NewGuid():N}@web.test", displayName = "API user", password = "api-user-password", roles });
        var user = (await created.Content.ReadFromJsonAsync<UserDto>(ApiJson.Options))!;
        using var scope = factory.Services.CreateScope();
        var token = await scope.ServiceProvider.GetRequiredService<Monfri.Application.Common.Security.IIdentityService>()
            .CreateApiTokenAsync(user.Id, "test", null, CancellationToken.None);
        return token.Value.Secret;
    }

    private async Task<PipelineDto> SalesPipelineAsync() =>
        (await Admin.GetFromJsonAsync<List<PipelineDto>>("/api/v1/pipelines", ApiJson.Options))!.Single(p => p.Name == "Sales pipeline");

    [Fact]
    public async Task A_deal_is_created_listed_read_updated_moved_and_deleted_over_the_api()
    {
        var pipeline = await SalesPipelineAsync();
        var name = $"API deal {Guid.NewGuid():N}";

        var created = await Admin.PostAsJsonAsync("/api/v1/deals", new { name, amount = 2500, currency = "GBP", closeDate = "2030-04-30", tags = new[] { "api" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var deal = (await created.Content.ReadFromJsonAsync<DealDetail>(ApiJson.Options))!;
        Assert.Equal($"/api/v1/deals/{deal.Id}", created.Headers.Location!.OriginalString);
        Assert.Equal("Qualification", deal.Stage.Name);

        var page = await Admin.GetFromJsonAsync<Page<DealListItem>>($"/api/v1/deals?search={Uri.EscapeDataString(name)}&pipelineId={pipeline.Id}&amountMin=2000&closeDateTo=2030-12-31&tag=api&sortBy=amount&direction=Descending&pageSize=10", ApiJson.Options);
        Assert.Equal(deal.Id, Assert.Single(page!.Items).Id);

        var updated = await Admin.PutAsJsonAsync($"/api/v1/deals/{deal.Id}", new { version = deal.Version, name = name + " (signed)", amount = 3000, currency = "GBP", ownerId = deal.Owner?.Id });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var afterUpdate = (await updated.Content.ReadFromJsonAsync<DealDetail>(ApiJson.Options))!;

        var moved = await Admin.PostAsJsonAsync($"/api/v1/deals/{deal.Id}/move", new { stageId = pipeline.Stages.Single(s => s.Kind == StageKind.Won).Id, expectedStageId = deal.Stage.Id, version = afterUpdate.Version });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(DealStatus.Won, (await moved.Content.ReadFromJsonAsync<DealSnapshot>(ApiJson.Options))!.Status);

        var read = await Admin.GetFromJsonAsync<DealDetail>($"/api/v1/deals/{deal.Id}", ApiJson.Options);
        Assert.Equal(["Qualification", "Won"], read!.StageHistory.Select(v => v.StageName));
        Assert.Equal(3000m, read.WeightedAmount);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/deals/{deal.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/v1/deals/{deal.Id}")).StatusCode);
    }

    [Fact]
    public async Task Invalid_deals_are_400_problem_details_with_errors_per_field()
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/deals", new { name = "", amount = -1, currency = "EURO" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("errors");
        Assert.Equal("The amount cannot be negative.", errors.GetProperty("amount")[0].GetString());
        Assert.Equal("Give the deal a name.", errors.GetProperty("name")[0].GetString());
        Assert.Equal("The currency is a 3-letter code such as EUR or USD.", errors.GetProperty("currency")[0].GetString());

        var unknownStage = await Admin.PostAsJsonAsync("/api/v1/deals", new { name = "Lost in space", stageId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, unknownStage.StatusCode);
        var stageErrors = (await unknownStage.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("errors");
        Assert.Equal("That stage does not exist.", stageErrors.GetProperty("stageId")[0].GetString());

        var impossibleDate = await Admin.PostAsync("/api/v1/deals", new StringContent("{\"name\":\"Feb\",\"closeDate\":\"2030-02-30\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, impossibleDate.StatusCode);
    }

    [Fact]
    public async Task A_stale_update_or_move_is_409_and_marketing_is_403()
    {
        var pipeline = await SalesPipelineAsync();
        var deal = (await (await Admin.PostAsJsonAsync("/api/v1/deals", new { name = "Contended" })).Content.ReadFromJsonAsync<DealDetail>(ApiJson.Options))!;
        Assert.Equal(HttpStatusCode.OK, (await Admin.PutAsJsonAsync($"/api/v1/deals/{deal.Id}", new { version = deal.Version, name = "Contended v2" })).StatusCode);

        var stale = await Admin.PutAsJsonAsync($"/api/v1/deals/{deal.Id}", new { version = deal.Version, name = "Contended v3" });
        var staleMove = await Admin.PostAsJsonAsync($"/api/v1/deals/{deal.Id}/move", new { stageId = pipeline.Stages[1].Id, expectedStageId = deal.Stage.Id, version = deal.Version });

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("since you opened it", (await stale.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, staleMove.StatusCode);

        var marketing = factory.ClientWithToken(await TokenForNewUserAsync(Roles.Marketing));
        Assert.Equal(HttpStatusCode.OK, (await marketing.GetAsync($"/api/v1/deals/{deal.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketing.PostAsJsonAsync("/api/v1/deals", new { name = "Nope" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketing.PutAsJsonAsync($"/api/v1/pipelines/{pipeline.Id}", new { name = "Hijacked", noSkippingStages = false, noMovingBackwards = false })).StatusCode);
    }

    [Fact]
    public async Task Pipelines_are_created_and_changed_over_the_api_and_documented()
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/pipelines", new { name = $"API pipeline {Guid.NewGuid():N}"[..30], stages = new[] { new { name = "Lead", probability = 10 }, new { name = "Deal", probability = 60 } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var pipeline = (await created.Content.ReadFromJsonAsync<PipelineDto>(ApiJson.Options))!;

        var renamed = await Admin.PutAsJsonAsync($"/api/v1/pipelines/{pipeline.Id}", new { name = pipeline.Name + "!", noSkippingStages = true, noMovingBackwards = true });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.True((await renamed.Content.ReadFromJsonAsync<PipelineDto>(ApiJson.Options))!.NoSkippingStages);
        var bad = await Admin.PostAsJsonAsync($"/api/v1/pipelines/{pipeline.Id}/stages", new { name = "Odd", probability = 150 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>(ApiJson.Options)).GetProperty("errors").TryGetProperty("probability", out _));

        var document = await factory.ClientWithToken(null).GetFromJsonAsync<JsonElement>("/openapi/v1.json", ApiJson.Options);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/deals", "/api/v1/deals/{id}", "/api/v1/deals/{id}/move", "/api/v1/pipelines", "/api/v1/pipelines/{id}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task The_deals_export_is_a_csv_of_the_filtered_list_that_neutralises_formulas()
    {
        var marker = $"dx{Guid.NewGuid():N}"[..10];
        var field = $"region_{marker}";
        (await Admin.PostAsJsonAsync("/api/v1/custom-fields", new { objectType = "Deal", key = field, label = $"Region {marker}", type = "Text", options = Array.Empty<string>() }, ApiJson.Options)).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync("/api/v1/deals", new { name = $"=HYPERLINK(\"http://evil\") {marker}", amount = 1200.5m, currency = "EUR", tags = new[] { "a", "b" },
            customFields = new Dictionary<string, object?> { [field] = "North, \"upper\"" } })).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync("/api/v1/deals", new { name = $"South {marker}", customFields = new Dictionary<string, object?> { [field] = "South" } })).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync("/api/v1/deals", new { name = "Unrelated deal" })).EnsureSuccessStatusCode();

        var response = await Admin.GetAsync($"/api/v1/deals/export?search={marker}&cf={field}:{Uri.EscapeDataString("North, \"upper\"")}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Name,Amount,Currency,Pipeline,Stage,Status,Close date,Owner,Company,Tags,", lines[0], StringComparison.Ordinal);
        Assert.Contains($"Region {marker}", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(",Created", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"\"'=HYPERLINK(\"\"http://evil\"\") {marker}\",1200.50,EUR,Sales pipeline,Qualification,Open,,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",a;b,", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"North, \"\"upper\"\"\"", lines[1], StringComparison.Ordinal);

        var badFilter = await Admin.GetAsync($"/api/v1/deals/export?cf=nope_{marker}:x");
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
    }
}
