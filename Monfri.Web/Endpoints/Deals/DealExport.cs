using System.Globalization;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.CustomFields;
using Monfri.Application.Crm.Deals.ListDeals;
using Monfri.Domain.Crm;
using Monfri.Web.Endpoints.Crm;

namespace Monfri.Web.Endpoints.Deals;

/// <summary>GET /api/v1/deals/export — the deals list as CSV with the list's filters, streamed like the contacts export.</summary>
public static class DealExport
{
    public static RouteGroupBuilder MapDealExport(this RouteGroupBuilder deals)
    {
        deals.MapGet("/export", async (
                [AsParameters] DealEndpoints.ListRequest request, HttpContext http, IMediator mediator, IMonfriDbFactory dbFactory, CrmAccess access, CancellationToken ct) =>
            {
                var filter = request.ToFilter();
                var direction = request.Direction ?? SortDirection.Ascending;
                // The list query's validation and authorization run first, through the pipeline.
                var check = await mediator.Send(new ListDealsQuery(filter, request.SortBy, direction, 0, 1), ct);
                if (!check.IsSuccess)
                {
                    return check.ToHttp();
                }

                await using var db = await dbFactory.CreateAsync(ct);
                var fields = await db.CustomFieldDefinitions.AsNoTracking().Where(f => f.ObjectType == CrmObjectType.Deal).OrderBy(f => f.Order).ToListAsync(ct);
                var deals = (await DealListQueries.FilterAsync(db, access, filter, ct)).Value;
                var rows = DealListQueries.Project(db, deals, request.SortBy, direction).AsAsyncEnumerable();
                await CsvExport.StreamAsync(http, "deals",
                    ["Name", "Amount", "Currency", "Pipeline", "Stage", "Status", "Close date", "Owner", "Company", "Tags", .. fields.Select(f => f.Label), "Created"],
                    rows, d => [d.Name, d.Amount?.ToString("0.00", CultureInfo.InvariantCulture), d.Currency, d.PipelineName, d.StageName, d.Status.ToString(),
                        d.CloseDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.OwnerName, d.CompanyName, string.Join(";", d.Tags),
                        .. fields.Select(f => CustomFieldValues.Display(d.CustomFields.GetValueOrDefault(f.Key))), d.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)], ct);
                return Results.Empty;
            })
            .WithSummary("Export the deals list as CSV, with the same filters as the list");
        return deals;
    }
}
