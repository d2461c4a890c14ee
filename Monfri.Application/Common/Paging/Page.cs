namespace Monfri.Application.Common.Paging;

/// <summary>One page of a list, with the total count of matching rows.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageIndex, int PageSize, int TotalCount)
{
    public int PageCount => PageSize == 0 ? 0 : (TotalCount + PageSize - 1) / PageSize;
}

public enum SortDirection
{
    Ascending,
    Descending,
}
