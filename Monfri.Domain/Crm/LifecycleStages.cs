namespace Monfri.Domain.Crm;

/// <summary>The default lifecycle stages; a workspace may rename, reorder or add its own in Settings.</summary>
public static class LifecycleStages
{
    public const string Subscriber = "subscriber";
    public const string Lead = "lead";
    public const string MarketingQualified = "mql";
    public const string SalesQualified = "sql";
    public const string Opportunity = "opportunity";
    public const string Customer = "customer";
    public const string Evangelist = "evangelist";

    public static IReadOnlyList<LifecycleStage> Defaults { get; } =
    [
        new(Subscriber, "Subscriber"),
        new(Lead, "Lead"),
        new(MarketingQualified, "Marketing qualified lead"),
        new(SalesQualified, "Sales qualified lead"),
        new(Opportunity, "Opportunity"),
        new(Customer, "Customer"),
        new(Evangelist, "Evangelist"),
    ];
}

public sealed record LifecycleStage(string Key, string Label);
