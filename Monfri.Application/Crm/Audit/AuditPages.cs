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

/// <summary>A page of audit entries with the names of who made them (both audit queries read it this way).</summary>
internal static class AuditPages
{
    public static async Task<Page<AuditEntryDto>> PageAsync(IMonfriDb db, IQueryable<AuditEntry> entries, int pageIndex, int pageSize, CancellationToken cancellationToken)
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
