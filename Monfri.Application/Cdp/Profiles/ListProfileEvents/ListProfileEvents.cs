using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;

namespace Monfri.Application.Cdp.Profiles.ListProfileEvents;

/// <summary>A profile's events, newest first, one page at a time.</summary>
[RequiresPermission(Permission.ViewProfiles)]
public sealed record ListProfileEventsQuery(string IdType, string Value, int PageIndex = 0, int PageSize = 50) : IQuery<Result<Page<ProfileEventDto>>>, IPagedQuery;

public sealed class ListProfileEventsValidator : AbstractValidator<ListProfileEventsQuery>
{
    public ListProfileEventsValidator() => this.RuleForPaging(maxPageSize: 500);
}

public sealed class ListProfileEventsHandler(IMonfriDbFactory dbFactory, IProfileStore store, CrmAccess access)
    : IQueryHandler<ListProfileEventsQuery, Result<Page<ProfileEventDto>>>
{
    public async ValueTask<Result<Page<ProfileEventDto>>> Handle(ListProfileEventsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (await ProfileLookup.FindAsync(db, query.IdType, query.Value, cancellationToken) is not { } personId
            || await ProfileVisibility.FindAsync(db, access, personId, cancellationToken) is null)
        {
            return Result<Page<ProfileEventDto>>.NotFound($"No profile has the identifier {query.IdType}:{query.Value}, or you may not see it.");
        }

        var (items, total) = await store.EventsAsync(personId, query.PageIndex, query.PageSize, cancellationToken);
        return new Page<ProfileEventDto>(items, query.PageIndex, query.PageSize, total);
    }
}
