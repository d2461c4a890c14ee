using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Imports;

/// <summary>An import as its page and the API show it: progress, counts and outcome.</summary>
public sealed record ImportJobDto(
    Guid Id,
    CrmObjectType ObjectType,
    string FileName,
    ImportMode Mode,
    ImportStatus Status,
    int TotalRows,
    int ProcessedRows,
    int Created,
    int Updated,
    int Skipped,
    int Failed,
    int CompaniesCreated,
    string? Error,
    string Encoding,
    char Delimiter,
    IReadOnlyDictionary<string, string> Mapping,
    Guid CreatedById,
    string? CreatedByName,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    public bool IsFinished => Status is ImportStatus.Completed or ImportStatus.Failed;

    public int Percent => TotalRows == 0 ? (IsFinished ? 100 : 0) : (int)Math.Min(100, ProcessedRows * 100L / TotalRows);
}

/// <summary>Why one row was not imported.</summary>
public sealed record ImportIssueDto(int Row, string Outcome, string Reason);

/// <summary>What the worker publishes on its creator's live topic after every batch (kind <c>import.progress</c>).</summary>
public sealed record ImportProgress(Guid JobId, ImportStatus Status, int TotalRows, int ProcessedRows, int Created, int Updated, int Skipped, int Failed, int CompaniesCreated)
{
    public const string Kind = "import.progress";
}
