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

    /// <summary>A user was deactivated: their sessions end and their API tokens stop working.</summary>
    Deactivated,

    /// <summary>A deactivated user may sign in again.</summary>
    Reactivated,

    /// <summary>An API token was revoked.</summary>
    Revoked,

    /// <summary>A source's write key was replaced; the old one stopped working.</summary>
    KeyRotated,

    /// <summary>A source was switched off (its key is refused) or back on.</summary>
    Disabled,
    Enabled,

    /// <summary>A note, call, meeting, email or task was logged on the record.</summary>
    Logged,
}

/// <summary>
/// What an audit entry is about: the CRM records (named like <see cref="CrmObjectType"/>) and the workspace's
/// accounts and settings, which an admin must be able to trace as well.
/// </summary>
public enum AuditObjectType
{
    Contact,
    Company,
    Deal,
    User,
    ApiToken,
    Source,
    ComputedTrait,
    PrivacyRequest,
}

/// <summary>Who changed what on which record, and when (old → new per field).</summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public long Id { get; private set; }
    public AuditObjectType ObjectType { get; private set; }
    public Guid RecordId { get; private set; }
    public AuditAction Action { get; private set; }
    public List<FieldChange> Changes { get; private set; } = [];
    public string? Summary { get; private set; }
    public Guid? UserId { get; private set; }
    public DateTimeOffset At { get; private set; }

    public static AuditEntry Record(CrmObjectType objectType, Guid recordId, AuditAction action, IEnumerable<FieldChange> changes, Guid? userId, DateTimeOffset at, string? summary = null) =>
        Record(For(objectType), recordId, action, changes, userId, at, summary);

    public static AuditEntry Record(AuditObjectType objectType, Guid recordId, AuditAction action, IEnumerable<FieldChange> changes, Guid? userId, DateTimeOffset at, string? summary = null) =>
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

    /// <summary>The audit kind of a CRM record.</summary>
    public static AuditObjectType For(CrmObjectType type) => type switch
    {
        CrmObjectType.Contact => AuditObjectType.Contact,
        CrmObjectType.Company => AuditObjectType.Company,
        CrmObjectType.Deal => AuditObjectType.Deal,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}

public sealed record FieldChange(string Field, string? Old, string? New);
