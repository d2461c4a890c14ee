using Mediator;
using Microsoft.AspNetCore.Mvc;
using Monfri.Application.Common.Paging;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Companies;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Companies.UpdateCompany;
using Monfri.Application.Crm.Companies.GetCompany;
using Monfri.Application.Crm.Companies.MergeCompanies;
using Monfri.Application.Crm.Companies.CreateCompany;
using Monfri.Application.Crm.Companies.PreviewCompanyMerge;
using Monfri.Application.Crm.Companies.ListCompanyDuplicatePairs;
using Monfri.Application.Crm.Companies.FindCompanyDuplicates;
using Monfri.Application.Crm.Companies.ListCompanies;
using Monfri.Application.Crm.BulkActions.DeleteRecords;
using Monfri.Web.Endpoints.Contacts;

namespace Monfri.Web.Endpoints.Companies;

/// <summary>/api/v1/companies.</summary>
public static class CompanyEndpoints
{
    public static RouteGroupBuilder MapCompanyEndpoints(this RouteGroupBuilder api)
    {
        var companies = api.MapGroup("/companies").WithTags("Companies");

        companies.MapGet("/", async (
                IMediator mediator, CancellationToken ct, string? search, Guid? ownerId, bool? unowned, string? industry, string? tag,
                string? sortBy, SortDirection? direction, int? page, int? pageSize, [FromQuery(Name = "cf")] string[]? customFields) =>
            {
                var filter = new CompanyFilter { Search = search, OwnerId = ownerId, Unowned = unowned ?? false, Industry = industry, Tag = tag, CustomFields = CustomFieldQuery.Parse(customFields) };
                return (await mediator.Send(new ListCompaniesQuery(filter, sortBy, direction ?? SortDirection.Ascending, page ?? 0, pageSize ?? 50), ct)).ToHttp();
            })
            .WithSummary("List companies").Produces<Page<CompanyListItem>>();

        companies.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetCompanyQuery(id), ct)).ToHttp())
            .WithSummary("Get a company with its contacts and deals").Produces<CompanyDetail>();

        companies.MapPost("/", async (CreateCompanyCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command, ct)).ToHttp(c => TypedResults.Created($"/api/v1/companies/{c.Id}", c)))
            .WithSummary("Create a company (409 when the domain belongs to another company)").Produces<CompanyDetail>(StatusCodes.Status201Created);

        companies.MapPut("/{id:guid}", async (Guid id, UpdateCompanyCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command with { Id = id }, ct)).ToHttp())
            .WithSummary("Update a company; send the version you read").Produces<CompanyDetail>();

        companies.MapGet("/duplicates", async (string? name, string? domain, Guid? excludeId, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new FindCompanyDuplicatesQuery(name, domain, excludeId), ct)).ToHttp())
            .WithSummary("Companies that are likely the same (same registered domain, or the same name ignoring case, punctuation and legal form)")
            .Produces<IReadOnlyList<PossibleCompanyDuplicate>>();

        companies.MapGet("/duplicate-pairs", async (int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListCompanyDuplicatePairsQuery(page ?? 0, pageSize ?? 50), ct)).ToHttp())
            .WithSummary("Likely duplicate companies across the workspace, as pairs, newest first")
            .Produces<Page<DuplicatePair>>();

        companies.MapGet("/merge-preview", async (Guid a, Guid b, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new PreviewCompanyMergeQuery(a, b), ct)).ToHttp())
            .WithSummary("Two companies side by side: every field's value in each, the versions to send with the merge")
            .Produces<MergePreview>();

        companies.MapPost("/merge", async (MergeCompaniesCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command, ct)).ToHttp())
            .WithSummary("Merge the absorbed company into the survivor: its contacts, deals and activities move. 409 when either changed since the versions sent")
            .Produces<CompanyDetail>();

        companies.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new DeleteRecordsCommand(CrmObjectType.Company, [id]), ct)).ToHttp(o => o.Changed == 1 ? TypedResults.NoContent() : TypedResults.Problem(statusCode: 404, title: "Not found", detail: "That company does not exist.")))
            .WithSummary("Delete a company (its contacts and deals stay, without a company)");
        return api;
    }
}
