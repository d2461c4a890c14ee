using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Privacy.GetPrivacyRequest;

/// <summary>One privacy request with its status and counts.</summary>
[RequiresPermission(Permission.ManagePrivacy)]
public sealed record GetPrivacyRequestQuery(Guid Id) : IQuery<Result<PrivacyRequestDto>>;

public sealed class GetPrivacyRequestHandler(IMonfriDbFactory dbFactory) : IQueryHandler<GetPrivacyRequestQuery, Result<PrivacyRequestDto>>
{
    public async ValueTask<Result<PrivacyRequestDto>> Handle(GetPrivacyRequestQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var request = await db.PrivacyRequests.AsNoTracking().Where(r => r.Id == query.Id).Select(PrivacyRequestDto.Project(db)).FirstOrDefaultAsync(cancellationToken);
        return request is null ? Result<PrivacyRequestDto>.NotFound("There is no such privacy request.") : request;
    }
}
