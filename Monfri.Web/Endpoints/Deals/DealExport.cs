using System.Globalization;
using Mediator;
using Monfri.Application.Common.Paging;
using Monfri.Application.Crm.CustomFields;
using Monfri.Application.Crm.Deals.ExportDeals;
using Monfri.Application.Crm.Deals.ListDeals;
using Monfri.Web.Endpoints;

namespace Monfri.Web.Endpoints.Deals;

/// <summary>GET /api/v1/deals/export — the deals list as CSV with the list's filters, streamed like the contacts export.</summary>
public static class DealExport
{
    public static RouteGroupBuilder MapDealExport(this RouteGroupBuilder deals)
    {
        deals.MapGet("/export", async (
                [AsParameters] DealEndpoints.ListRequest request, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var filter = request.ToFilter();
                var direction = request.Direction ?? SortDirection.Ascending;
                var export = await mediator.Send(new ExportDealsQuery(filter, request.SortBy, direction), ct);
                if (!export.IsSuccess)
                {
                    return export.ToHttp();
                }

                var (fields, rows) = export.Value;
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
