using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals;

/// <summary>The one projection of deals into board cards, shared by the board and the single-card query.</summary>
internal static class BoardQueries
{
    // SearchTerms escapes % and _ with a backslash; Npgsql's two-argument Like sends ESCAPE '', so name it here.
    private const string LikeEscape = "\\";

    public static IQueryable<Deal> Filter(IQueryable<Deal> deals, BoardFilter filter)
    {
        deals = ListDeals.DealListQueries.Narrow(deals, filter.OwnerId, filter.CloseDateFrom, filter.CloseDateTo, filter.AmountMin, filter.AmountMax, filter.Tag);

        if (SearchTerms.ToPattern(filter.Search) is { } pattern)
        {
            deals = deals.Where(d => EF.Functions.Like(EF.Property<string>(d, SearchTerms.Column), pattern, LikeEscape));
        }

        return deals;
    }

    /// <summary>
    /// Cards for <paramref name="deals"/> in one round trip: company and owner by join, the next open task by a
    /// per-deal subquery on the (deal_id, …) activity index.
    /// </summary>
    public static IQueryable<BoardCard> Cards(IMonfriDb db, IQueryable<Deal> deals) =>
        from d in deals
        join c in db.Companies on d.CompanyId equals c.Id into companies
        from c in companies.DefaultIfEmpty()
        join u in db.UserRefs on d.OwnerId equals u.Id into owners
        from u in owners.DefaultIfEmpty()
        let task = db.Activities
            .Where(a => a.DealId == d.Id && a.Type == ActivityType.Task && a.CompletedAt == null)
            .OrderBy(a => a.DueAt == null).ThenBy(a => a.DueAt).ThenBy(a => a.Id)
            .Select(a => new BoardTask(a.Id, a.Subject, a.DueAt))
            .FirstOrDefault()
        orderby d.Position, d.Id
        select new BoardCard(
            d.Id, d.Name, d.PipelineId, d.StageId, d.Position, d.Amount, d.Currency, d.CloseDate,
            d.OwnerId, u == null ? null : u.DisplayName,
            d.CompanyId, c == null ? null : c.Name,
            d.Tags, d.StageEnteredAt, task, d.Version);
}
