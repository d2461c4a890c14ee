namespace Monfri.Domain.Crm;

public enum ImportMode
{
    /// <summary>Every row creates a record.</summary>
    CreateAll,

    /// <summary>A row whose email (contacts) or domain (companies) matches updates that record; others create.</summary>
    UpdateExisting,

    /// <summary>A row matching an existing record is skipped; others create.</summary>
    SkipDuplicates,
}

public enum ImportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>A CSV import run in the background, with its progress and per-row outcome.</summary>
public sealed class ImportJob
{
    private ImportJob()
    {
    }

    public Guid Id { get; private set; }
    public CrmObjectType ObjectType { get; private set; }
    public string FileName { get; private set; } = "";
    public ImportMode Mode { get; private set; }

    /// <summary>CSV column header → field key (built-in or custom); unmapped columns are ignored.</summary>
    public Dictionary<string, string> Mapping { get; private set; } = [];

    public ImportStatus Status { get; private set; }
    public int TotalRows { get; private set; }
    public int ProcessedRows { get; private set; }
    public int Created { get; private set; }
    public int Updated { get; private set; }
    public int Skipped { get; private set; }
    public int Failed { get; private set; }
    public string? Error { get; private set; }
    public Guid CreatedById { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }

    public static ImportJob Queue(CrmObjectType objectType, string fileName, ImportMode mode, Dictionary<string, string> mapping, int totalRows, Guid createdBy, DateTimeOffset now) =>
        new()
        {
            Id = Guid.CreateVersion7(now),
            ObjectType = objectType,
            FileName = fileName,
            Mode = mode,
            Mapping = mapping,
            TotalRows = totalRows,
            Status = ImportStatus.Queued,
            CreatedById = createdBy,
            CreatedAt = now,
        };

    public void Start(DateTimeOffset now)
    {
        Status = ImportStatus.Running;
        StartedAt = now;
    }

    public void Progress(int processed, int created, int updated, int skipped, int failed)
    {
        ProcessedRows = processed;
        Created = created;
        Updated = updated;
        Skipped = skipped;
        Failed = failed;
    }

    public void Finish(DateTimeOffset now, string? error = null)
    {
        Status = error is null ? ImportStatus.Completed : ImportStatus.Failed;
        Error = error;
        FinishedAt = now;
    }
}

/// <summary>Why one row of an import was skipped or rejected.</summary>
public sealed class ImportRowIssue(Guid importJobId, int row, string outcome, string reason)
{
    public long Id { get; private set; }
    public Guid ImportJobId { get; private set; } = importJobId;

    /// <summary>1-based data row (the header is row 0).</summary>
    public int Row { get; private set; } = row;

    /// <summary>"rejected" or "skipped".</summary>
    public string Outcome { get; private set; } = outcome;

    public string Reason { get; private set; } = reason;
}
