using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monfri.Application.Users;
using Monfri.Domain.Common;

namespace Monfri.Web.Tests.Http;

public sealed class ReportApiTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private async Task<HttpClient> NewUserAsync(params string[] roles)
    {
        var created = await factory.ClientWithToken(MonfriWebFactory.AdminToken).PostAsJsonAsync("/api/v1/users",
            new { email = $"r{Guid.NewGuid():N}@web.test", displayName = "Api Reader", password = "api-user-password", roles });
        var user = (await created.Content.ReadFromJsonAsync<UserDto>())!;
        using var scope = factory.Services.CreateScope();
        var token = await scope.ServiceProvider.GetRequiredService<Monfri.Application.Common.Security.IIdentityService>()
            .CreateApiTokenAsync(user.Id, "test", null, CancellationToken.None);
        return factory.ClientWithToken(token.Value.Secret);
    }

    [Fact]
    public async Task Reports_are_served_as_json_with_the_pages_parameters_and_listed_in_the_openapi_document()
    {
        var manager = await NewUserAsync(Roles.Manager);
        var deal = await factory.ClientWithToken(MonfriWebFactory.AdminToken).PostAsJsonAsync("/api/v1/deals", new { name = "Api report deal", amount = 300, currency = "CHF" });
        Assert.Equal(HttpStatusCode.Created, deal.StatusCode);

        var pipeline = await manager.GetFromJsonAsync<JsonElement>("/api/v1/reports/pipeline", ApiJson.Options);
        var winRates = await manager.GetFromJsonAsync<JsonElement>("/api/v1/reports/win-rates?from=2020-01-01&to=2020-01-31&groupBy=FirstTouchChannel", ApiJson.Options);
        var backwards = await manager.GetAsync("/api/v1/reports/forecast?from=2026-03-31&to=2026-03-01");
        var attribution = await (await NewUserAsync(Roles.Sales)).GetAsync("/api/v1/reports/attribution");
        var document = await factory.ClientWithToken(null).GetFromJsonAsync<JsonElement>("/openapi/v1.json", ApiJson.Options);

        Assert.Contains(pipeline.GetProperty("stages").EnumerateArray().SelectMany(s => s.GetProperty("byCurrency").EnumerateArray()),
            m => m.GetProperty("currency").GetString() == "CHF" && m.GetProperty("amount").GetDecimal() == 300);
        Assert.Equal("FirstTouchChannel", winRates.GetProperty("dimension").GetString());
        Assert.Equal(JsonValueKind.Null, winRates.GetProperty("total").GetProperty("winRate").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("ends before it starts", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, attribution.StatusCode);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/reports/attribution", paths);
        Assert.Contains("/api/v1/reports/time-in-stage", paths);
    }
}
