using System.Linq.Expressions;
using Monfri.Application.Common.Persistence;
using Monfri.Domain.Privacy;

namespace Monfri.Application.Privacy;

/// <summary>A privacy request as listed: the identifier only masked, whatever the request's state.</summary>
public sealed record PrivacyRequestDto(
    Guid Id,
    PrivacyRequestKind Kind,
    string IdentityType,
    string MaskedIdentity,
    PrivacyRequestStatus Status,
    string? Error,
    Guid RequestedById,
    string? RequestedByName,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyDictionary<string, long> Counts,
    long? ExportBytes,
    DateTimeOffset? LiftedAt)
{
    /// <summary>Whether an export document can be downloaded.</summary>
    public bool HasExport => Kind == PrivacyRequestKind.Export && Status == PrivacyRequestStatus.Completed && ExportBytes is not null;

    /// <summary>Whether this is a suppression that holds and an Admin may lift.</summary>
    public bool CanBeLifted => Kind == PrivacyRequestKind.Suppress && Status is (PrivacyRequestStatus.Completed or PrivacyRequestStatus.NoDataHeld) && LiftedAt is null;

    public static Expression<Func<PrivacyRequest, PrivacyRequestDto>> Project(IMonfriDb db) =>
        r => new PrivacyRequestDto(r.Id, r.Kind, r.IdentityType, r.MaskedIdentity, r.Status, r.Error, r.RequestedById,
            db.UserRefs.Where(u => u.Id == r.RequestedById).Select(u => u.DisplayName).FirstOrDefault(),
            r.RequestedAt, r.StartedAt, r.CompletedAt, r.Counts, r.ExportBytes, r.LiftedAt);

    public static PrivacyRequestDto From(PrivacyRequest r, string? requestedByName) =>
        new(r.Id, r.Kind, r.IdentityType, r.MaskedIdentity, r.Status, r.Error, r.RequestedById, requestedByName,
            r.RequestedAt, r.StartedAt, r.CompletedAt, r.Counts, r.ExportBytes, r.LiftedAt);
}

/// <summary>The live topic of the Admin → Privacy page and what it carries.</summary>
public static class PrivacyLive
{
    /// <summary>A request was queued or changed status; data: the <see cref="PrivacyRequestDto"/>.</summary>
    public const string Changed = "privacy.request";
}
