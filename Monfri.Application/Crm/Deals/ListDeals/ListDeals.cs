using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals.ListDeals;

/// <summary>What narrows the deals list (also used by saved views and CSV export).</summary>
public sealed record DealFilter
{
    /// <summary>Part of the deal's name.</summary>
    public string? Search { get; init; }

    public Guid? PipelineId { get; init; }
    public Guid? StageId { get; init; }
    public DealStatus? Status { get; init; }
    public Guid? OwnerId { get; init; }
    public DateOnly? CloseDateFrom { get; init; }
    public DateOnly? CloseDateTo { get; init; }
    public decimal? AmountMin { get; init; }
    public decimal? AmountMax { get; init; }
    public string? Tag { get; init; }

    /// <summary>Custom field key → value the field must have (for multi select: must include).</summary>
    public IReadOnlyDictionary<string, string> CustomFields { get; init; } = new Dictionary<string, string>();
}

/// <summary>A page of deals, filtered, searched and sorted in the database; reps limited to their own records see only those.</summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record ListDealsQuery(
    DealFilter Filter,
    string? SortBy = null,
    SortDirection Direction = SortDirection.Ascending,
    int PageIndex = 0,
    int PageSize = 50) : IQuery<Result<Page<DealListItem>>>, IPagedQuery;

public sealed class ListDealsValidator : AbstractValidator<ListDealsQuery>
{
    public static readonly string[] SortFields = ["name", "amount", "weightedAmount", "closeDate", "stage", "pipeline", "owner", "company", "status", "createdAt", "updatedAt"];

    public ListDealsValidator()
    {
        this.RuleForPaging(maxPageSize: 500);
        RuleFor(q => q.SortBy).Must(s => s is null || SortFields.Contains(s))
            .WithMessage($"Sort by one of: {string.Join(", ", SortFields)}.");
        RuleFor(q => q.Filter.AmountMax).Must((q, max) => max is null || q.Filter.AmountMin is null || max >= q.Filter.AmountMin)
            .WithMessage("The largest amount must not be below the smallest.").OverridePropertyName("AmountMax");
        RuleFor(q => q.Filter.CloseDateTo).Must((q, to) => to is null || q.Filter.CloseDateFrom is null || to >= q.Filter.CloseDateFrom)
            .WithMessage("The close date range ends before it starts.").OverridePropertyName("CloseDateTo");
    }
}

public sealed class ListDealsHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<ListDealsQuery, Result<Page<DealListItem>>>
{
    public async ValueTask<Result<Page<DealListItem>>> Handle(ListDealsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var filtered = await DealListQueries.FilterAsync(db, access, query.Filter, cancellationToken);
        if (!filtered.IsSuccess)
        {
            return Result<Page<DealListItem>>.From(filtered);
        }

        var deals = filtered.Value;
        var total = await deals.CountAsync(cancellationToken);
        var items = await DealListQueries.Project(db, deals, query.SortBy, query.Direction)
            .Skip(query.PageIndex * query.PageSize).Take(query.PageSize)
            .ToListAsync(cancellationToken);
        return new Page<DealListItem>(items, query.PageIndex, query.PageSize, total);
    }
}

/// <summary>The deals list's filtering, sorting and projection, shared by the list and the CSV export.</summary>
public static class DealListQueries
{
    // SearchTerms escapes % and _ with a backslash; Npgsql's two-argument Like sends ESCAPE '', so name it here.
    private const string LikeEscape = "\\";

    /// <summary>
    /// The criteria the deals list and the pipeline board share (owner, close dates, amount range, tag), so
    /// both screens narrow deals the same way.
    /// </summary>
    public static IQueryable<Deal> Narrow(IQueryable<Deal> deals, Guid? ownerId, DateOnly? closeDateFrom, DateOnly? closeDateTo, decimal? amountMin, decimal? amountMax, string? tag)
    {
        if (ownerId is { } owner)
        {
            deals = deals.Where(d => d.OwnerId == owner);
        }

        if (closeDateFrom is { } from)
        {
            deals = deals.Where(d => d.CloseDate >= from);
        }

        if (closeDateTo is { } to)
        {
            deals = deals.Where(d => d.CloseDate <= to);
        }

        if (amountMin is { } min)
        {
            deals = deals.Where(d => d.Amount >= min);
        }

        if (amountMax is { } max)
        {
            deals = deals.Where(d => d.Amount <= max);
        }

        if (!string.IsNullOrWhiteSpace(tag))
        {
            var trimmed = tag.Trim();
            deals = deals.Where(d => d.Tags.Contains(trimmed));
        }

        return deals;
    }

