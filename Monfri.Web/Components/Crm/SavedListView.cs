using System.Text.Json;
using Monfri.Application.Common.Paging;

namespace Monfri.Web.Components.Crm;

/// <summary>What a saved view keeps of a list: its filter (the list's own filter record as JSON), sort and columns.</summary>
public sealed record SavedListView(JsonElement Filter, string? SortBy, SortDirection Direction, IReadOnlyList<string> Columns);
