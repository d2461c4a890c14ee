using System.Text.Json;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.DeleteDeal;
using Monfri.Application.Crm.Deals.GetDeal;
using Monfri.Application.Crm.Deals.ListDeals;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Application.Crm.Deals.UpdateDeal;
using Monfri.Application.Crm.Pipelines.CreatePipeline;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;

namespace Monfri.Application.Tests.Crm.Deals;

public sealed class DealTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(DealTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_rep_creates_a_deal_in_the_first_stage_of_the_default_pipeline_and_owns_it()
    {
        var (user, rep) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var company = await _app.AddCompanyAsync("Acme");
        var contact = await _app.AddContactAsync("Ada", "Lovelace");
        using var board = await _app.RecordPipelineAsync(pipeline.Id);

        var created = await _app.SendAs(rep, new CreateDealCommand
        {
            Name = "  Acme rollout ", Amount = 12_000m, Currency = "usd", CloseDate = new DateOnly(2030, 6, 30),
            CompanyId = company, ContactIds = [contact, contact], Tags = ["enterprise", " Enterprise ", "q3"],
        });

        ResultAssert.Status(ResultStatus.Ok, created);
        var deal = created.Value;
        Assert.Equal("Acme rollout", deal.Name);
        Assert.Equal("USD", deal.Currency);
        Assert.Equal("Qualification", deal.Stage.Name);
        Assert.Equal(DealStatus.Open, deal.Status);
        Assert.Equal(1_200m, deal.WeightedAmount);
        Assert.Equal(user.Id, deal.Owner!.Id);
        Assert.Equal("Acme", deal.Company!.Name);
        Assert.Equal("Ada Lovelace", Assert.Single(deal.Contacts).Name);
        Assert.Equal(["enterprise", "q3"], deal.Tags);
        Assert.Equal(["Qualification", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost"], deal.Pipeline.Stages.Select(s => s.Name));
        var visit = Assert.Single(deal.StageHistory);
        Assert.Null(visit.FromStageId);
        Assert.Null(visit.LeftAt);
        var published = await board.ExpectAsync(DealLive.Created, deal.Id);
        Assert.Equal(deal.Version, published.Version);
        Assert.Equal(deal.Stage.Id, published.StageId);
    }

    [Fact]
    public async Task Invalid_deals_are_refused_with_a_message_per_field()
    {
        var (_, rep) = await _app.CreateUserAsync("Sam", Roles.Sales);
        await _app.AddDealFieldAsync("tier", "Tier", CustomFieldType.SingleSelect, "Gold", "Silver");

        var result = await _app.SendAs(rep, new CreateDealCommand
        {
            Name = " ", Amount = -5m, Currency = "EURO",
            CustomFields = new Dictionary<string, object?> { ["tier"] = "Bronze" },
        });

        ResultAssert.Status(ResultStatus.Invalid, result);
        Assert.Contains(new ResultError("Give the deal a name.", "Name"), result.Errors);
        Assert.Contains(new ResultError("The amount cannot be negative.", "Amount"), result.Errors);
        Assert.Contains(new ResultError("The currency is a 3-letter code such as EUR or USD.", "Currency"), result.Errors);

        var badLinks = await _app.SendAs(rep, new CreateDealCommand
        {
            Name = "Ghosts", OwnerId = Guid.NewGuid(), CompanyId = Guid.NewGuid(), ContactIds = [Guid.NewGuid()],
            CustomFields = new Dictionary<string, object?> { ["tier"] = "Bronze", ["nope"] = "x" },
        });
        ResultAssert.Status(ResultStatus.Invalid, badLinks);
        Assert.Equal(["CompanyId", "ContactIds", "customFields.nope", "customFields.tier", "OwnerId"], badLinks.Errors.Select(e => e.Field!).Order(StringComparer.OrdinalIgnoreCase));
        Assert.Contains(badLinks.Errors, e => e.Message == "That company does not exist.");
        Assert.Contains(badLinks.Errors, e => e.Message == "Tier: 'Bronze' is not one of: Gold, Silver.");
    }

    [Fact]
    public async Task A_deal_cannot_start_in_an_unknown_stage_or_a_stage_of_another_pipeline()
    {
        var admin = await _app.AdminAsync();
        var other = (await _app.SendAs(admin, new CreatePipelineCommand("Renewals", [new("Due", 50)]))).Value;
        var pipeline = await _app.DefaultPipelineAsync();

        var unknown = await _app.SendAs(admin, new CreateDealCommand { Name = "Nowhere", StageId = Guid.NewGuid() });
        var mismatched = await _app.SendAs(admin, new CreateDealCommand { Name = "Mixed", PipelineId = pipeline.Id, StageId = other.Stage("Due").Id });
        var closed = await _app.SendAs(admin, new CreateDealCommand { Name = "Already won", StageId = pipeline.Stage("Won").Id });
        var inOther = await _app.SendAs(admin, new CreateDealCommand { Name = "Renewal", PipelineId = other.Id });

        Assert.Equal(new ResultError("That stage does not exist.", "StageId"), Assert.Single(unknown.Errors));
        Assert.Equal(new ResultError("That stage is not in the chosen pipeline.", "StageId"), Assert.Single(mismatched.Errors));
        ResultAssert.Status(ResultStatus.Invalid, closed);
        Assert.Equal("Due", inOther.Value.Stage.Name);
    }

    [Fact]
    public async Task Saving_a_deal_someone_else_changed_since_you_opened_it_is_a_conflict()
    {
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, bob) = await _app.CreateUserAsync("Bob", Roles.Manager);
        var deal = await _app.CreateDealAsync(ann, new CreateDealCommand { Name = "Shared", Amount = 10m });

        var bobs = await _app.SendAs(bob, Edit(deal, "Shared (Bob)", 20m));
        var anns = await _app.SendAs(ann, Edit(deal, "Shared (Ann)", 30m));

        ResultAssert.Status(ResultStatus.Ok, bobs);
        ResultAssert.Status(ResultStatus.Conflict, anns);
        Assert.Contains("changed by someone else since you opened it", anns.ErrorMessage, StringComparison.Ordinal);
        var now = (await _app.SendAs(ann, new GetDealQuery(deal.Id))).Value;
        Assert.Equal("Shared (Bob)", now.Name);
        Assert.Equal(20m, now.Amount);
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(ann, Edit(now, "Shared (Ann)", 30m)));
    }

    [Fact]
    public async Task Simultaneous_saves_of_one_deal_let_exactly_one_through()
    {
        var (_, ann) = await _app.CreateUserAsync("Ana", Roles.Sales);
        var deal = await _app.CreateDealAsync(ann, new CreateDealCommand { Name = "Race" });

        var results = await Task.WhenAll(
            Task.Run(() => _app.SendAs(ann, Edit(deal, "Race A", 1m))),
            Task.Run(() => _app.SendAs(ann, Edit(deal, "Race B", 2m))));

        Assert.Single(results, r => r.IsSuccess);
        Assert.Single(results, r => r.Status == ResultStatus.Conflict);
    }

    [Fact]
    public async Task Custom_fields_are_stored_in_their_type_and_shown_on_the_deal()
    {
        var (_, rep) = await _app.CreateUserAsync("Cy", Roles.Sales);
        await _app.AddDealFieldAsync("seats", "Seats", CustomFieldType.Number);
        await _app.AddDealFieldAsync("signed_on", "Signed on", CustomFieldType.Date);

        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand
        {
            Name = "Seats",
            CustomFields = new Dictionary<string, object?> { ["seats"] = "25", ["signed_on"] = JsonSerializer.SerializeToElement("2030-02-01") },
        });

        Assert.Equal(25m, ((JsonElement)deal.CustomFields["seats"]!).GetDecimal());
        Assert.Equal("2030-02-01", ((JsonElement)deal.CustomFields["signed_on"]!).GetString());
    }

    [Fact]
    public async Task The_list_searches_filters_sorts_and_pages_in_the_database()
    {
        var admin = await _app.AdminAsync();
        var (rita, _) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var other = (await _app.SendAs(admin, new CreatePipelineCommand("Upsell", [new("Idea", 5)]))).Value;
        var proposal = pipeline.Stage("Proposal").Id;
        await _app.CreateDealAsync(admin, new CreateDealCommand { Name = "Alpha Corp", Amount = 100m, CloseDate = new(2030, 1, 10), Tags = ["hot"], OwnerId = rita.Id });
        await _app.CreateDealAsync(admin, new CreateDealCommand { Name = "Beta 100% Ltd", Amount = 5_000m, CloseDate = new(2030, 3, 1), StageId = proposal });
        await _app.CreateDealAsync(admin, new CreateDealCommand { Name = "Gamma alpha", Amount = 900m, CloseDate = new(2030, 2, 15), Tags = ["hot", "cold"], StageId = proposal, OwnerId = rita.Id });
        await _app.CreateDealAsync(admin, new CreateDealCommand { Name = "Delta", PipelineId = other.Id });
        var lost = await _app.CreateDealAsync(admin, new CreateDealCommand { Name = "Epsilon", Amount = 50m });
        await _app.SendAs(admin, new MoveDealToStageCommand(lost.Id, pipeline.Stage("Lost").Id, lost.Stage.Id, lost.Version, LostReason: "Budget"));

        async Task<List<string>> Names(DealFilter filter, string? sort = "name", SortDirection direction = SortDirection.Ascending, int page = 0, int size = 50)
        {
            var result = await _app.SendAs(admin, new ListDealsQuery(filter, sort, direction, page, size));
            Assert.True(result.IsSuccess, result.ErrorMessage);
            return result.Value.Items.Select(i => i.Name).ToList();
        }

        Assert.Equal(["Alpha Corp", "Gamma alpha"], await Names(new DealFilter { Search = "ALPHA" }));
        Assert.Equal(["Beta 100% Ltd"], await Names(new DealFilter { Search = "100%" }));
        Assert.Equal(["Delta"], await Names(new DealFilter { PipelineId = other.Id }));
        Assert.Equal(["Beta 100% Ltd", "Gamma alpha"], await Names(new DealFilter { StageId = proposal }));
        Assert.Equal(["Epsilon"], await Names(new DealFilter { Status = DealStatus.Lost }));
        Assert.Equal(["Alpha Corp", "Gamma alpha"], await Names(new DealFilter { OwnerId = rita.Id }));
        Assert.Equal(["Beta 100% Ltd", "Gamma alpha"], await Names(new DealFilter { CloseDateFrom = new(2030, 2, 1), CloseDateTo = new(2030, 3, 1) }));
        Assert.Equal(["Alpha Corp", "Gamma alpha"], await Names(new DealFilter { AmountMin = 100m, AmountMax = 900m }));
        Assert.Equal(["Alpha Corp", "Gamma alpha"], await Names(new DealFilter { Tag = "hot" }));
        Assert.Equal(["Beta 100% Ltd", "Gamma alpha", "Alpha Corp", "Epsilon"], (await Names(new DealFilter(), "amount", SortDirection.Descending)).Take(4));
        Assert.Equal(["Delta", "Beta 100% Ltd"], await Names(new DealFilter(), "name", SortDirection.Descending, page: 1, size: 2));

        var page = (await _app.SendAs(admin, new ListDealsQuery(new DealFilter { StageId = proposal }, "name"))).Value;
        Assert.Equal(2, page.TotalCount);
        var gamma = page.Items[1];
        Assert.Equal("Proposal", gamma.StageName);
        Assert.Equal("Sales pipeline", gamma.PipelineName);
        Assert.Equal(540m, gamma.WeightedAmount);
        Assert.Equal("Rita", gamma.OwnerName);

        var invalid = await _app.SendAs(admin, new ListDealsQuery(new DealFilter { AmountMin = 10m, AmountMax = 1m }, "colour", PageSize: 0));
        ResultAssert.Status(ResultStatus.Invalid, invalid);
        Assert.Equal(3, invalid.Errors.Count);
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_cannot_see_or_touch_another_reps_deal()
    {
        var (ann, annPrincipal) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, bobPrincipal) = await _app.CreateUserAsync("Bob", Roles.Sales);
        var (_, manager) = await _app.CreateUserAsync("Meg", Roles.Manager);
        var pipeline = await _app.DefaultPipelineAsync();
        var annsDeal = await _app.CreateDealAsync(annPrincipal, new CreateDealCommand { Name = "Ann's secret deal" });
        var bobsDeal = await _app.CreateDealAsync(bobPrincipal, new CreateDealCommand { Name = "Bob's deal" });
        await _app.RepsSeeOnlyOwnRecordsAsync(true);

        var bobsList = (await _app.SendAs(bobPrincipal, new ListDealsQuery(new DealFilter()))).Value;
        Assert.Equal(["Bob's deal"], bobsList.Items.Select(d => d.Name));
        Assert.Equal(1, bobsList.TotalCount);
        var byId = await _app.SendAs(bobPrincipal, new GetDealQuery(annsDeal.Id));
        ResultAssert.Status(ResultStatus.NotFound, byId);
        Assert.Equal("That deal does not exist.", byId.ErrorMessage);
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(bobPrincipal, Edit(annsDeal, "Mine now", 1m)));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(bobPrincipal, new MoveDealToStageCommand(annsDeal.Id, pipeline.Stage("Proposal").Id, annsDeal.Stage.Id, annsDeal.Version)));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(bobPrincipal, new DeleteDealCommand(annsDeal.Id)));

        var managerList = (await _app.SendAs(manager, new ListDealsQuery(new DealFilter()))).Value;
        Assert.Equal(2, managerList.TotalCount);
        Assert.Equal(ann.Id, (await _app.SendAs(manager, new GetDealQuery(annsDeal.Id))).Value.Owner!.Id);
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(bobPrincipal, new GetDealQuery(bobsDeal.Id)));

        await _app.RepsSeeOnlyOwnRecordsAsync(false);
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(bobPrincipal, new GetDealQuery(annsDeal.Id)));
    }

    [Fact]
    public async Task Marketing_can_read_deals_but_cannot_create_edit_or_delete_them()
    {
        var (_, rep) = await _app.CreateUserAsync("Ray", Roles.Sales);
        var (_, marketer) = await _app.CreateUserAsync("Mae", Roles.Marketing);
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Campaign-sourced" });

        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(marketer, new CreateDealCommand { Name = "Sneaky" }));
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(marketer, Edit(deal, "Renamed", 1m)));
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(marketer, new DeleteDealCommand(deal.Id)));
        Assert.Equal("Campaign-sourced", (await _app.SendAs(marketer, new GetDealQuery(deal.Id))).Value.Name);
        Assert.Contains((await _app.SendAs(marketer, new ListDealsQuery(new DealFilter()))).Value.Items, d => d.Id == deal.Id);
    }

    [Fact]
    public async Task Deleting_a_deal_removes_it_and_tells_open_boards()
    {
        var (_, rep) = await _app.CreateUserAsync("Dee", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Short-lived" });
        using var board = await _app.RecordPipelineAsync(pipeline.Id);

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(rep, new DeleteDealCommand(deal.Id)));

        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(rep, new GetDealQuery(deal.Id)));
        Assert.Equal(0, await _app.HistoryCountAsync(deal.Id));
        await board.ExpectAsync(DealLive.Deleted, deal.Id);
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(rep, new DeleteDealCommand(deal.Id)));
    }

    private static UpdateDealCommand Edit(DealDetail deal, string name, decimal amount) => new()
    {
        Id = deal.Id,
        Version = deal.Version,
        Name = name,
        Amount = amount,
        Currency = deal.Currency,
        OwnerId = deal.Owner?.Id,
    };
}
