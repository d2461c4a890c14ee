using System.Text;

namespace Monfri.Web.Features.Privacy;

/// <summary>
/// The words a privacy request's result counts show under (the eraser, exporter and suppressor count by key:
/// <c>counts["otherEventsRedacted"]</c>). A key not listed here reads as its camelCase split into words.
/// </summary>
public static class PrivacyCountLabels
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["activities"] = "activities",
        ["auditEntries"] = "history entries",
        ["auditEntriesRedacted"] = "history entries of others redacted",
        ["dealLinks"] = "deal links",
        ["deals"] = "deals",
        ["earlierRequests"] = "earlier requests",
        ["emails"] = "emails",
        ["events"] = "events",
        ["history"] = "history entries",
        ["identities"] = "identities",
        ["importFiles"] = "import files",
        ["importIssuesRedacted"] = "import issues redacted",
        ["intakeEvents"] = "unprocessed events",
        ["merges"] = "merges",
        ["otherEventsRedacted"] = "events of others redacted",
        ["otherTraitsRedacted"] = "traits of others redacted",
        ["profiles"] = "profiles",
        ["suppressedIdentities"] = "suppressed identities",
        ["traits"] = "traits",
    };

    public static string For(string key) => Labels.TryGetValue(key, out var label) ? label : Words(key);

    /// <summary>"someNewThing" → "some new thing".</summary>
    private static string Words(string key)
    {
        var words = new StringBuilder(key.Length + 8);
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(key[i - 1]) || char.IsDigit(key[i - 1]) || (i + 1 < key.Length && char.IsLower(key[i + 1]))) && key[i - 1] != ' ')
            {
                words.Append(' ');
            }

            words.Append(i > 0 && char.IsUpper(c) && (i + 1 >= key.Length || char.IsLower(key[i + 1])) ? char.ToLowerInvariant(c) : c);
        }

        return words.ToString();
    }
}
