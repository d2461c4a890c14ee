using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Domain.Privacy;

public enum PrivacyRequestKind
{
    /// <summary>Everything Monfri holds about the person, as one JSON document.</summary>
    Export,

    /// <summary>The person, their identities, events, traits, activities and history are erased.</summary>
    Delete,

    /// <summary>Their identities are suppressed: future events are dropped at collection and they get no email.</summary>
    Suppress,
}

public enum PrivacyRequestStatus
{
    Queued,
    Running,
    Completed,

    /// <summary>The identity asked for matches no one: Monfri holds no data about them.</summary>
    NoDataHeld,
    Failed,
}

/// <summary>
/// A data subject's request (GDPR access, erasure or objection) run in the background. The identifier asked for
/// is kept only while it is needed: a deletion forgets it when it completes (only <see cref="MaskedIdentity"/>
/// stays), so the record of having erased someone does not itself identify them.
/// </summary>
public sealed class PrivacyRequest
{
    private PrivacyRequest()
    {
    }

    public Guid Id { get; private set; }
    public PrivacyRequestKind Kind { get; private set; }

    /// <summary><c>email</c>, <c>user_id</c>, <c>anonymous_id</c> or a custom external id type.</summary>
    public string IdentityType { get; private set; } = "";

    /// <summary>The identifier as asked for (normalized); null once a deletion covering it has completed.</summary>
    public string? IdentityValue { get; private set; }

    /// <summary>A display form that does not reveal the identifier, e.g. <c>a***@e***.com</c>.</summary>
    public string MaskedIdentity { get; private set; } = "";

    /// <summary>The profile the identifier resolved to; null before the run, when none, and after a deletion.</summary>
    public Guid? PersonId { get; private set; }

    public PrivacyRequestStatus Status { get; private set; }
    public string? Error { get; private set; }
    public Guid RequestedById { get; private set; }
    public DateTimeOffset RequestedAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>What was exported, erased or suppressed, by kind of data (e.g. <c>events: 1204</c>).</summary>
    public Dictionary<string, long> Counts { get; private set; } = [];

    /// <summary>Size of the stored export document in bytes; null when there is none (or it was erased).</summary>
    public long? ExportBytes { get; private set; }

    /// <summary>When an Admin lifted this suppression (its identifiers are tracked and emailed again); null while it holds.</summary>
    public DateTimeOffset? LiftedAt { get; private set; }

    /// <summary>A finished suppression that has not been lifted.</summary>
    public bool CanBeLifted => Kind == PrivacyRequestKind.Suppress && Status is (PrivacyRequestStatus.Completed or PrivacyRequestStatus.NoDataHeld) && LiftedAt is null;

    public bool IsFinished => Status is PrivacyRequestStatus.Completed or PrivacyRequestStatus.NoDataHeld or PrivacyRequestStatus.Failed;

    public static PrivacyRequest Queue(PrivacyRequestKind kind, string identityType, string identityValue, Guid requestedBy, DateTimeOffset now)
    {
        var type = IdentityTypes.NormalizeCustomType(identityType) ?? throw new DomainException($"'{identityType}' is not an identity type.");
        var value = Normalize(type, identityValue) ?? throw new DomainException("A privacy request needs an identifier.");
        return new PrivacyRequest
        {
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            IdentityType = type,
            IdentityValue = value,
            MaskedIdentity = Mask(type, value),
            Status = PrivacyRequestStatus.Queued,
            RequestedById = requestedBy,
            RequestedAt = now,
        };
    }

    /// <summary>Emails are compared lower-cased (as collection stores them); every other identifier as sent, trimmed.</summary>
    public static string? Normalize(string type, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        return type == IdentityTypes.Email ? trimmed.ToLowerInvariant() : trimmed;
    }

    /// <summary>
    /// Keeps the first letter of each part and the email's top-level domain: enough for an admin to tell requests
    /// apart, too little to recover the identifier. Short values are hidden completely.
    /// </summary>
    public static string Mask(string type, string value)
    {
        static string Part(string part) => part.Length < 4 ? "***" : $"{part[0]}***";

        var at = value.LastIndexOf('@');
        if (type == IdentityTypes.Email && at > 0 && at < value.Length - 1)
        {
            var domain = value[(at + 1)..];
            var dot = domain.LastIndexOf('.');
            var host = dot > 0 ? domain[..dot] : domain;
            var tld = dot > 0 ? domain[dot..] : "";
            return $"{Part(value[..at])}@{Part(host)}{tld}";
        }

        return value.Length < 8 ? "***" : $"{value[..2]}***{value[^2..]}";
    }

    public void Start(DateTimeOffset now)
    {
        Status = PrivacyRequestStatus.Running;
        StartedAt ??= now;
    }

    public void Complete(Guid? personId, IReadOnlyDictionary<string, long> counts, long? exportBytes, DateTimeOffset now)
    {
        Status = PrivacyRequestStatus.Completed;
        PersonId = personId;
        Counts = new Dictionary<string, long>(counts);
        ExportBytes = exportBytes;
        CompletedAt = now;
        Error = null;
        if (Kind == PrivacyRequestKind.Delete)
        {
            Forget();
        }
    }

    public void CompleteWithNoData(IReadOnlyDictionary<string, long> counts, DateTimeOffset now)
    {
        Status = PrivacyRequestStatus.NoDataHeld;
        Counts = new Dictionary<string, long>(counts);
        CompletedAt = now;
        Error = null;
        if (Kind == PrivacyRequestKind.Delete)
        {
            Forget();
        }
    }

    public void Fail(string reason, DateTimeOffset now)
    {
        Status = PrivacyRequestStatus.Failed;
        Error = reason;
        CompletedAt = now;
    }

    public void Lift(DateTimeOffset now)
    {
        if (!CanBeLifted)
        {
            throw new DomainException("Only a finished suppression that holds can be lifted.");
        }

        LiftedAt = now;
    }

    /// <summary>Drops the identifier, the link to the person and any export: what a deletion of that person leaves.</summary>
    public void Forget()
    {
        IdentityValue = null;
        PersonId = null;
        ExportBytes = null;
    }
}
