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

namespace Monfri.Application.Crm.Audit.ListAuditLog;

/// <summary>The workspace's audit log for admins, newest first, filterable by kind (records, users, tokens, sources …) and user.</summary>
[RequiresPermission(Permission.ViewAuditLog)]
public sealed record ListAuditLogQuery(AuditObjectType? ObjectType = null, Guid? UserId = null, int PageIndex = 0, int PageSize = 50) : IQuery<Result<Page<AuditEntryDto>>>, IPagedQuery;

public sealed class ListAuditLogValidator : AbstractValidator<ListAuditLogQuery>
{
    public ListAuditLogValidator() => this.RuleForPaging(maxPageSize: 200);
}

public sealed class ListAuditLogHandler(IMonfriDbFactory dbFactory)
    : IQueryHandler<ListAuditLogQuery, Result<Page<AuditEntryDto>>>
{
    public async ValueTask<Result<Page<AuditEntryDto>>> Handle(ListAuditLogQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var entries = db.AuditLog.AsQueryable();
        if (query.ObjectType is { } type)
        {
            entries = entries.Where(a => a.ObjectType == type);
        }

        if (query.UserId is { } userId)
        {
            entries = entries.Where(a => a.UserId == userId);
        }

        return await AuditPages.PageAsync(db, entries, query.PageIndex, query.PageSize, cancellationToken);
    }
}
