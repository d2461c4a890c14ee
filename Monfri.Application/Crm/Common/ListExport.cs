using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Common;

/// <summary>
/// A list exported whole: the object's custom fields (for the columns) and its rows, read while they are
/// written out — a 100,000-row export never sits in memory. The rows are read on their own unit of work, so
/// they can be enumerated after the query returned (once).
/// </summary>
public sealed record ListExport<T>(IReadOnlyList<CustomFieldDefinition> Fields, IAsyncEnumerable<T> Rows);
