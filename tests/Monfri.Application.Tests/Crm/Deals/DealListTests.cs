using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.GetDealTotals;
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

    [Fact]
    public async Task Deal_totals_add_up_every_deal_the_filter_matches_per_currency_not_just_one_page()
    {
        var (_, rita) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var (_, mia) = await _app.CreateUserAsync("Mia", Roles.Manager);
        var pipeline = await _app.DefaultPipelineAsync();
        var (qualification, proposal) = (pipeline.Stage("Qualification"), pipeline.Stage("Proposal"));
        for (var i = 0; i < 30; i++)
        {
            await _app.CreateDealAsync(rita, new CreateDealCommand { Name = $"Renewal {i}", Amount = 100.50m, Currency = "EUR", StageId = proposal.Id, Tags = ["q4"] });
        }

        await _app.CreateDealAsync(rita, new CreateDealCommand { Name = "No amount", Currency = "EUR", StageId = qualification.Id, Tags = ["q4"] });
        await _app.CreateDealAsync(rita, new CreateDealCommand { Name = "Dollar deal", Amount = 500m, Currency = "USD", StageId = qualification.Id, Tags = ["q4"] });
        await _app.CreateDealAsync(rita, new CreateDealCommand { Name = "Untagged", Amount = 999m, Currency = "EUR", StageId = qualification.Id });
        var q4 = new DealFilter { Tag = "q4" };

        var totals = await _app.SendAs(mia, new GetDealTotalsQuery(q4));
        var page = await _app.SendAs(mia, new ListDealsQuery(q4, PageSize: 25));

        ResultAssert.Status(ResultStatus.Ok, totals);
        Assert.Equal(32, totals.Value.Count);
        Assert.Equal(page.Value.TotalCount, totals.Value.Count);
        Assert.Equal(25, page.Value.Items.Count);
        Assert.Equal(
            [
                new DealCurrencyTotal("EUR", 31, 30 * 100.50m, 30 * 100.50m * proposal.Probability / 100m),
                new DealCurrencyTotal("USD", 1, 500m, 500m * qualification.Probability / 100m),
            ],
            totals.Value.ByCurrency);
        // The page's weighted column and the totals weigh the same way.
        Assert.All(page.Value.Items.Where(d => d.Currency == "EUR" && d.Amount is not null), d => Assert.Equal(100.50m * proposal.Probability / 100m, d.WeightedAmount));
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_totals_only_their_own_deals()
    {
        var (_, rita) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var (_, sam) = await _app.CreateUserAsync("Sam", Roles.Sales);
        var (_, mia) = await _app.CreateUserAsync("Mia", Roles.Manager);
        await _app.CreateDealAsync(rita, new CreateDealCommand { Name = "Rita's", Amount = 100m, Currency = "EUR" });
        await _app.CreateDealAsync(sam, new CreateDealCommand { Name = "Sam's", Amount = 7000m, Currency = "EUR" });
        await _app.CreateDealAsync(sam, new CreateDealCommand { Name = "Sam's other", Amount = 3000m, Currency = "EUR" });
        await _app.RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            var ritas = await _app.SendAs(rita, new GetDealTotalsQuery(new DealFilter()));
            var managers = await _app.SendAs(mia, new GetDealTotalsQuery(new DealFilter()));

            Assert.Equal(1, ritas.Value.Count);
            Assert.Equal(100m, Assert.Single(ritas.Value.ByCurrency).Amount);
            Assert.Equal(3, managers.Value.Count);
            Assert.Equal(10_100m, Assert.Single(managers.Value.ByCurrency).Amount);
        }
        finally
        {
            await _app.RepsSeeOnlyOwnRecordsAsync(false);
        }
    }
}
