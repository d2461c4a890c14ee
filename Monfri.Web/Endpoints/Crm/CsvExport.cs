using System.Globalization;
using System.Text;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;

namespace Monfri.Web.Endpoints.Crm;

/// <summary>
/// CSV export of the contacts and companies lists with their current filters, streamed row by row so a
/// 100,000-row export never sits in memory. Values that a spreadsheet would run as a formula are quoted
/// with a leading apostrophe (CSV injection).
/// </summary>
public static class CsvExport
{
    public static RouteGroupBuilder MapCsvExportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/contacts/export", async (
                HttpContext http, IMediator mediator, IMonfriDbFactory dbFactory, CrmAccess access, CancellationToken ct,
                string? search, Guid? ownerId, bool? unowned, string? lifecycleStage, string? tag, Guid? companyId,
                string? sortBy, SortDirection? direction, [FromQuery(Name = "cf")] string[]? customFields, [FromQuery(Name = "trait")] string[]? traits) =>
            {
                // The list query's validation and authorization run first, through the pipeline.
                var filter = new ContactFilter
                {
                    Search = search, OwnerId = ownerId, Unowned = unowned ?? false, LifecycleStage = lifecycleStage, Tag = tag, CompanyId = companyId,
                    CustomFields = CustomFieldQuery.Parse(customFields), Traits = Monfri.Application.Cdp.Traits.TraitCondition.Parse(traits),
                };
                var check = await mediator.Send(new ListContactsQuery(filter, sortBy, direction ?? SortDirection.Ascending, 0, 1), ct);
                if (!check.IsSuccess)
                {
                    return check.ToHttp();
                }

                await using var db = await dbFactory.CreateAsync(ct);
                var fields = await db.CustomFieldDefinitions.AsNoTracking().Where(f => f.ObjectType == CrmObjectType.Contact).OrderBy(f => f.Order).ToListAsync(ct);
                var people = (await ContactQueries.FilterAsync(db, access, filter, ct)).Value;
                var rows = ContactQueries.Project(db, people, sortBy, direction ?? SortDirection.Ascending).AsAsyncEnumerable();
                await StreamAsync(http, "contacts", ["First name", "Last name", "Email", "Phone", "Job title", "Company", "Owner", "Lifecycle stage", "Lead source", "Tags", .. fields.Select(f => f.Label), "Created"],
                    rows, c => [c.FirstName, c.LastName, c.Email, c.Phone, c.JobTitle, c.CompanyName, c.OwnerName, c.LifecycleStage, c.LeadSource, string.Join(";", c.Tags),
                        .. fields.Select(f => CustomFieldValues.Display(c.CustomFields.GetValueOrDefault(f.Key))), c.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)], ct);
                return Results.Empty;
            })
            .WithTags("Contacts").WithSummary("Export the contacts list as CSV, with the same filters as the list");

        api.MapGet("/companies/export", async (
                HttpContext http, IMediator mediator, IMonfriDbFactory dbFactory, CrmAccess access, CancellationToken ct,
                string? search, Guid? ownerId, bool? unowned, string? industry, string? tag, string? sortBy, SortDirection? direction, [FromQuery(Name = "cf")] string[]? customFields) =>
            {
                var filter = new CompanyFilter { Search = search, OwnerId = ownerId, Unowned = unowned ?? false, Industry = industry, Tag = tag, CustomFields = CustomFieldQuery.Parse(customFields) };
                var check = await mediator.Send(new ListCompaniesQuery(filter, sortBy, direction ?? SortDirection.Ascending, 0, 1), ct);
                if (!check.IsSuccess)
                {
                    return check.ToHttp();
                }

                await using var db = await dbFactory.CreateAsync(ct);
                var fields = await db.CustomFieldDefinitions.AsNoTracking().Where(f => f.ObjectType == CrmObjectType.Company).OrderBy(f => f.Order).ToListAsync(ct);
                var companies = (await CompanyQueries.FilterAsync(db, access, filter, ct)).Value;
                var rows = CompanyQueries.Project(db, companies, sortBy, direction ?? SortDirection.Ascending).AsAsyncEnumerable();
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

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
