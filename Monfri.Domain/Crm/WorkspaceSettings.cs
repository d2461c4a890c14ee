namespace Monfri.Domain.Crm;

/// <summary>Workspace-wide CRM settings (one row).</summary>
public sealed class WorkspaceSettings
{
    public const int SingletonId = 1;

    public int Id { get; private set; } = SingletonId;

    /// <summary>When set, Sales users see only records they own (enforced in queries). Managers and Admins see everything.</summary>
    public bool RepsSeeOnlyOwnRecords { get; private set; }

    public List<LifecycleStage> LifecycleStages { get; private set; } = [.. Crm.LifecycleStages.Defaults];

    public string DefaultCurrency { get; private set; } = "EUR";

    public DateTimeOffset UpdatedAt { get; private set; }

    public uint Version { get; private set; }

    public static WorkspaceSettings Default() => new();

    public void Update(bool repsSeeOnlyOwnRecords, IEnumerable<LifecycleStage> lifecycleStages, string defaultCurrency, DateTimeOffset now)
    {
        RepsSeeOnlyOwnRecords = repsSeeOnlyOwnRecords;
        LifecycleStages = lifecycleStages.ToList();
        DefaultCurrency = defaultCurrency.Trim().ToUpperInvariant();
        UpdatedAt = now;
    }
}
