namespace Monfri.Application.Reports;

/// <summary>
/// The signal on <see cref="Common.Live.LiveTopics.Reports"/>: what kind of record changed. Published today where deal
/// and activity changes are published after commit (<c>DealLive</c>, <c>ActivityLive</c>); screens reload their
/// numbers from the store, coalesced, rather than patching them from the signal.
/// </summary>
public static class ReportsLive
{
    public const string Changed = "reports.changed";
    public const string Deals = "deals";
    public const string Activities = "activities";

    public sealed record Change(string Area, Guid Id);
}
