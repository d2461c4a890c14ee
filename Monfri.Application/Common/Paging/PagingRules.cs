using FluentValidation;

namespace Monfri.Application.Common.Paging;

/// <summary>A query that reads one page of a list by position (page index × page size rows skipped).</summary>
public interface IPagedQuery
{
    int PageIndex { get; }

    int PageSize { get; }
}

/// <summary>
/// The one paging rule of every list query. Beyond the size limit, the rows skipped (index × size) must fit an
/// int: page 2,147,483,647 of 500 overflowed to a negative OFFSET, which PostgreSQL refused with a 500.
/// </summary>
public static class PagingRules
{
    /// <summary>The most rows a page may skip; a list that long is far past any real one, and it is what Skip takes.</summary>
    public const int MaxSkippedRows = int.MaxValue;

    public static void RuleForPaging<T>(this AbstractValidator<T> validator, int maxPageSize)
        where T : IPagedQuery
    {
        validator.RuleFor(q => q.PageSize).InclusiveBetween(1, maxPageSize)
            .WithMessage($"Page size is between 1 and {maxPageSize}.");
        validator.RuleFor(q => q.PageIndex).GreaterThanOrEqualTo(0)
            .WithMessage("Page index starts at 0 (the first page).");
        validator.RuleFor(q => q.PageIndex)
            .Must((q, index) => (long)index * q.PageSize <= MaxSkippedRows)
            .When(q => q.PageIndex > 0 && q.PageSize is > 0)
            .WithMessage(q => $"Page {q.PageIndex} of {q.PageSize} rows is beyond any list: page index × page size must stay within {MaxSkippedRows:N0} rows.");
    }
}
