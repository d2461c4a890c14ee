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

namespace Monfri.Application.Crm.Audit;

public sealed record AuditEntryDto(long Id, AuditObjectType ObjectType, Guid RecordId, AuditAction Action, IReadOnlyList<FieldChange> Changes, string? Summary, string? UserName, DateTimeOffset At);

/// <summary>The change history of one record, newest first (who changed which field, old → new).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetRecordHistoryQuery(CrmObjectType ObjectType, Guid RecordId, int PageIndex = 0, int PageSize = 50) : IQuery<Result<Page<AuditEntryDto>>>, IPagedQuery;

/// <summary>The workspace's audit log for admins, newest first, filterable by kind (records, users, tokens, sources …) and user.</summary>
[RequiresPermission(Permission.ViewAuditLog)]
public sealed record ListAuditLogQuery(AuditObjectType? ObjectType = null, Guid? UserId = null, int PageIndex = 0, int PageSize = 50) : IQuery<Result<Page<AuditEntryDto>>>, IPagedQuery;

public sealed class GetRecordHistoryValidator : AbstractValidator<GetRecordHistoryQuery>
{
    public GetRecordHistoryValidator() => this.RuleForPaging(maxPageSize: 200);
}

public sealed class ListAuditLogValidator : AbstractValidator<ListAuditLogQuery>
{
    public ListAuditLogValidator() => this.RuleForPaging(maxPageSize: 200);
}

public sealed class AuditQueriesHandler(IMonfriDbFactory dbFactory, CrmAccess access)
    : IQueryHandler<GetRecordHistoryQuery, Result<Page<AuditEntryDto>>>,
      IQueryHandler<ListAuditLogQuery, Result<Page<AuditEntryDto>>>
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
        return await PageAsync(db, db.AuditLog.Where(a => a.ObjectType == type && a.RecordId == query.RecordId), query.PageIndex, query.PageSize, cancellationToken);
    }

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

        return await PageAsync(db, entries, query.PageIndex, query.PageSize, cancellationToken);
    }

    private static async Task<Page<AuditEntryDto>> PageAsync(IMonfriDb db, IQueryable<AuditEntry> entries, int pageIndex, int pageSize, CancellationToken cancellationToken)
    {
        var total = await entries.CountAsync(cancellationToken);
        var items = await (
                from a in entries.AsNoTracking()
                join u in db.UserRefs on a.UserId equals u.Id into users
                from u in users.DefaultIfEmpty()
                orderby a.At descending, a.Id descending
                select new AuditEntryDto(a.Id, a.ObjectType, a.RecordId, a.Action, a.Changes, a.Summary, u == null ? null : u.DisplayName, a.At))
            .Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new Page<AuditEntryDto>(items, pageIndex, pageSize, total);
    }
}
