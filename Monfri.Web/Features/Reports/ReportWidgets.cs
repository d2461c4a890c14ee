using Monfri.Application.Reports;
using Monfri.Application.Reports.GetAttribution;
using Monfri.Application.Reports.GetForecast;
using Monfri.Application.Reports.GetLeaderboard;
using Monfri.Application.Reports.GetPipelineChange;
using Monfri.Application.Reports.GetPipelineReport;
using Monfri.Application.Reports.GetTimeInStage;
using Monfri.Application.Reports.GetWinRates;
using MudBlazor;
using F = Monfri.Web.Features.Reports.ReportFormat;

namespace Monfri.Web.Features.Reports;

/// <summary>
/// Each report as its widget shows it: the table (and CSV) rows, the chart's labels and series. Charts plot only
/// what can be drawn on one axis honestly — counts, rates, days, or one series per currency — never EUR plus USD.
/// </summary>
public static class ReportWidgets
{
    private static List<ChartSeries<double>> Series(params (string Name, IEnumerable<double> Values)[] series) =>
        series.Select(s => new ChartSeries<double> { Name = s.Name, Data = new ChartData<double>(s.Values.ToList()) }).ToList();

    public static string[] StageLabels(PipelineReport report) =>
        report.Stages.Select(s => report.Stages.Select(x => x.PipelineId).Distinct().Count() > 1 ? $"{s.Pipeline}: {s.Stage}" : s.Stage).ToArray();

    public static List<ChartSeries<double>> StageSeries(PipelineReport report) => Series(("Open deals", report.Stages.Select(s => (double)s.Count)));

    public static ReportTable PipelineTable(PipelineReport report) => new(
        ["Pipeline", "Stage", "Probability", "Deals", "Currency", "Amount", "Weighted"],
        report.Stages.SelectMany(s => s.ByCurrency.Count == 0
            ? [(IReadOnlyList<string>)[s.Pipeline, s.Stage, $"{s.Probability}%", "0", "", "0", "0"]]
            : s.ByCurrency.Select(m => (IReadOnlyList<string>)[s.Pipeline, s.Stage, $"{s.Probability}%", F.Count(m.Count), m.Currency, F.Money(m.Amount), F.Money(m.Weighted)])).ToList());

    public static ReportTable OwnerPipelineTable(PipelineReport report) => new(
        ["Owner", "Deals", "Currency", "Amount", "Weighted"],
        report.Owners.SelectMany(o => o.ByCurrency.Select(m => (IReadOnlyList<string>)[o.Owner, F.Count(m.Count), m.Currency, F.Money(m.Amount), F.Money(m.Weighted)])).ToList());

