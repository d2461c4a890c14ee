using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.ListDeals;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;

namespace Monfri.Application.Tests.Crm.Deals;

public sealed class DealListTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(DealListTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_deals_list_filters_on_custom_fields_typed_like_the_stored_values()
    {
        var (_, rep) = await _app.CreateUserAsync("Rita", Roles.Sales);
        await _app.AddDealFieldAsync("tier", "Tier", CustomFieldType.SingleSelect, "Gold", "Silver");
        await _app.AddDealFieldAsync("seats", "Seats", CustomFieldType.Number);
        await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Gold 50", CustomFields = new Dictionary<string, object?> { ["tier"] = "Gold", ["seats"] = 50 } });
        await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Gold 10", CustomFields = new Dictionary<string, object?> { ["tier"] = "Gold", ["seats"] = 10 } });
        await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Silver 50", CustomFields = new Dictionary<string, object?> { ["tier"] = "Silver", ["seats"] = 50 } });
        await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "No fields" });

        var gold = await _app.SendAs(rep, new ListDealsQuery(new DealFilter { CustomFields = new Dictionary<string, string> { ["tier"] = "Gold" } }, "name"));
        var goldFifty = await _app.SendAs(rep, new ListDealsQuery(new DealFilter { CustomFields = new Dictionary<string, string> { ["tier"] = "Gold", ["seats"] = "50" } }));

        ResultAssert.Status(ResultStatus.Ok, gold);
        Assert.Equal(["Gold 10", "Gold 50"], gold.Value.Items.Select(d => d.Name));
        Assert.Equal(2, gold.Value.TotalCount);
        Assert.Equal("Gold", gold.Value.Items[0].CustomFields["tier"]?.ToString());
        Assert.Equal("Gold 50", Assert.Single(goldFifty.Value.Items).Name);
    }

    [Fact]
    public async Task A_custom_field_filter_on_an_unknown_field_or_a_bad_option_is_refused()
    {
        var (_, rep) = await _app.CreateUserAsync("Sam", Roles.Sales);
        await _app.AddDealFieldAsync("tier", "Tier", CustomFieldType.SingleSelect, "Gold", "Silver");

        var result = await _app.SendAs(rep, new ListDealsQuery(new DealFilter { CustomFields = new Dictionary<string, string> { ["tier"] = "Bronze", ["nope"] = "x" } }));

        ResultAssert.Status(ResultStatus.Invalid, result);
        Assert.Equal(["customFields.nope", "customFields.tier"], result.Errors.Select(e => e.Field!).Order(StringComparer.Ordinal));
    }
}
