using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Companies.ListCompanies;

public sealed record CompanyFilter
{
    public string? Search { get; init; }
    public Guid? OwnerId { get; init; }
    public bool Unowned { get; init; }
    public string? Industry { get; init; }
    public string? Tag { get; init; }
    public IReadOnlyDictionary<string, string> CustomFields { get; init; } = new Dictionary<string, string>();
}

[RequiresPermission(Permission.ViewContacts)]
public sealed record ListCompaniesQuery(
    CompanyFilter Filter,
    string? SortBy = null,
    SortDirection Direction = SortDirection.Ascending,
    int PageIndex = 0,
    int PageSize = 50) : IQuery<Result<Page<CompanyListItem>>>, IPagedQuery;

public sealed class ListCompaniesValidator : AbstractValidator<ListCompaniesQuery>
{
    public static readonly string[] SortFields = ["name", "domain", "industry", "owner", "createdAt", "updatedAt", "lastActivityAt"];

    public ListCompaniesValidator()
    {
        this.RuleForPaging(maxPageSize: 500);
        RuleFor(q => q.SortBy).Must(s => s is null || SortFields.Contains(s)).WithMessage($"Sort by one of: {string.Join(", ", SortFields)}.");
    }
}

public sealed class ListCompaniesHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<ListCompaniesQuery, Result<Page<CompanyListItem>>>
{
    public async ValueTask<Result<Page<CompanyListItem>>> Handle(ListCompaniesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var filtered = await CompanyQueries.FilterAsync(db, access, query.Filter, cancellationToken);
        if (!filtered.IsSuccess)
        {
            return Result<Page<CompanyListItem>>.From(filtered);
        }

        var total = await filtered.Value.CountAsync(cancellationToken);
        var items = await CompanyQueries.Project(db, filtered.Value, query.SortBy, query.Direction)
            .Skip(query.PageIndex * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new Page<CompanyListItem>(items, query.PageIndex, query.PageSize, total);
    }
}

public static class CompanyQueries
{
    public static async Task<Result<IQueryable<Company>>> FilterAsync(IMonfriDb db, CrmAccess access, CompanyFilter filter, CancellationToken cancellationToken)
    {
        var companies = await access.VisibleAsync(db, db.Companies.AsNoTracking(), cancellationToken);
        if (SearchTerms.ToPattern(filter.Search) is { } pattern)
        {
            companies = companies.Where(c => EF.Functions.Like(EF.Property<string>(c, SearchTerms.Column), pattern, "\\"));
        }

        if (filter.Unowned)
        {
            companies = companies.Where(c => c.OwnerId == null);
        }
        else if (filter.OwnerId is { } ownerId)
        {
            companies = companies.Where(c => c.OwnerId == ownerId);
        }

        if (!string.IsNullOrWhiteSpace(filter.Industry))
        {
            companies = companies.Where(c => c.Industry == filter.Industry);
        }

        if (!string.IsNullOrWhiteSpace(filter.Tag))
        {
            var tag = filter.Tag.Trim();
            companies = companies.Where(c => c.Tags.Contains(tag));
        }

        var fragments = await CustomFieldFilters.ToFragmentsAsync(db, CrmObjectType.Company, filter.CustomFields, cancellationToken);
        if (!fragments.IsSuccess)
        {
            return Result<IQueryable<Company>>.From(fragments);
        }

        foreach (var fragment in fragments.Value)
        {
            companies = companies.Where(c => DbJson.Contains(c.CustomFields, fragment));
        }

        return Result<IQueryable<Company>>.Success(companies);
    }

    public static IQueryable<CompanyListItem> Project(IMonfriDb db, IQueryable<Company> companies, string? sortBy, SortDirection direction)
    {
        var rows =
            from c in companies
            join u in db.UserRefs on c.OwnerId equals u.Id into owners
            from u in owners.DefaultIfEmpty()
            select new { c, OwnerName = u == null ? null : u.DisplayName };
        var descending = direction == SortDirection.Descending;
        var sorted = sortBy switch
        {
            "domain" => descending ? rows.OrderByDescending(r => r.c.Domain) : rows.OrderBy(r => r.c.Domain),
            "industry" => descending ? rows.OrderByDescending(r => r.c.Industry) : rows.OrderBy(r => r.c.Industry),
            "owner" => descending ? rows.OrderByDescending(r => r.OwnerName) : rows.OrderBy(r => r.OwnerName),
            "createdAt" => descending ? rows.OrderByDescending(r => r.c.CreatedAt) : rows.OrderBy(r => r.c.CreatedAt),
            "updatedAt" => descending ? rows.OrderByDescending(r => r.c.UpdatedAt) : rows.OrderBy(r => r.c.UpdatedAt),
            "lastActivityAt" => descending ? rows.OrderByDescending(r => r.c.LastActivityAt) : rows.OrderBy(r => r.c.LastActivityAt),
            _ => descending ? rows.OrderByDescending(r => r.c.Name) : rows.OrderBy(r => r.c.Name),
        };
        return sorted.ThenBy(r => r.c.Id).Select(r => new CompanyListItem(
            r.c.Id, r.c.Name, r.c.Domain, r.c.Industry, r.c.Size, r.c.OwnerId, r.OwnerName,
            db.People.Count(p => p.CompanyId == r.c.Id && p.IsContact),
            db.Deals.Count(d => d.CompanyId == r.c.Id && d.Status == DealStatus.Open),
            r.c.Tags, r.c.CustomFields, r.c.CreatedAt, r.c.UpdatedAt, r.c.LastActivityAt));
    }
}