    public static string[] MonthLabels(Forecast forecast) => forecast.Months.Select(m => m.Month.ToString("MMM yyyy", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Weighted amount per month, one series per currency.</summary>
    public static List<ChartSeries<double>> ForecastSeries(Forecast forecast) =>
        Series(forecast.Months.SelectMany(m => m.ByCurrency.Select(c => c.Currency)).Distinct().Order(StringComparer.Ordinal)
            .Select(currency => ($"Weighted ({currency})", forecast.Months.Select(m => (double)(m.ByCurrency.FirstOrDefault(c => c.Currency == currency)?.Weighted ?? 0m))))
            .ToArray());

    public static ReportTable ForecastTable(Forecast forecast) => new(
        ["Month", "Deals", "Currency", "Amount", "Weighted"],
        forecast.Months.SelectMany(m => m.ByCurrency.Select(c => (IReadOnlyList<string>)[m.Month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), F.Count(c.Count), c.Currency, F.Money(c.Amount), F.Money(c.Weighted)])).ToList());

    public static List<ChartSeries<double>> WinRateSeries(WinRates rates) => Series(("Win rate %", rates.Groups.Select(g => Math.Round((g.WinRate ?? 0) * 100, 1))));

    public static ReportTable WinRateTable(WinRates rates) => new(
        ["Group", "Won", "Lost", "Win rate", "Mean cycle (days)", "Median cycle (days)", "Won amount"],
        rates.Groups.Append(rates.Total).Select(g => (IReadOnlyList<string>)[g.Label, F.Count(g.Won), F.Count(g.Lost), F.Percent(g.WinRate), F.Days(g.MeanCycleDays), F.Days(g.MedianCycleDays), F.Money(g.WonAmount)]).ToList());

    public static List<ChartSeries<double>> TimeInStageSeries(TimeInStage times) =>
        Series(("Median days", times.Stages.Select(s => Math.Round(s.MedianDays ?? 0, 1))), ("Mean days", times.Stages.Select(s => Math.Round(s.MeanDays ?? 0, 1))));

    public static string[] TimeInStageLabels(TimeInStage times) =>
        times.Stages.Select(s => times.Stages.Select(x => x.PipelineId).Distinct().Count() > 1 ? $"{s.Pipeline}: {s.Stage}" : s.Stage).ToArray();

    public static ReportTable TimeInStageTable(TimeInStage times) => new(
        ["Pipeline", "Stage", "Visits ended", "Mean (days)", "Median (days)"],
        times.Stages.Select(s => (IReadOnlyList<string>)[s.Pipeline, s.Stage, F.Count(s.Visits), F.Days(s.MeanDays), F.Days(s.MedianDays)]).ToList());

    public static ReportTable LeaderboardTable(Leaderboard board) => new(
        ["Rep", "Deals won", "Won amount", "Activities logged", "Tasks overdue"],
        board.Rows.Select(r => (IReadOnlyList<string>)[r.Name, F.Count(r.DealsWon), F.Money(r.WonAmount), F.Count(r.ActivitiesLogged), F.Count(r.TasksOverdue)]).ToList());

    public static ReportTable PipelineChangeTable(PipelineChange change) => new(
        ["Change", "Deals", "Amount"],
        [
            ["Added", F.Count(change.Added.Count), F.Money(change.Added.Amount)],
            ["Moved forward", F.Count(change.MovedForward), ""],
            ["Won", F.Count(change.Won.Count), F.Money(change.Won.Amount)],
            ["Lost", F.Count(change.Lost.Count), F.Money(change.Lost.Amount)],
        ]);

    /// <summary>The channels with the most credit (linear), at most <paramref name="max"/>, for the chart.</summary>
    public static IReadOnlyList<AttributionRow> TopChannels(Attribution attribution, int max = 8) =>
        attribution.Rows.GroupBy(r => r.Label).Select(g => g.First()).Take(max).ToList();

    public static List<ChartSeries<double>> AttributionSeries(Attribution attribution)
    {
        var top = TopChannels(attribution);
        double Sum(string label, Func<AttributionRow, double> model) => Math.Round(attribution.Rows.Where(r => r.Label == label).Sum(model), 2);
        return Series(
            ("First touch", top.Select(r => Sum(r.Label, x => x.FirstTouch))),
            ("Last touch", top.Select(r => Sum(r.Label, x => x.LastTouch))),
            ("Linear", top.Select(r => Sum(r.Label, x => x.Linear))),
            ("Position-based", top.Select(r => Sum(r.Label, x => x.PositionBased))));
    }

    public static string[] AttributionLabels(Attribution attribution) => TopChannels(attribution).Select(r => r.Label).ToArray();

    public static ReportTable AttributionTable(Attribution attribution)
    {
        var revenue = attribution.Conversion == AttributionConversion.DealWon;
        IReadOnlyList<string> headers = revenue
            ? ["Channel", "Source / medium · campaign", "Currency", "First touch", "Last touch", "Linear", "Position-based", "Revenue first touch", "Revenue last touch", "Revenue linear", "Revenue position-based"]
            : ["Channel", "Source / medium · campaign", "First touch", "Last touch", "Linear", "Position-based"];
        return new ReportTable(headers, attribution.Rows.Select(r =>
        {
            IReadOnlyList<string> credit = [F.Credit(r.FirstTouch), F.Credit(r.LastTouch), F.Credit(r.Linear), F.Credit(r.PositionBased)];
            return revenue
                ? (IReadOnlyList<string>)[r.Channel, r.Label, r.Currency ?? "", .. credit, F.Money(r.FirstTouchRevenue ?? 0), F.Money(r.LastTouchRevenue ?? 0), F.Money(r.LinearRevenue ?? 0), F.Money(r.PositionBasedRevenue ?? 0)]
                : [r.Channel, r.Label, .. credit];
        }).ToList());
    }

    public static ReportTable TopPagesTable(IReadOnlyList<PageViews> pages) => new(
        ["Page", "Views", "People"],
        pages.Select(p => (IReadOnlyList<string>)[p.Path, F.Count(p.Views), F.Count(p.People)]).ToList());
}
