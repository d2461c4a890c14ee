using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities;

/// <summary>
/// The rules the activity use cases share: which records an activity may be attached to, who may change
/// or remove it, and who may see it at all. Kept in one place so the UI, the API and every handler agree.
/// </summary>
internal static class ActivityRules
{
    public const string DealRoleMessage = "Activities on deals need the Admin, Manager or Sales role.";

    /// <summary>Authors, assignees, managers and admins edit an activity (and complete a task).</summary>
    public static bool MayEdit(Activity activity, ICurrentUser user) =>
        IsPrivileged(user) || activity.CreatedById == user.Id || activity.AssigneeId == user.Id;

    /// <summary>The assignee may finish or edit a task they were given, but removing it is for its author or a manager.</summary>
    public static bool MayDelete(Activity activity, ICurrentUser user) =>
        IsPrivileged(user) || activity.CreatedById == user.Id;

    /// <summary>Everything <see cref="UpdateActivity.UpdateActivityHandler"/> checks of the user: <see cref="MayEdit"/>, and on a deal <see cref="Permission.EditDeals"/>.</summary>
    public static bool MayUpdate(Activity activity, ICurrentUser user) =>
        MayEdit(activity, user) && (activity.DealId is null || user.Can(Permission.EditDeals));

    /// <summary>Everything <see cref="CompleteTask.CompleteTaskHandler"/> checks of the user: a task on a deal is still its assignee's to finish.</summary>
    public static bool MayComplete(Activity activity, ICurrentUser user) =>
        MayEdit(activity, user) && (activity.DealId is null || activity.AssigneeId == user.Id || user.Can(Permission.EditDeals));

    /// <summary>Everything <see cref="DeleteActivity.DeleteActivityHandler"/> checks of the user.</summary>
    public static bool MayRemove(Activity activity, ICurrentUser user) =>
        MayDelete(activity, user) && (activity.DealId is null || user.Can(Permission.EditDeals));

    /// <summary>Whether the user may log an activity on a record: on a deal that takes <see cref="Permission.EditDeals"/> too.</summary>
    public static bool MayLog(ICurrentUser user, bool onDeal) =>
        user.Can(Permission.LogActivities) && (!onDeal || user.Can(Permission.EditDeals));

    /// <summary>
    /// An activity is visible with any record it is attached to; a task is also visible to its assignee,
    /// who sees it in "My tasks" even on a record owned by someone else.
    /// </summary>
    public static async Task<bool> CanSeeAsync(IMonfriDb db, CrmAccess access, Activity activity, CancellationToken cancellationToken)
    {
        if (!await access.OwnRecordsOnlyAsync(db, cancellationToken) || activity.AssigneeId == access.UserId)
        {
            return true;
        }

        var me = access.UserId;
        return (activity.PersonId is { } personId && await db.People.AnyAsync(p => p.Id == personId && p.OwnerId == me, cancellationToken))
            || (activity.CompanyId is { } companyId && await db.Companies.AnyAsync(c => c.Id == companyId && c.OwnerId == me, cancellationToken))
            || (activity.DealId is { } dealId && await db.Deals.AnyAsync(d => d.Id == dealId && d.OwnerId == me, cancellationToken));
    }

    /// <summary>
    /// Loads (tracked, so they can be touched) the records an activity is to be attached to. Each must exist
    /// and be visible to the current user; a hidden record answers NotFound, like a missing one.
    /// </summary>
    public static async Task<Result<AttachedRecords>> LoadRecordsAsync(
        IMonfriDb db, CrmAccess access, Guid? personId, Guid? companyId, Guid? dealId, CancellationToken cancellationToken)
    {
        Person? person = null;
        Company? company = null;
        Deal? deal = null;
        if (personId is { } pid)
        {
            person = await db.People.FirstOrDefaultAsync(p => p.Id == pid, cancellationToken);
            if (person is null || !await access.CanSeeAsync(db, person.OwnerId, cancellationToken))
            {
                return Result<AttachedRecords>.NotFound("That contact does not exist or is not visible to you.");
            }
        }

        if (companyId is { } cid)
        {
            company = await db.Companies.FirstOrDefaultAsync(c => c.Id == cid, cancellationToken);
            if (company is null || !await access.CanSeeAsync(db, company.OwnerId, cancellationToken))
            {
                return Result<AttachedRecords>.NotFound("That company does not exist or is not visible to you.");
            }
        }

        if (dealId is { } did)
        {
            deal = await db.Deals.FirstOrDefaultAsync(d => d.Id == did, cancellationToken);
            if (deal is null || !await access.CanSeeAsync(db, deal.OwnerId, cancellationToken))
            {
                return Result<AttachedRecords>.NotFound("That deal does not exist or is not visible to you.");
            }
        }

        return new AttachedRecords(person, company, deal);
    }

    /// <summary>Null when <paramref name="assigneeId"/> is an active user; otherwise the error to show.</summary>
    public static async Task<ResultError?> CheckAssigneeAsync(IMonfriDb db, Guid? assigneeId, CancellationToken cancellationToken)
    {
        if (assigneeId is not { } id)
        {
            return null;
        }

        var active = await db.UserRefs.AnyAsync(u => u.Id == id && u.IsActive, cancellationToken);
        return active ? null : new ResultError("Assign the task to an active user.", "AssigneeId");
    }

    /// <summary>
    /// Saves, retrying when only the touched records changed underneath (someone edited the contact a moment
    /// ago): bumping "last activity" must not fail a note because a colleague saved the contact meanwhile.
    /// A conflict on the activity itself is left to the caller.
    /// </summary>
    public static async Task SaveTouchingAsync(IMonfriDb db, AttachedRecords records, DateTimeOffset touchedAt, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException ex) when (attempt < 3 && ex.Entries.All(e => e.Entity is Person or Company or Deal))
            {
                foreach (var entry in ex.Entries)
                {
                    await entry.ReloadAsync(cancellationToken);
                }

                records.Touch(touchedAt);
            }
        }
    }

    private static bool IsPrivileged(ICurrentUser user) => user.Can(Permission.ManageAnyActivity);
}

/// <summary>The records an activity is attached to, loaded for tracking.</summary>
internal sealed record AttachedRecords(Person? Person, Company? Company, Deal? Deal)
{
    /// <summary>Marks the records as active at <paramref name="at"/> (their "last activity" never goes back).</summary>
    public void Touch(DateTimeOffset at)
    {
        Person?.TouchActivity(at);
        Company?.TouchActivity(at);
        Deal?.TouchActivity(at);
    }
}
