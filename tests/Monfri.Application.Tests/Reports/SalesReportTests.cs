using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.MarkDealWon;
using Monfri.Application.Reports;
using Monfri.Application.Reports.GetForecast;
using Monfri.Application.Reports.GetLeaderboard;
using Monfri.Application.Reports.GetPipelineChange;
using Monfri.Application.Reports.GetPipelineReport;
using Monfri.Application.Reports.GetTimeInStage;
using Monfri.Application.Reports.GetWinRates;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;

namespace Monfri.Application.Tests.Reports;

/// <summary>
/// Every sales metric against a small data set computed by hand (March 2026, the default pipeline:
/// Qualification 10 %, Needs analysis 30 %, Proposal 60 %, Negotiation 80 %):
/// <code>
/// D1 Rita 1000 EUR  created 03-01 Qualification → 03-05 Proposal → 03-11 Won   contacts Alice (Webinar, first touch google/organic 02-01), Bob (Referral, newsletter/email 01-15)
/// D2 Rita 2000 EUR  created 03-02 Qualification → 03-04 Needs analysis → 03-10 Lost   contact Carol (Webinar, google/organic)
/// D3 Sam   500 USD  created 03-01 Qualification → 03-21 Won   no contact
/// D4 Sam  3000 EUR  created 03-03 Qualification → 03-07 Proposal, open, closes 2026-04-15
/// D5 Rita 1000 EUR  created 03-10 in Negotiation, open, closes 2026-05-20
/// D6 Rita   —  EUR  created 03-12 Qualification, open, no close date
/// D7 Sam   800 USD  created 03-15 Qualification, open, closes 2026-04-02
/// Rita logged a call (03-05) and a note (03-06), completed a task (03-08) and has a task overdue (due 03-20);
/// Sam logged a meeting on 02-20 (before the range).
/// </code>
/// </summary>
public sealed class SalesReportTests : IAsyncLifetime
{
    private static readonly ReportFilter March = new(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31));
    private MonfriServices _app = null!;
    private ClaimsPrincipal _rita = null!;
    private ClaimsPrincipal _manager = null!;
    private Guid _ritaId;
    private Guid _samId;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(SalesReportTests));
        var (rita, ritaPrincipal) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var (sam, _) = await _app.CreateUserAsync("Sam", Roles.Sales);
        (_, _manager) = await _app.CreateUserAsync("Mia", Roles.Manager);
        (_rita, _ritaId, _samId) = (ritaPrincipal, rita.Id, sam.Id);
        await SeedAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static DateTimeOffset On(int month, int day) => new(2026, month, day, 9, 0, 0, TimeSpan.Zero);

    private async Task SeedAsync()
    {
        await using var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        var pipeline = await db.Pipelines.Include(p => p.Stages).SingleAsync(p => p.Name == DefaultPipelineSeeder.Name);
        PipelineStage Stage(string name) => pipeline.Stages.Single(s => s.Name == name);

        Person Contact(string name, string leadSource, DateTimeOffset createdAt)
        {
            var person = Person.CreateContact(new ContactDetails(name, null, $"{name.ToLowerInvariant()}@example.test", [], null, null, null, null, LifecycleStages.Lead, leadSource, [], new Dictionary<string, object?>()), createdAt);
            db.People.Add(person);
            return person;
        }

        var alice = Contact("Alice", "Webinar", On(1, 10));
        var bob = Contact("Bob", "Referral", On(1, 12));
        var carol = Contact("Carol", "Webinar", On(1, 20));

        Deal Deal(string name, Guid owner, decimal? amount, string currency, string stage, DateTimeOffset createdAt, DateOnly? closeDate = null, params Guid[] contacts)
        {
            var deal = Monfri.Domain.Crm.Deal.Create(new DealDetails(name, amount, currency, closeDate, owner, null, contacts, [], new Dictionary<string, object?>()), Stage(stage), owner, 1, createdAt);
            db.Deals.Add(deal);
            return deal;
        }

        var d1 = Deal("D1", _ritaId, 1000, "EUR", "Qualification", On(3, 1), null, alice.Id, bob.Id);
        d1.MoveToStage(Stage("Proposal"), 1, _ritaId, On(3, 5));
        d1.MoveToStage(pipeline.WonStage, 1, _ritaId, On(3, 11));
        var d2 = Deal("D2", _ritaId, 2000, "EUR", "Qualification", On(3, 2), null, carol.Id);
        d2.MoveToStage(Stage("Needs analysis"), 1, _ritaId, On(3, 4));
        d2.MoveToStage(pipeline.LostStage, 1, _ritaId, On(3, 10), "Budget");
        var d3 = Deal("D3", _samId, 500, "USD", "Qualification", On(3, 1));
        d3.MoveToStage(pipeline.WonStage, 1, _samId, On(3, 21));
        var d4 = Deal("D4", _samId, 3000, "EUR", "Qualification", On(3, 3), new DateOnly(2026, 4, 15));
        d4.MoveToStage(Stage("Proposal"), 1, _samId, On(3, 7));
        Deal("D5", _ritaId, 1000, "EUR", "Negotiation", On(3, 10), new DateOnly(2026, 5, 20));
        Deal("D6", _ritaId, null, "EUR", "Qualification", On(3, 12));
        Deal("D7", _samId, 800, "USD", "Qualification", On(3, 15), new DateOnly(2026, 4, 2));

        Activity Log(ActivityType type, Guid by, DateTimeOffset at, DateTimeOffset? due = null) =>
            db.Activities.Add(Activity.Log(new ActivityDetails(type, $"{type}", null, null, null, d1.Id, at, due, type == ActivityType.Task ? by : null), by, at)).Entity;
        Log(ActivityType.Call, _ritaId, On(3, 5));
        Log(ActivityType.Note, _ritaId, On(3, 6));
        Log(ActivityType.Task, _ritaId, On(3, 1), On(3, 7)).Complete(true, On(3, 8));
        Log(ActivityType.Task, _ritaId, On(3, 15), On(3, 20));
        Log(ActivityType.Meeting, _samId, On(2, 20));
        await db.SaveChangesAsync();

        // First touches as the ingest workers keep them (built-in stats).
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO cdp_profile_stats (person_id, first_touch_at, first_touch_source, first_touch_medium, last_touch_at, last_touch_source, last_touch_medium, updated_at)
            VALUES ({0}, '2026-02-01Z', 'google', 'organic', '2026-02-01Z', 'google', 'organic', now()),
                   ({1}, '2026-01-15Z', 'newsletter', 'email', '2026-01-15Z', 'newsletter', 'email', now()),
                   ({2}, '2026-02-03Z', 'google', 'organic', '2026-02-03Z', 'google', 'organic', now())
            """, alice.Id, bob.Id, carol.Id);
    }

    private static PipelineMoney Money(string currency, int count, decimal amount, decimal weighted) => new(currency, count, amount, weighted);

    [Fact]
    public async Task Pipeline_by_stage_counts_open_deals_with_amounts_and_weighted_amounts_per_currency_and_owner()
    {
        var report = (await _app.SendAs(_manager, new GetPipelineReportQuery(March))).Value;

        var stages = report.Stages.ToDictionary(s => s.Stage);
        Assert.Equal(["Qualification", "Needs analysis", "Proposal", "Negotiation"], report.Stages.Select(s => s.Stage));
        Assert.Equal(2, stages["Qualification"].Count);
        Assert.Equal([Money("EUR", 1, 0, 0), Money("USD", 1, 800, 80)], stages["Qualification"].ByCurrency);
        Assert.Equal(0, stages["Needs analysis"].Count);
        Assert.Empty(stages["Needs analysis"].ByCurrency);
        Assert.Equal([Money("EUR", 1, 3000, 1800)], stages["Proposal"].ByCurrency);
        Assert.Equal([Money("EUR", 1, 1000, 800)], stages["Negotiation"].ByCurrency);

        var owners = report.Owners.ToDictionary(o => o.Owner);
        Assert.Equal(2, owners["Rita"].Count);
        Assert.Equal([Money("EUR", 2, 1000, 800)], owners["Rita"].ByCurrency);
        Assert.Equal([Money("EUR", 1, 3000, 1800), Money("USD", 1, 800, 80)], owners["Sam"].ByCurrency);
    }

    [Fact]
    public async Task The_forecast_weights_open_deals_by_close_month_and_counts_undated_ones_apart()
    {
        var forecast = (await _app.SendAs(_manager, new GetForecastQuery(new ReportFilter(new DateOnly(2026, 4, 1), new DateOnly(2026, 5, 31))))).Value;

        Assert.Equal([new DateOnly(2026, 4, 1), new DateOnly(2026, 5, 1)], forecast.Months.Select(m => m.Month));
        Assert.Equal([new ForecastMoney("EUR", 1, 3000, 1800), new ForecastMoney("USD", 1, 800, 80)], forecast.Months[0].ByCurrency);
        Assert.Equal([new ForecastMoney("EUR", 1, 1000, 800)], forecast.Months[1].ByCurrency);
        Assert.Equal(1, forecast.UndatedCount);
    }

    [Fact]
    public async Task Win_rate_and_sales_cycle_by_owner_count_deals_closed_in_the_range()
    {
        var rates = (await _app.SendAs(_manager, new GetWinRatesQuery(March, WinRateDimension.Owner))).Value;

        Assert.Equal((2, 1), (rates.Total.Won, rates.Total.Lost));
        Assert.Equal(2.0 / 3, rates.Total.WinRate!.Value, 6);
        Assert.Equal((15.0, 15.0), (rates.Total.MeanCycleDays, rates.Total.MedianCycleDays));
        Assert.Equal([new CurrencyAmount("EUR", 1000), new CurrencyAmount("USD", 500)], rates.Total.WonAmount);
        var rita = rates.Groups.Single(g => g.Label == "Rita");
        Assert.Equal((1, 1, 0.5, 10.0), (rita.Won, rita.Lost, rita.WinRate, rita.MeanCycleDays));
        var sam = rates.Groups.Single(g => g.Label == "Sam");
        Assert.Equal((1, 0, 1.0, 20.0), (sam.Won, sam.Lost, sam.WinRate, sam.MeanCycleDays));
    }

    [Fact]
    public async Task Win_rate_by_lead_source_and_first_touch_channel_reads_the_deals_contacts()
    {
        var bySource = (await _app.SendAs(_manager, new GetWinRatesQuery(March, WinRateDimension.LeadSource))).Value.Groups.ToDictionary(g => g.Label);
        var byTouch = (await _app.SendAs(_manager, new GetWinRatesQuery(March, WinRateDimension.FirstTouchChannel))).Value.Groups.ToDictionary(g => g.Label);

        // D1's first contact (Alice, created first) and D2's Carol came from the webinar; D3 has no contact.
        Assert.Equal(["(no lead source)", "Webinar"], bySource.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((1, 1), (bySource["Webinar"].Won, bySource["Webinar"].Lost));
        Assert.Equal((1, 0), (bySource["(no lead source)"].Won, bySource["(no lead source)"].Lost));

        // D1: Bob's newsletter touch (01-15) came before Alice's search (02-01).
        Assert.Equal((1, 0), (byTouch["newsletter / email"].Won, byTouch["newsletter / email"].Lost));
        Assert.Equal((0, 1, 0.0), (byTouch["google / organic"].Won, byTouch["google / organic"].Lost, byTouch["google / organic"].WinRate));
        Assert.Equal(1, byTouch["(no touch recorded)"].Won);
    }

    [Fact]
    public async Task Time_in_stage_gives_mean_and_median_of_the_visits_that_ended_in_the_range()
    {
        var stages = (await _app.SendAs(_manager, new GetTimeInStageQuery(March))).Value.Stages.ToDictionary(s => s.Stage);

        // Qualification: D1 4 days, D2 2, D3 20, D4 4.
        Assert.Equal((4, 7.5, 4.0), (stages["Qualification"].Visits, stages["Qualification"].MeanDays, stages["Qualification"].MedianDays));
        Assert.Equal((1, 6.0, 6.0), (stages["Needs analysis"].Visits, stages["Needs analysis"].MeanDays, stages["Needs analysis"].MedianDays));
        Assert.Equal((1, 6.0), (stages["Proposal"].Visits, stages["Proposal"].MeanDays));
        Assert.Equal((0, (double?)null, (double?)null), (stages["Negotiation"].Visits, stages["Negotiation"].MeanDays, stages["Negotiation"].MedianDays));
    }

    [Fact]
    public async Task The_leaderboard_ranks_reps_by_deals_won_with_activities_logged_and_tasks_overdue()
    {
        var rows = (await _app.SendAs(_manager, new GetLeaderboardQuery(March))).Value.Rows;

        Assert.Equal(["Rita", "Sam"], rows.Select(r => r.Name));
        Assert.Equal((1, 3, 1), (rows[0].DealsWon, rows[0].ActivitiesLogged, rows[0].TasksOverdue));
        Assert.Equal([new CurrencyAmount("EUR", 1000)], rows[0].WonAmount);
        Assert.Equal((1, 0, 0), (rows[1].DealsWon, rows[1].ActivitiesLogged, rows[1].TasksOverdue));
        Assert.Equal([new CurrencyAmount("USD", 500)], rows[1].WonAmount);
    }

    [Fact]
    public async Task Pipeline_change_counts_deals_added_moved_forward_won_and_lost_in_the_range()
    {
        var change = (await _app.SendAs(_manager, new GetPipelineChangeQuery(March))).Value;

        Assert.Equal(7, change.Added.Count);
        Assert.Equal([new CurrencyAmount("EUR", 7000), new CurrencyAmount("USD", 1300)], change.Added.Amount);
        Assert.Equal(3, change.MovedForward);
        Assert.Equal((2, 1), (change.Won.Count, change.Lost.Count));
        Assert.Equal([new CurrencyAmount("EUR", 2000)], change.Lost.Amount);
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_sees_reports_over_their_own_deals_only()
    {
        await _app.RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            var pipeline = (await _app.SendAs(_rita, new GetPipelineReportQuery(March))).Value;
            var rates = (await _app.SendAs(_rita, new GetWinRatesQuery(March))).Value;
            var board = (await _app.SendAs(_rita, new GetLeaderboardQuery(March))).Value;
            var samsDeals = (await _app.SendAs(_rita, new GetPipelineReportQuery(March with { OwnerId = _samId }))).Value;

            Assert.Equal(["Rita"], pipeline.Owners.Select(o => o.Owner));
            Assert.Equal(2, pipeline.Stages.Sum(s => s.Count));
            Assert.Equal((1, 1), (rates.Total.Won, rates.Total.Lost));
            Assert.Equal(["Rita"], board.Rows.Select(r => r.Name));
            Assert.True(samsDeals.IsEmpty);
        }
        finally
        {
            await _app.RepsSeeOnlyOwnRecordsAsync(false);
        }
    }

    [Fact]
    public async Task A_range_without_data_gives_empty_reports_with_no_rates_rather_than_a_division_by_zero()
    {
        var empty = new ReportFilter(new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 31));

        var rates = (await _app.SendAs(_manager, new GetWinRatesQuery(empty))).Value;
        var times = (await _app.SendAs(_manager, new GetTimeInStageQuery(empty))).Value;
        var board = (await _app.SendAs(_manager, new GetLeaderboardQuery(empty))).Value;
        var forecast = (await _app.SendAs(_manager, new GetForecastQuery(empty))).Value;

        Assert.True(rates.IsEmpty);
        Assert.Null(rates.Total.WinRate);
        Assert.Null(rates.Total.MeanCycleDays);
        Assert.True(times.IsEmpty);
        Assert.All(times.Stages, s => Assert.Null(s.MedianDays));
        Assert.Equal(["Rita"], board.Rows.Select(r => r.Name)); // her overdue task is overdue whatever the range
        Assert.Equal(0, board.Rows[0].DealsWon);
        Assert.True(forecast.IsEmpty);
        Assert.Single(forecast.Months);
    }

    [Fact]
    public async Task Winning_a_deal_signals_open_dashboards_and_a_limited_rep_hears_only_of_their_own_deals()
    {
        await _app.RepsSeeOnlyOwnRecordsAsync(true);
        var feed = _app.Get<ILiveFeed>();
        var (managerHeard, ritaHeard) = (new System.Collections.Concurrent.ConcurrentQueue<LiveUpdate>(), new System.Collections.Concurrent.ConcurrentQueue<LiveUpdate>());
        using var managerSubscription = feed.Subscribe(LiveTopics.Reports, _manager, u => { managerHeard.Enqueue(u); return ValueTask.CompletedTask; }).Value;
        using var ritaSubscription = feed.Subscribe(LiveTopics.Reports, _rita, u => { ritaHeard.Enqueue(u); return ValueTask.CompletedTask; }).Value;
        var sam = await _app.PrincipalOf(_samId);
        var samsDeal = await _app.CreateDealAsync(sam, new CreateDealCommand { Name = "Sam's", Amount = 10 });
        var ritasDeal = await _app.CreateDealAsync(_rita, new CreateDealCommand { Name = "Rita's", Amount = 20 });

        Assert.True((await _app.SendAs(sam, new MarkDealWonCommand(samsDeal.Id, samsDeal.Version))).IsSuccess);
        Assert.True((await _app.SendAs(_rita, new MarkDealWonCommand(ritasDeal.Id, ritasDeal.Version))).IsSuccess);

        static bool About(IEnumerable<LiveUpdate> heard, Guid id) => heard.Any(u => u.Kind == ReportsLive.Changed && u.DataAs<ReportsLive.Change>()?.Id == id);
        for (var i = 0; i < 100 && !(About(managerHeard, samsDeal.Id) && About(managerHeard, ritasDeal.Id) && About(ritaHeard, ritasDeal.Id)); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(About(managerHeard, samsDeal.Id) && About(managerHeard, ritasDeal.Id));
        Assert.True(About(ritaHeard, ritasDeal.Id));
        Assert.False(About(ritaHeard, samsDeal.Id));
    }

    [Fact]
    public async Task A_range_that_ends_before_it_starts_or_spans_too_long_is_refused()
    {
        var backwards = await _app.SendAs(_manager, new GetPipelineChangeQuery(new ReportFilter(new DateOnly(2026, 3, 31), new DateOnly(2026, 3, 1))));
        var century = await _app.SendAs(_manager, new GetForecastQuery(new ReportFilter(new DateOnly(1926, 1, 1), new DateOnly(2026, 1, 1))));

        ResultAssert.Status(ResultStatus.Invalid, backwards);
        Assert.Contains("ends before it starts", backwards.ErrorMessage);
        ResultAssert.Status(ResultStatus.Invalid, century);
    }
}
