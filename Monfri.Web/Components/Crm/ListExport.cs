using Microsoft.AspNetCore.WebUtilities;
using Monfri.Application.Common.Paging;

namespace Monfri.Web.Components.Crm;

/// <summary>Builds the CSV export link of a list with its current filters.</summary>
public static class ListExport
{
    public static string Url(string path, string? search, Guid? ownerId, bool unowned, string? stageOrIndustry, string? tag,
        IReadOnlyDictionary<string, string> customFields, string? sortBy, SortDirection direction, string stageParameter = "lifecycleStage",
        IEnumerable<Monfri.Application.Cdp.Traits.TraitCondition>? traits = null, Guid? segmentId = null)
    {
        var query = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Add(new(key, value));
            }
        }

        Add("search", search);
        Add("ownerId", ownerId?.ToString());
        Add("unowned", unowned ? "true" : null);
        Add(stageParameter, stageOrIndustry);
        Add("tag", tag);
        Add("segmentId", segmentId?.ToString());
        Add("sortBy", sortBy);
        Add("direction", direction.ToString());
        foreach (var (key, value) in customFields)
        {
            Add("cf", $"{key}:{value}");
        }

        foreach (var condition in traits ?? [])
        {
            Add("trait", condition.ToString());
        }

        return QueryHelpers.AddQueryString(path, query);
    }
}
