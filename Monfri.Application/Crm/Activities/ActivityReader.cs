using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities;

/// <summary>
/// Turns loaded activities into DTOs, looking up every name a page needs in one query per table, and saying what
/// <paramref name="viewer"/> may do with each so screens never work that out themselves.
/// </summary>
internal static class ActivityReader
{
    public static async Task<IReadOnlyList<ActivityDto>> ToDtosAsync(IMonfriDb db, IReadOnlyCollection<Activity> activities, ICurrentUser viewer, CancellationToken cancellationToken)
    {
        if (activities.Count == 0)
        {
            return [];
        }

        var userIds = activities.SelectMany(a => new[] { a.CreatedById, a.AssigneeId }).OfType<Guid>().Distinct().ToList();
        var personIds = activities.Select(a => a.PersonId).OfType<Guid>().Distinct().ToList();
        var companyIds = activities.Select(a => a.CompanyId).OfType<Guid>().Distinct().ToList();
        var dealIds = activities.Select(a => a.DealId).OfType<Guid>().Distinct().ToList();

        var users = userIds.Count == 0
            ? []
            : await db.UserRefs.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        var people = personIds.Count == 0
            ? []
            : (await db.People.AsNoTracking().Where(p => personIds.Contains(p.Id))
                    .Select(p => new { p.Id, p.FirstName, p.LastName, p.Email })
                    .ToListAsync(cancellationToken))
                .ToDictionary(p => p.Id, p => PersonName(p.FirstName, p.LastName, p.Email));
        var companies = companyIds.Count == 0
            ? []
            : await db.Companies.AsNoTracking().Where(c => companyIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var deals = dealIds.Count == 0
            ? []
            : await db.Deals.AsNoTracking().Where(d => dealIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);

        return activities.Select(a => ActivityMapper.ToDto(
                a,
                Lookup(people, a.PersonId),
                Lookup(companies, a.CompanyId),
                Lookup(deals, a.DealId),
                Lookup(users, a.CreatedById),
                Lookup(users, a.AssigneeId)) with
            {
                CanEdit = ActivityRules.MayUpdate(a, viewer),
                CanComplete = a.IsTask && ActivityRules.MayComplete(a, viewer),
                CanDelete = ActivityRules.MayRemove(a, viewer),
            })
            .ToList();
    }

    public static async Task<ActivityDto> ToDtoAsync(IMonfriDb db, Activity activity, ICurrentUser viewer, CancellationToken cancellationToken) =>
        (await ToDtosAsync(db, [activity], viewer, cancellationToken))[0];

    // Same rule as Person.DisplayName, which EF cannot translate.
    private static string PersonName(string? first, string? last, string? email) =>
        Domain.Crm.PersonName.Display(first, last, email, isContact: false);

    private static string? Lookup(Dictionary<Guid, string> names, Guid? id) =>
        id is { } key && names.TryGetValue(key, out var name) ? name : null;
}
