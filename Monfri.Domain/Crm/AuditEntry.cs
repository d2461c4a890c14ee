namespace Monfri.Domain.Crm;

public enum AuditAction
{
    Created,
    Updated,
    Deleted,
    Merged,
    Imported,

    /// <summary>An Admin undid a merge: the absorbed person is back, with what was theirs.</summary>
    Unmerged,
}

/// <summary>Who changed what on which record, and when (old → new per field).</summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public long Id { get; private set; }
    public CrmObjectType ObjectType { get; private set; }
    public Guid RecordId { get; private set; }
    public AuditAction Action { get; private set; }
    public List<FieldChange> Changes { get; private set; } = [];
    public string? Summary { get; private set; }
    public Guid? UserId { get; private set; }
    public DateTimeOffset At { get; private set; }

    public static AuditEntry Record(CrmObjectType objectType, Guid recordId, AuditAction action, IEnumerable<FieldChange> changes, Guid? userId, DateTimeOffset at, string? summary = null) =>
        new()
        {
            ObjectType = objectType,
            RecordId = recordId,
            Action = action,
            Changes = changes.ToList(),
            UserId = userId,
            At = at,
            Summary = summary,
        };

    /// <summary>
    /// Adds field changes to an entry a use case wrote to explain a change itself (a merge), so the record's
    /// history tells it in one entry instead of a merge and a separate "updated".
    /// </summary>
    public void AddChanges(IEnumerable<FieldChange> changes) => Changes.AddRange(changes);
}

public sealed record FieldChange(string Field, string? Old, string? New);
