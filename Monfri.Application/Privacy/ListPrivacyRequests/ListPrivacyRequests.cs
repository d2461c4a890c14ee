using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Privacy.ListPrivacyRequests;

/// <summary>Privacy requests, newest first, with their status and counts.</summary>
[RequiresPermission(Permission.ManagePrivacy)]
public sealed record ListPrivacyRequestsQuery(int PageIndex = 0, int PageSize = 20) : IQuery<Result<Page<PrivacyRequestDto>>>, IPagedQuery;

public sealed class ListPrivacyRequestsHandler(IMonfriDbFactory dbFactory) : IQueryHandler<ListPrivacyRequestsQuery, Result<Page<PrivacyRequestDto>>>
{
    public async ValueTask<Result<Page<PrivacyRequestDto>>> Handle(ListPrivacyRequestsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var requests = db.PrivacyRequests.AsNoTracking();
        var total = await requests.CountAsync(cancellationToken);
        var items = await requests.OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id)
            .Skip(query.PageIndex * query.PageSize).Take(query.PageSize)
            .Select(PrivacyRequestDto.Project(db)).ToListAsync(cancellationToken);
        return new Page<PrivacyRequestDto>(items, query.PageIndex, query.PageSize, total);
    }
}
