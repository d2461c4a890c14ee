using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Pipelines;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals;

/// <summary>Reading one deal for its page; shared by the query and the commands that answer with the saved deal.</summary>
internal static class DealQueries
{
    public const string DeletedStage = "(deleted stage)";

    /// <summary>
    /// The deal as its page shows it, with what <paramref name="viewer"/> may do with it, or null when it does not
    /// exist. Visibility is the caller's job.
    /// </summary>
    public static async Task<DealDetail?> LoadAsync(IMonfriDb db, Guid dealId, DateTimeOffset now, CrmAccess viewer, CancellationToken cancellationToken)
    {
        var deal = await db.Deals.AsNoTracking().Include(d => d.Contacts).FirstOrDefaultAsync(d => d.Id == dealId, cancellationToken);
        if (deal is null)
        {
            return null;
        }

        var pipeline = (await db.Pipelines.AsNoTracking().FirstAsync(p => p.Id == deal.PipelineId, cancellationToken)).ToDto();
        var stage = pipeline.Stages.Single(s => s.Id == deal.StageId);
        var owner = deal.OwnerId is { } ownerId
            ? await db.UserRefs.Where(u => u.Id == ownerId).Select(u => new DealPerson(u.Id, u.DisplayName, u.Email)).FirstOrDefaultAsync(cancellationToken)
            : null;
        var company = deal.CompanyId is { } companyId
            ? await db.Companies.AsNoTracking().Where(c => c.Id == companyId).Select(c => new DealLink(c.Id, c.Name, c.Domain)).FirstOrDefaultAsync(cancellationToken)
            : null;
        var contactIds = deal.Contacts.Select(c => c.PersonId).ToList();
        var contacts = (await db.People.AsNoTracking().Where(p => contactIds.Contains(p.Id))
                .Select(p => new { p.Id, p.FirstName, p.LastName, p.Email })
                .ToListAsync(cancellationToken))
            .Select(p => new DealLink(p.Id, PersonName.Display(p.FirstName, p.LastName, p.Email), p.Email))
            .OrderBy(c => c.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();

        return new DealDetail(
            deal.Id, deal.Name, deal.Amount, deal.Currency, deal.CloseDate, deal.Status, deal.LostReason,
            pipeline, stage, (deal.Amount ?? 0m) * stage.Probability / 100m,
            owner, company, contacts, deal.Tags, deal.CustomFields,
            await HistoryAsync(db, deal, pipeline, now, cancellationToken),
            deal.StageEnteredAt,
            deal.Status == DealStatus.Open && stage.RottingDays is { } days && now - deal.StageEnteredAt > TimeSpan.FromDays(days),
            deal.ClosedAt, deal.CreatedAt, deal.UpdatedAt, deal.Position, deal.Version)
        {
            CanEdit = viewer.CanEditDeals,
            CanOverrideStageRules = viewer.CanOverrideStageRules,
        };
    }

    private static async Task<List<DealStageVisit>> HistoryAsync(IMonfriDb db, Deal deal, PipelineDto pipeline, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changes = await (
                from change in db.DealStageChanges.AsNoTracking()
                where change.DealId == deal.Id
                join user in db.UserRefs on change.ChangedById equals user.Id into users
                from user in users.DefaultIfEmpty()
                orderby change.ChangedAt, change.Id
                select new { change.FromStageId, change.ToStageId, change.ChangedAt, ChangedBy = user == null ? null : user.DisplayName })
            .ToListAsync(cancellationToken);

        // Stages of another pipeline may appear when a deal changed pipelines; name them too.
        var names = pipeline.Stages.ToDictionary(s => s.Id, s => s.Name);
        var foreign = changes.SelectMany(c => new[] { c.FromStageId, c.ToStageId }).OfType<Guid>().Where(id => !names.ContainsKey(id)).Distinct().ToList();
        if (foreign.Count > 0)
        {
            foreach (var stage in await db.PipelineStages.AsNoTracking().Where(s => foreign.Contains(s.Id)).Select(s => new { s.Id, s.Name }).ToListAsync(cancellationToken))
            {
                names[stage.Id] = stage.Name;
            }
        }

        string Name(Guid id) => names.GetValueOrDefault(id) ?? DeletedStage;
        return changes
            .Select((change, i) =>
            {
                DateTimeOffset? left = i + 1 < changes.Count ? changes[i + 1].ChangedAt : null;
                return new DealStageVisit(
                    change.ToStageId, Name(change.ToStageId),
                    change.FromStageId, change.FromStageId is { } from ? Name(from) : null,
                    change.ChangedAt, left, (left ?? now) - change.ChangedAt, change.ChangedBy);
            })
            .ToList();
    }
}
