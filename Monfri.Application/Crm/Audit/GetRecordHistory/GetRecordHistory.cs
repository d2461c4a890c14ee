using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Audit.GetRecordHistory;

/// <summary>The change history of one record, newest first (who changed which field, old → new).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetRecordHistoryQuery(CrmObjectType ObjectType, Guid RecordId, int PageIndex = 0, int PageSize = 50) : IQuery<Result<Page<AuditEntryDto>>>, IPagedQuery;

public sealed class GetRecordHistoryValidator : AbstractValidator<GetRecordHistoryQuery>
{
    public GetRecordHistoryValidator() => this.RuleForPaging(maxPageSize: 200);
}

public sealed class GetRecordHistoryHandler(IMonfriDbFactory dbFactory, CrmAccess access)
    : IQueryHandler<GetRecordHistoryQuery, Result<Page<AuditEntryDto>>>
{
    public async ValueTask<Result<Page<AuditEntryDto>>> Handle(GetRecordHistoryQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        Guid? owner = query.ObjectType switch
        {
            CrmObjectType.Contact => await db.People.Where(p => p.Id == query.RecordId).Select(p => p.OwnerId).FirstOrDefaultAsync(cancellationToken),
            CrmObjectType.Company => await db.Companies.Where(c => c.Id == query.RecordId).Select(c => c.OwnerId).FirstOrDefaultAsync(cancellationToken),
            _ => await db.Deals.Where(d => d.Id == query.RecordId).Select(d => d.OwnerId).FirstOrDefaultAsync(cancellationToken),
        };
        if (!await access.CanSeeAsync(db, owner, cancellationToken))
        {
            return Result<Page<AuditEntryDto>>.NotFound("That record does not exist, or you may not see it.");
        }

        var type = AuditEntry.For(query.ObjectType);
        return await AuditPages.PageAsync(db, db.AuditLog.Where(a => a.ObjectType == type && a.RecordId == query.RecordId), query.PageIndex, query.PageSize, cancellationToken);
    }
}
