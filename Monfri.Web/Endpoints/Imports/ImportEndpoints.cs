using System.Globalization;
using System.Text;
using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Imports.GetImportJob;
using Monfri.Application.Crm.Imports.StartImport;
using Monfri.Application.Crm.Imports.ListImportJobs;
using Monfri.Application.Crm.Imports.ListImportIssues;

namespace Monfri.Web.Endpoints.Imports;

/// <summary>/api/v1/imports — CSV imports of contacts and companies: start one, follow it, download its report.</summary>
public static class ImportEndpoints
{
    public static RouteGroupBuilder MapImportEndpoints(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTags("Imports");

        imports.MapPost("/", async (
                IFormFile file, [FromForm] CrmObjectType objectType, [FromForm] ImportMode? mode, [FromForm] string? mapping,
                IMediator mediator, CancellationToken ct) =>
            {
                Dictionary<string, string>? columns = null;
                if (!string.IsNullOrWhiteSpace(mapping))
                {
                    try
                    {
                        columns = JsonSerializer.Deserialize<Dictionary<string, string>>(mapping);
                    }
                    catch (JsonException)
                    {
                        return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                        {
                            ["mapping"] = ["The mapping is a JSON object of column name → field key, e.g. {\"E-mail\":\"email\",\"Tier\":\"customFields.tier\"}."],
                        });
                    }
                }

                // The form file is buffered to disk by ASP.NET Core beyond a small size, and its stream is seekable.
                await using var content = file.OpenReadStream();
                var result = await mediator.Send(new StartImportCommand(objectType, file.FileName, mode ?? ImportMode.CreateAll, columns, content), ct);
                return result.ToHttp(job => TypedResults.Accepted($"/api/v1/imports/{job.Id}", job));
            })
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(ImportCsv.MaxFileBytes + 1024 * 1024))
            .WithSummary("Start a CSV import (multipart: file, objectType Contact|Company|Deal, mode CreateAll|UpdateExisting|SkipDuplicates (deals: CreateAll only), mapping as JSON; without a mapping columns are mapped by name)")
            .Produces<ImportJobDto>(StatusCodes.Status202Accepted);

        imports.MapGet("/", async (CrmObjectType? objectType, int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListImportJobsQuery(objectType, page ?? 0, pageSize ?? 20), ct)).ToHttp())
            .WithSummary("Your imports (an admin: everyone's), newest first").Produces<Page<ImportJobDto>>();

        imports.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetImportJobQuery(id), ct)).ToHttp())
            .WithSummary("An import's status, progress and counts (its creator and admins only)").Produces<ImportJobDto>();

        imports.MapGet("/{id:guid}/issues", async (Guid id, int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListImportIssuesQuery(id, page ?? 0, pageSize ?? 100), ct)).ToHttp())
            .WithSummary("The rows an import rejected or skipped, with the reason for each").Produces<Page<ImportIssueDto>>();

        imports.MapGet("/{id:guid}/issues.csv", async (Guid id, HttpContext http, IMediator mediator, IMonfriDbFactory dbFactory, IImportStore store, CancellationToken ct) =>
            {
                // Authorization and existence through the pipeline first: only the creator and admins get here.
                var job = await mediator.Send(new GetImportJobQuery(id), ct);
                if (!job.IsSuccess)
                {
                    return job.ToHttp();
                }

                await WriteReportAsync(http, job.Value, dbFactory, store, ct);
                return Results.Empty;
            })
            .WithSummary("Every rejected or skipped row as CSV: row number, outcome, reason, then the row's values as uploaded (fix them and import the file again)");
        return api;
    }

    /// <summary>
    /// Streams the report: the issues in row order, merged with a forward read of the uploaded file, so every
    /// line carries the original values and neither side is held in memory.
    /// </summary>
    private static async Task WriteReportAsync(HttpContext http, ImportJobDto job, IMonfriDbFactory dbFactory, IImportStore store, CancellationToken ct)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"import-report-{Path.GetFileNameWithoutExtension(job.FileName)}-{job.CreatedAt:yyyyMMdd-HHmm}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024);
        await using var file = await store.OpenFileAsync(job.Id, ct);
        ImportCsv? csv = file == Stream.Null ? null : await ImportCsv.OpenAsync(file, new CsvFormat(job.Encoding, job.Delimiter), ct);
        try
        {
            await writer.WriteLineAsync(CsvExport.Line(["Row", "Outcome", "Reason", .. csv?.Header ?? []]));
            await using var db = await dbFactory.CreateAsync(ct);
            var issues = db.ImportRowIssues.AsNoTracking().Where(i => i.ImportJobId == job.Id).OrderBy(i => i.Row).ThenBy(i => i.Id)
                .Select(i => new ImportIssueDto(i.Row, i.Outcome, i.Reason)).AsAsyncEnumerable();
            CsvRecord? record = null;
            await foreach (var issue in issues.WithCancellation(ct))
            {
                while (csv is not null && (record is null || record.Row < issue.Row) && await csv.ReadAsync(ct) is { } next)
                {
                    record = next;
                }

                var values = record?.Row == issue.Row ? record.Cells : [];
                await writer.WriteLineAsync(CsvExport.Line([issue.Row.ToString(CultureInfo.InvariantCulture), issue.Outcome, issue.Reason, .. values]));
            }
        }
        finally
        {
            if (csv is not null)
            {
                await csv.DisposeAsync();
            }
        }
    }
}
