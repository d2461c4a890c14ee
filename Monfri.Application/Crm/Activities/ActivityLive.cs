using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Reports;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities;

/// <summary>
/// The <c>activity.*</c> updates published on <c>profile:{personId}</c> after an activity change has committed
/// (by <see cref="ActivityLiveUpdates"/>), so an
/// open contact or profile page shows it. A person's timeline shows the activities logged on them and on the deals
/// they take part in, so every such person hears of it. Each update is scoped to the record that makes the activity
/// visible on that person's page — the person for their own activities, the deal for a deal's — so a rep limited to
/// their own records only hears of activities they could see there.
/// </summary>
public static class ActivityLive
{
    public const string Created = "activity.created";
    public const string Updated = "activity.updated";
    public const string Deleted = "activity.deleted";

    /// <param name="links">Where the activity sits now and, after an edit or a delete, where it sat before.</param>
    public static async Task PublishOnProfilesAsync(
        this ILiveFeed live, IMonfriDb db, string kind, Guid activityId, IEnumerable<ActivityPlace> links, CancellationToken cancellationToken)
    {
        var all = links.ToList();
        var personIds = all.Select(l => l.PersonId).OfType<Guid>().Distinct().ToList();
        var dealIds = all.Select(l => l.DealId).OfType<Guid>().Distinct().ToList();
        var people = personIds.Count == 0 ? []
            : await db.People.AsNoTracking().Where(p => personIds.Contains(p.Id)).Select(p => new { p.Id, p.OwnerId }).ToListAsync(cancellationToken);
        var dealContacts = dealIds.Count == 0 ? []
            : await db.DealContacts.AsNoTracking().Where(dc => dealIds.Contains(dc.DealId))
                .Join(db.Deals, dc => dc.DealId, d => d.Id, (dc, d) => new { dc.PersonId, DealId = d.Id, d.OwnerId })
                .ToListAsync(cancellationToken);

        var sent = new HashSet<Guid>();
        foreach (var person in people.Where(p => sent.Add(p.Id)))
        {
            await live.PublishAsync(LiveTopics.Profile(person.Id), kind, new { Id = activityId, PersonId = person.Id },
                new LiveScope(person.Id, person.OwnerId), cancellationToken);
        }

        foreach (var contact in dealContacts.Where(c => sent.Add(c.PersonId)))
        {
            await live.PublishAsync(LiveTopics.Profile(contact.PersonId), kind, new { Id = activityId, contact.PersonId },
                new LiveScope(contact.DealId, contact.OwnerId), cancellationToken);
        }

        // Dashboards count activities and tasks: one signal per owner of a record the activity sits on, so a rep
        // limited to their own records hears of it when it is on one of theirs.
        var owners = people.Select(p => p.OwnerId).Concat(dealContacts.Select(c => c.OwnerId)).Distinct().ToList();
        foreach (var owner in owners.Count == 0 ? new List<Guid?> { null } : owners)
        {
            await live.PublishAsync(LiveTopics.Reports, ReportsLive.Changed, new ReportsLive.Change(ReportsLive.Activities, activityId),
                new LiveScope(activityId, owner), cancellationToken);
        }
    }
}
