using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.BulkActions;

/// <summary>What every bulk action shares: the most records at once, and applying a change to the records the user may see.</summary>
internal static class BulkEdit
{
    public const int MaxRecords = 1000;

    public static async Task<Result<BulkOutcome>> ApplyAsync(IMonfriDb db, CrmAccess access, CrmObjectType type, IReadOnlyList<Guid> ids, Action<IBulkEditable> change, CancellationToken cancellationToken)
    {
        if (type == CrmObjectType.Deal && !access.CanEditDeals)
        {
            return Result<BulkOutcome>.Forbidden("Marketing can read deals but not change them.");
        }

        var wanted = ids.Distinct().ToList();
        List<IBulkEditable> records = type switch
        {
            CrmObjectType.Contact => [.. await (await access.VisibleAsync(db, db.People.Where(p => p.IsContact && wanted.Contains(p.Id)), cancellationToken)).ToListAsync(cancellationToken)],
            CrmObjectType.Company => [.. await (await access.VisibleAsync(db, db.Companies.Where(c => wanted.Contains(c.Id)), cancellationToken)).ToListAsync(cancellationToken)],
            // With their contacts: open boards and the contacts' pages follow deals changed in bulk like any other change
            // (DealLiveUpdates; a reassigned deal leaves its old owner's board).
            _ => [.. await (await access.VisibleAsync(db, db.Deals.Include(d => d.Contacts).Where(d => wanted.Contains(d.Id)), cancellationToken)).ToListAsync(cancellationToken)],
        };
        foreach (var record in records)
        {
            change(record);
        }

        await db.SaveChangesAsync(cancellationToken);

        return new BulkOutcome(records.Count, wanted.Count - records.Count);
    }
}
