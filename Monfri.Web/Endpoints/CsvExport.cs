using System.Globalization;
using System.Text;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Text;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.CustomFields;
using Monfri.Application.Crm.Companies.ListCompanies;
using Monfri.Application.Crm.Companies.ExportCompanies;
using Monfri.Application.Crm.Contacts.ListContacts;
using Monfri.Application.Crm.Contacts.ExportContacts;
using Monfri.Web.Endpoints.Contacts;

namespace Monfri.Web.Endpoints;

/// <summary>
/// CSV export of the contacts and companies lists with their current filters, streamed row by row so a
/// 100,000-row export never sits in memory. One query each through the pipeline (authorization, validation)
/// gives the columns and the rows; the endpoint only writes them. Values that a spreadsheet would run as a formula are written
/// behind an apostrophe (<see cref="SpreadsheetCells"/>), which Monfri's import takes off again.
/// </summary>
public static class CsvExport
{
    public static RouteGroupBuilder MapCsvExportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/contacts/export", async (
                HttpContext http, IMediator mediator, CancellationToken ct,
                string? search, Guid? ownerId, bool? unowned, string? lifecycleStage, string? tag, Guid? companyId, Guid? segmentId,
                string? sortBy, SortDirection? direction, [FromQuery(Name = "cf")] string[]? customFields, [FromQuery(Name = "trait")] string[]? traits) =>
            {
                var filter = new ContactFilter
                {
                    Search = search, OwnerId = ownerId, Unowned = unowned ?? false, LifecycleStage = lifecycleStage, Tag = tag, CompanyId = companyId, SegmentId = segmentId,
                    CustomFields = CustomFieldQuery.Parse(customFields), Traits = Monfri.Application.Cdp.Traits.TraitCondition.Parse(traits),
                };
                var export = await mediator.Send(new ExportContactsQuery(filter, sortBy, direction ?? SortDirection.Ascending), ct);
                if (!export.IsSuccess)
                {
                    return export.ToHttp();
                }

                var (fields, rows) = export.Value;
                await StreamAsync(http, "contacts", ["First name", "Last name", "Email", "Phone", "Job title", "Company", "Owner", "Lifecycle stage", "Lead source", "Tags", .. fields.Select(f => f.Label), "Created"],
                    rows, c => [c.FirstName, c.LastName, c.Email, c.Phone, c.JobTitle, c.CompanyName, c.OwnerName, c.LifecycleStage, c.LeadSource, string.Join(";", c.Tags),
                        .. fields.Select(f => CustomFieldValues.Display(c.CustomFields.GetValueOrDefault(f.Key))), c.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)], ct);
                return Results.Empty;
            })
            .WithTags("Contacts").WithSummary("Export the contacts list as CSV, with the same filters as the list");

        api.MapGet("/companies/export", async (
                HttpContext http, IMediator mediator, CancellationToken ct,
                string? search, Guid? ownerId, bool? unowned, string? industry, string? tag, string? sortBy, SortDirection? direction, [FromQuery(Name = "cf")] string[]? customFields) =>
            {
                var filter = new CompanyFilter { Search = search, OwnerId = ownerId, Unowned = unowned ?? false, Industry = industry, Tag = tag, CustomFields = CustomFieldQuery.Parse(customFields) };
                var export = await mediator.Send(new ExportCompaniesQuery(filter, sortBy, direction ?? SortDirection.Ascending), ct);
                if (!export.IsSuccess)
                {
                    return export.ToHttp();
                }

                var (fields, rows) = export.Value;
                await StreamAsync(http, "companies", ["Name", "Domain", "Industry", "Size", "Owner", "Contacts", "Open deals", "Tags", .. fields.Select(f => f.Label), "Created"],
                    rows, c => [c.Name, c.Domain, c.Industry, c.Size, c.OwnerName, c.ContactCount.ToString(CultureInfo.InvariantCulture), c.OpenDealCount.ToString(CultureInfo.InvariantCulture), string.Join(";", c.Tags),
                        .. fields.Select(f => CustomFieldValues.Display(c.CustomFields.GetValueOrDefault(f.Key))), c.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)], ct);
                return Results.Empty;
            })
            .WithTags("Companies").WithSummary("Export the companies list as CSV, with the same filters as the list");
        return api;
    }

    public static async Task StreamAsync<T>(HttpContext http, string name, IReadOnlyList<string> header, IAsyncEnumerable<T> rows, Func<T, IReadOnlyList<string?>> cells, CancellationToken ct)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024);
        await writer.WriteLineAsync(Line(header));
        await foreach (var row in rows.WithCancellation(ct))
        {
            await writer.WriteLineAsync(Line(cells(row)));
        }
    }

    public static string Line(IEnumerable<string?> cells) => string.Join(',', cells.Select(Escape));

    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        value = SpreadsheetCells.Guard(value);
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
