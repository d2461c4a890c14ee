using Mediator;
using Monfri.Application.Reports;
using Monfri.Application.Reports.GetAttribution;
using Monfri.Application.Reports.GetForecast;
using Monfri.Application.Reports.GetLeaderboard;
using Monfri.Application.Reports.GetPipelineChange;
using Monfri.Application.Reports.GetPipelineReport;
using Monfri.Application.Reports.GetTimeInStage;
using Monfri.Application.Reports.GetTopPages;
using Monfri.Application.Reports.GetWinRates;

namespace Monfri.Web.Endpoints.Reports;

/// <summary>/api/v1/reports — each report as JSON, with the parameters of the Reports page (its URL carries the same).</summary>
public static class ReportEndpoints
{
    /// <summary>
    /// The range (whole UTC days, both included; default: the last 30 days up to today) and optional pipeline and owner.
    /// Amounts are always per currency.
    /// </summary>
    public sealed record RangeRequest(DateOnly? From, DateOnly? To, Guid? PipelineId, Guid? OwnerId)
    {
        public ReportFilter ToFilter(TimeProvider clock)
        {
            var last30 = ReportFilter.LastDays(clock.GetUtcNow(), 30);
            return new ReportFilter(From ?? (To is { } to ? to.AddDays(-29) : last30.From), To ?? last30.To, PipelineId, OwnerId);
        }
    }

    public static RouteGroupBuilder MapReportEndpoints(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Reports");

        reports.MapGet("/pipeline", async ([AsParameters] RangeRequest range, IMediator mediator, TimeProvider clock, CancellationToken ct) =>
                (await mediator.Send(new GetPipelineReportQuery(range.ToFilter(clock)), ct)).ToHttp())
            .WithSummary("Open pipeline by stage and by owner: count, amount and weighted amount per currency (the range does not apply)")
            .Produces<PipelineReport>();

        reports.MapGet("/forecast", async ([AsParameters] RangeRequest range, IMediator mediator, TimeProvider clock, CancellationToken ct) =>
                (await mediator.Send(new GetForecastQuery(range.ToFilter(clock)), ct)).ToHttp())
            .WithSummary("Weighted pipeline by close month over the range, per currency; open deals without a close date counted apart")
            .Produces<Forecast>();

        reports.MapGet("/win-rates", async ([AsParameters] RangeRequest range, WinRateDimension? groupBy, IMediator mediator, TimeProvider clock, CancellationToken ct) =>
                (await mediator.Send(new GetWinRatesQuery(range.ToFilter(clock), groupBy ?? WinRateDimension.Owner), ct)).ToHttp())
            .WithSummary("Win rate and sales-cycle length (created → won) of deals closed in the range, by owner, pipeline, leadSource or firstTouchChannel")
            .Produces<WinRates>();

        reports.MapGet("/time-in-stage", async ([AsParameters] RangeRequest range, IMediator mediator, TimeProvider clock, CancellationToken ct) =>
                (await mediator.Send(new GetTimeInStageQuery(range.ToFilter(clock)), ct)).ToHttp())
            .WithSummary("Mean and median days deals spent in each open stage, over the stage visits that ended in the range")
            .Produces<TimeInStage>();

        reports.MapGet("/leaderboard", async ([AsParameters] RangeRequest range, IMediator mediator, TimeProvider clock, CancellationToken ct) =>
                (await mediator.Send(new GetLeaderboardQuery(range.ToFilter(clock)), ct)).ToHttp())
            .WithSummary("Reps over the range: deals won and won amount per currency, activities logged, tasks overdue now")
            .Produces<Leaderboard>();

        reports.MapGet("/pipeline-change", async ([AsParameters] RangeRequest range, IMediator mediator, TimeProvider clock, CancellationToken ct) =>
                (await mediator.Send(new GetPipelineChangeQuery(range.ToFilter(clock)), ct)).ToHttp())
            .WithSummary("Deals added, moved forward, won and lost in the range")
            .Produces<PipelineChange>();

        reports.MapGet("/attribution", async ([AsParameters] RangeRequest range, AttributionConversion? conversion, int? lookbackDays, IMediator mediator, TimeProvider clock, CancellationToken ct) =>
                (await mediator.Send(new GetAttributionQuery(range.ToFilter(clock), conversion ?? AttributionConversion.SignUp, lookbackDays ?? 30), ct)).ToHttp())
            .WithSummary("Conversions (signUp or dealWon with revenue) in the range credited to channels: first touch, last touch, linear and position-based (40/20/40) side by side")
            .Produces<Attribution>();

        reports.MapGet("/top-pages", async ([AsParameters] RangeRequest range, int? limit, IMediator mediator, TimeProvider clock, CancellationToken ct) =>
                (await mediator.Send(new GetTopPagesQuery(range.ToFilter(clock), limit ?? 10), ct)).ToHttp())
            .WithSummary("The most viewed pages in the range, with how many people viewed each")
            .Produces<IReadOnlyList<PageViews>>();

        return reports;
    }
}