    public static async Task<Result<IQueryable<Deal>>> FilterAsync(IMonfriDb db, CrmAccess access, DealFilter filter, CancellationToken cancellationToken)
    {
        var deals = await access.VisibleAsync(db, db.Deals.AsNoTracking(), cancellationToken);
        if (SearchTerms.ToPattern(filter.Search) is { } pattern)
        {
            deals = deals.Where(d => EF.Functions.Like(EF.Property<string>(d, SearchTerms.Column), pattern, LikeEscape));
        }

        if (filter.PipelineId is { } pipelineId)
        {
            deals = deals.Where(d => d.PipelineId == pipelineId);
        }

        if (filter.StageId is { } stageId)
        {
            deals = deals.Where(d => d.StageId == stageId);
        }

        if (filter.Status is { } status)
        {
            deals = deals.Where(d => d.Status == status);
        }

        deals = Narrow(deals, filter.OwnerId, filter.CloseDateFrom, filter.CloseDateTo, filter.AmountMin, filter.AmountMax, filter.Tag);

        var fragments = await CustomFieldFilters.ToFragmentsAsync(db, CrmObjectType.Deal, filter.CustomFields, cancellationToken);
        if (!fragments.IsSuccess)
        {
            return Result<IQueryable<Deal>>.From(fragments);
        }

        foreach (var fragment in fragments.Value)
        {
            deals = deals.Where(d => DbJson.Contains(d.CustomFields, fragment));
        }

        return Result<IQueryable<Deal>>.Success(deals);
    }

    // Deals have no navigations to stages, companies or users (separate aggregates), so the list joins them here
    // and reads only the columns a row shows.
    public static IQueryable<DealListItem> Project(IMonfriDb db, IQueryable<Deal> deals, string? sortBy, SortDirection direction)
    {
        var rows =
            from d in deals
            join s in db.PipelineStages on d.StageId equals s.Id
            join p in db.Pipelines on d.PipelineId equals p.Id
            join c in db.Companies on d.CompanyId equals c.Id into companies
            from c in companies.DefaultIfEmpty()
            join u in db.UserRefs on d.OwnerId equals u.Id into owners
            from u in owners.DefaultIfEmpty()
            select new
            {
                d,
                StageName = s.Name,
                StageOrder = s.Order,
                s.Probability,
                PipelineName = p.Name,
                CompanyName = c == null ? null : c.Name,
                OwnerName = u == null ? null : u.DisplayName,
                Weighted = (d.Amount ?? 0m) * s.Probability / 100m,
            };

        // Empty values sort last both ways (PostgreSQL would put them first when descending).
        var descending = direction == SortDirection.Descending;
        var sorted = sortBy switch
        {
            "name" => descending ? rows.OrderByDescending(r => r.d.Name) : rows.OrderBy(r => r.d.Name),
            "amount" => descending ? rows.OrderBy(r => r.d.Amount == null).ThenByDescending(r => r.d.Amount) : rows.OrderBy(r => r.d.Amount),
            "weightedAmount" => descending ? rows.OrderByDescending(r => r.Weighted) : rows.OrderBy(r => r.Weighted),
            "closeDate" => descending ? rows.OrderBy(r => r.d.CloseDate == null).ThenByDescending(r => r.d.CloseDate) : rows.OrderBy(r => r.d.CloseDate),
            "stage" => descending ? rows.OrderByDescending(r => r.PipelineName).ThenByDescending(r => r.StageOrder) : rows.OrderBy(r => r.PipelineName).ThenBy(r => r.StageOrder),
            "pipeline" => descending ? rows.OrderByDescending(r => r.PipelineName) : rows.OrderBy(r => r.PipelineName),
            "owner" => descending ? rows.OrderBy(r => r.OwnerName == null).ThenByDescending(r => r.OwnerName) : rows.OrderBy(r => r.OwnerName),
            "company" => descending ? rows.OrderBy(r => r.CompanyName == null).ThenByDescending(r => r.CompanyName) : rows.OrderBy(r => r.CompanyName),
            "status" => descending ? rows.OrderByDescending(r => r.d.Status) : rows.OrderBy(r => r.d.Status),
            "createdAt" => descending ? rows.OrderByDescending(r => r.d.CreatedAt) : rows.OrderBy(r => r.d.CreatedAt),
            "updatedAt" => descending ? rows.OrderByDescending(r => r.d.UpdatedAt) : rows.OrderBy(r => r.d.UpdatedAt),
            _ => rows.OrderByDescending(r => r.d.CreatedAt),
        };

        // The id breaks ties so paging is stable.
        return sorted.ThenBy(r => r.d.Id).Select(r => new DealListItem(
            r.d.Id, r.d.Name, r.d.Amount, r.d.Currency, r.d.CloseDate, r.d.Status,
            r.d.PipelineId, r.PipelineName, r.d.StageId, r.StageName, r.Probability, r.Weighted,
            r.d.OwnerId, r.OwnerName, r.d.CompanyId, r.CompanyName, r.d.Tags, r.d.CustomFields,
            r.d.CreatedAt, r.d.UpdatedAt, r.d.Version));
    }
}
