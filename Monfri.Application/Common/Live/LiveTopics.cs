using System.Security.Claims;
using Monfri.Application.Common.Security;

namespace Monfri.Application.Common.Live;

/// <summary>
/// The topics screens can follow and who may read each. Topics are narrow (<c>pipeline:{id}</c>,
/// <c>profile:{id}</c>) so a subscriber only receives what it shows. A topic not listed here cannot be
/// subscribed to, which keeps a typo from silently showing nothing.
/// </summary>
public static class LiveTopics
{
    /// <summary>Workspace-wide notices every signed-in user sees (user joined, settings changed).</summary>
    public const string Workspace = "workspace";

    /// <summary>Notices for one user only (a task falls due, the account was changed).</summary>
    public static string User(Guid userId) => $"user:{userId}";

    /// <summary>Changes to one person (contact fields, events, activities, deals): their open record page follows it.</summary>
    public static string Profile(Guid personId) => $"profile:{personId}";

    /// <summary>Deal changes in one pipeline: every open board of it follows this.</summary>
    public static string Pipeline(Guid pipelineId) => $"pipeline:{pipelineId}";

    /// <summary>Privacy requests (queued, running, done): the Admin → Privacy page follows it.</summary>
    public const string Privacy = "privacy";

    /// <summary>Changes to one company's record.</summary>
    public static string Company(Guid companyId) => $"company:{companyId}";

    /// <summary>
    /// Something reports count changed (a deal moved or was won, an activity logged or a task completed): open
    /// dashboards and report pages reload, coalesced. Updates are scoped to the record's owner, so a rep limited to
    /// their own records hears only of theirs.
    /// </summary>
    public const string Reports = "reports";

    /// <summary>Computed trait definitions changed or a backfill moved on (Settings → Computed traits).</summary>
    public const string Traits = "traits";

    /// <summary>
    /// Who may follow each topic: a permission from <see cref="RolePermissions"/> (the same one the topic's screen and
    /// messages need), none for workspace notices, and only the user themselves for <c>user:{id}</c>. A prefix ends in ':'.
    /// </summary>
    public static IReadOnlyList<(string Prefix, Permission? Permission, bool OwnOnly)> Rules { get; } =
    [
        (Workspace, null, false),
        ("user:", null, true),
        ("pipeline:", Permission.ViewDeals, false),
        (ProfilePrefix, Permission.ViewContacts, false),
        (CompanyPrefix, Permission.ViewContacts, false),
        ("visitors", Permission.ViewVisitors, false),
        ("source:", Permission.ManageSources, false),
        ("segment:", Permission.ViewSegments, false),
        (Reports, Permission.ViewReports, false),
        (Privacy, Permission.ManagePrivacy, false),
        (Traits, Permission.ManageComputedTraits, false),
    ];

    /// <summary>The record a topic is about (<c>profile:{id}</c>, <c>company:{id}</c>), or null for any other topic.</summary>
    public static (string Prefix, Guid Id)? RecordOf(string topic)
    {
        foreach (var prefix in RecordPrefixes)
        {
            if (topic.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(topic.AsSpan(prefix.Length), out var id))
            {
                return (prefix, id);
            }
        }

        return null;
    }

    public const string ProfilePrefix = "profile:";
    public const string CompanyPrefix = "company:";
    private static readonly string[] RecordPrefixes = [ProfilePrefix, CompanyPrefix];

    public static bool IsValid(string topic) =>
        !string.IsNullOrWhiteSpace(topic) && topic.Length <= 200 && Find(topic) is not null;

    /// <summary>Whether <paramref name="viewer"/> may receive updates of <paramref name="topic"/>.</summary>
    public static bool CanRead(ClaimsPrincipal viewer, string topic)
    {
        if (viewer.Identity?.IsAuthenticated != true || Find(topic) is not { } rule)
        {
            return false;
        }

        if (rule.OwnOnly)
        {
            var id = viewer.FindFirst(ClaimTypes.NameIdentifier)?.Value;
            return id is not null && string.Equals(topic, $"{rule.Prefix}{id}", StringComparison.OrdinalIgnoreCase);
        }

        return rule.Permission is not { } permission || RolePermissions.Grants(viewer, permission);
    }

    private static (string Prefix, Permission? Permission, bool OwnOnly)? Find(string topic)
    {
        foreach (var rule in Rules)
        {
            var exact = !rule.Prefix.EndsWith(':');
            if (exact ? topic == rule.Prefix : topic.StartsWith(rule.Prefix, StringComparison.Ordinal) && topic.Length > rule.Prefix.Length)
            {
                return rule;
            }
        }

        return null;
    }
}
