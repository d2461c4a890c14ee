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

    /// <summary>The text encoding of the file as detected at upload: <c>utf-8</c>, <c>utf-16</c> or <c>windows-1252</c>.</summary>
    public string Encoding { get; private set; } = "utf-8";

    /// <summary>The field separator detected at upload: comma, semicolon or tab.</summary>
    public char Delimiter { get; private set; } = ',';

    /// <summary>CSV column header → field key (built-in or custom); unmapped columns are ignored.</summary>
    public Dictionary<string, string> Mapping { get; private set; } = [];

    public ImportStatus Status { get; private set; }
    public int TotalRows { get; private set; }
    public int ProcessedRows { get; private set; }
    public int Created { get; private set; }
    public int Updated { get; private set; }
    public int Skipped { get; private set; }
    public int Failed { get; private set; }

    /// <summary>Companies a contact import created because a row named one that did not exist yet.</summary>
    public int CompaniesCreated { get; private set; }
    public string? Error { get; private set; }
    public Guid CreatedById { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }

    public static ImportJob Queue(CrmObjectType objectType, string fileName, ImportMode mode, Dictionary<string, string> mapping, int totalRows, Guid createdBy, DateTimeOffset now,
        string encoding = "utf-8", char delimiter = ',') =>
        new()
        {
            Id = Guid.CreateVersion7(now),
            ObjectType = objectType,
            FileName = fileName,
            Mode = mode,
            Encoding = encoding,
            Delimiter = delimiter,
            Mapping = mapping,
            TotalRows = totalRows,
            Status = ImportStatus.Queued,
            CreatedById = createdBy,
            CreatedAt = now,
        };

    /// <summary>Starts the job, or resumes it after an interruption (the first start time is kept).</summary>
    public void Start(DateTimeOffset now)
    {
        Status = ImportStatus.Running;
        StartedAt ??= now;
    }

    public void Progress(int processed, int created, int updated, int skipped, int failed, int companiesCreated = 0)
    {
        ProcessedRows = processed;
        Created = created;
        Updated = updated;
        Skipped = skipped;
        Failed = failed;
        CompaniesCreated = companiesCreated;
    }

    public void Finish(DateTimeOffset now, string? error = null)
    {
        Status = error is null ? ImportStatus.Completed : ImportStatus.Failed;
        Error = error;
        FinishedAt = now;
    }
}

/// <summary>What happened to a row that was not imported.</summary>
public static class ImportOutcomes
{
    /// <summary>The row broke a rule (invalid email, unknown option …) and was not imported.</summary>
    public const string Rejected = "rejected";

    /// <summary>The row matched an existing record and the mode said to leave that alone.</summary>
    public const string Skipped = "skipped";
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
