using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Common;

/// <summary>
/// Record-level visibility: with "reps see only their own records" on, a Sales user (who is not also a
/// Manager or Admin) sees only records they own. Applied inside every query, so a URL or an API call
/// cannot reach what a list hides.
/// </summary>
public sealed class CrmAccess(ICurrentUser currentUser)
{
    public Guid? UserId => currentUser.Id;

    public bool CanEditDeals => currentUser.Can(Permission.EditDeals);

    public bool CanConfigure => currentUser.Can(Permission.ConfigureCrm);

    public bool CanOverrideStageRules => currentUser.Can(Permission.OverrideStageRules);

    /// <summary>
    /// Whether someone with these roles is limited to their own records when the workspace turns the rule on:
    /// reps (Sales users) without <see cref="Permission.SeeAllRecords"/>. Shared with the live feed's audience rule
    /// and with work done later on a user's behalf (an import job).
    /// </summary>
    public static bool IsSubjectToOwnRecordsRule(Func<string, bool> isInRole) =>
        isInRole(Roles.Sales) && !RolePermissions.Grants(isInRole, Permission.SeeAllRecords);

    /// <summary>Whether the workspace's "reps see only their own records" rule would limit the current user (no database read).</summary>
    public bool MayBeLimitedToOwnRecords => !currentUser.IsSystem && IsSubjectToOwnRecordsRule(currentUser.IsInRole);

    /// <summary>Whether the current user is limited to their own records right now.</summary>
    public async Task<bool> OwnRecordsOnlyAsync(IMonfriDb db, CancellationToken cancellationToken)
    {
        if (!MayBeLimitedToOwnRecords)
        {
            return false;
        }

        return await db.WorkspaceSettings.AsNoTracking().Where(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId).Select(s => s.RepsSeeOnlyOwnRecords).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Narrows <paramref name="records"/> to what the current user may see.</summary>
    public async Task<IQueryable<T>> VisibleAsync<T>(IMonfriDb db, IQueryable<T> records, CancellationToken cancellationToken)
        where T : class, IOwnedRecord
    {
        if (!await OwnRecordsOnlyAsync(db, cancellationToken))
        {
            return records;
        }

        var me = currentUser.Id;
        return records.Where(r => r.OwnerId == me);
    }

    /// <summary>
    /// What a user is told when what they enter (an email, a domain) already belongs to a record they may not see:
    /// that it exists — a unique rule cannot hide that — but neither its id nor its name, and whom to ask.
    /// </summary>
    public static async Task<string> HiddenDuplicateMessageAsync(IMonfriDb db, string what, Guid? ownerId, CancellationToken cancellationToken)
    {
        var owner = ownerId is { } id ? await db.UserRefs.Where(u => u.Id == id).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken) : null;
        return owner is null
            ? $"{what} already exists, but you cannot see it. Ask an admin or a manager to give it to you rather than creating a second one."
            : $"{what} already exists, but it belongs to {owner} and you cannot see it. Ask {owner} to give it to you, or to add what you need, rather than creating a second one.";
    }

    /// <summary>Whether the current user may see one record with this owner.</summary>
    public async Task<bool> CanSeeAsync(IMonfriDb db, Guid? ownerId, CancellationToken cancellationToken) =>
        !await OwnRecordsOnlyAsync(db, cancellationToken) || ownerId == currentUser.Id;
}
