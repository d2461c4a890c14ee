using Mediator;
using Microsoft.AspNetCore.Mvc;
using Monfri.Application.Common.Paging;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Contacts;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Contacts.GetContact;
using Monfri.Application.Crm.Contacts.MergeContacts;
using Monfri.Application.Crm.Contacts.ListContacts;
using Monfri.Application.Crm.Contacts.FindContactDuplicates;
using Monfri.Application.Crm.Contacts.PreviewContactMerge;
using Monfri.Application.Crm.Contacts.ListContactDuplicatePairs;
using Monfri.Application.Crm.Contacts.UpdateContact;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Crm.BulkActions.DeleteRecords;
using Monfri.Application.Crm.BulkActions.AddTag;
using Monfri.Application.Crm.BulkActions.AssignOwner;

namespace Monfri.Web.Endpoints.Contacts;

/// <summary>/api/v1/contacts — contacts (identified people), with the list's filters as query parameters.</summary>
public static class ContactEndpoints
{
    public sealed record IdsBody(IReadOnlyList<Guid> Ids);

    public sealed record OwnerBody(IReadOnlyList<Guid> Ids, Guid? OwnerId);

    public sealed record TagBody(IReadOnlyList<Guid> Ids, string Tag);

    public static RouteGroupBuilder MapContactEndpoints(this RouteGroupBuilder api)
    {
        var contacts = api.MapGroup("/contacts").WithTags("Contacts");

        contacts.MapGet("/", async (
                IMediator mediator, CancellationToken ct,
                string? search, Guid? ownerId, bool? unowned, string? lifecycleStage, string? tag, Guid? companyId,
                DateTimeOffset? createdFrom, DateTimeOffset? createdTo, string? sortBy, SortDirection? direction,
                int? page, int? pageSize, [FromQuery(Name = "cf")] string[]? customFields, [FromQuery(Name = "trait")] string[]? traits) =>
            {
                var filter = new ContactFilter
                {
                    Search = search, OwnerId = ownerId, Unowned = unowned ?? false, LifecycleStage = lifecycleStage, Tag = tag,
                    CompanyId = companyId, CreatedFrom = createdFrom, CreatedTo = createdTo, CustomFields = CustomFieldQuery.Parse(customFields),
                    Traits = Monfri.Application.Cdp.Traits.TraitCondition.Parse(traits),
                };
                return (await mediator.Send(new ListContactsQuery(filter, sortBy, direction ?? SortDirection.Ascending, page ?? 0, pageSize ?? 50), ct)).ToHttp();
            })
            .WithSummary("List contacts: search, filter (custom fields as cf=key:value, computed traits as trait=key|atLeast|atMost|is), sort (also sortBy=trait:key) and page")
            .Produces<Page<ContactListItem>>();

        contacts.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetContactQuery(id), ct)).ToHttp())
            .WithSummary("Get a contact").Produces<ContactDetail>();

        contacts.MapPost("/", async (CreateContactCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command, ct)).ToHttp(c => TypedResults.Created($"/api/v1/contacts/{c.Id}", c)))
            .WithSummary("Create a contact (409 when the email belongs to another contact)").Produces<ContactDetail>(StatusCodes.Status201Created);

        contacts.MapPut("/{id:guid}", async (Guid id, UpdateContactCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command with { Id = id }, ct)).ToHttp())
            .WithSummary("Update a contact; send the version you read (409 when it changed since)").Produces<ContactDetail>();

        contacts.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new DeleteRecordsCommand(CrmObjectType.Contact, [id]), ct)).ToHttp(o => o.Changed == 1 ? TypedResults.NoContent() : TypedResults.Problem(statusCode: 404, title: "Not found", detail: "That contact does not exist.")))
            .WithSummary("Delete a contact");

        contacts.MapGet("/duplicates", async (string? email, string? firstName, string? lastName, Guid? companyId, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new FindContactDuplicatesQuery(email, firstName, lastName, companyId), ct)).ToHttp())
            .WithSummary("Contacts that are likely the same person (same email, or same name at the same company)");

        contacts.MapGet("/duplicate-pairs", async (int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListContactDuplicatePairsQuery(page ?? 0, pageSize ?? 50), ct)).ToHttp())
            .WithSummary("Likely duplicate contacts across the workspace, as pairs (same email, or same name at the same company), newest first")
            .Produces<Page<DuplicatePair>>();

        contacts.MapGet("/merge-preview", async (Guid a, Guid b, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new PreviewContactMergeQuery(a, b), ct)).ToHttp())
            .WithSummary("Two contacts side by side: every field's value in each, the versions to send with the merge")
            .Produces<MergePreview>();

        contacts.MapPost("/merge", async (MergeContactsCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command, ct)).ToHttp())
            .WithSummary("Merge the absorbed contact into the survivor; chosenValues maps a field (e.g. email, customFields.tier) to Survivor or Absorbed. 409 when either changed since the versions sent")
            .Produces<ContactDetail>();

        contacts.MapPost("/bulk/owner", async (OwnerBody body, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new AssignOwnerCommand(CrmObjectType.Contact, body.Ids, body.OwnerId), ct)).ToHttp())
            .WithSummary("Assign an owner to several contacts");
        contacts.MapPost("/bulk/tag", async (TagBody body, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new AddTagCommand(CrmObjectType.Contact, body.Ids, body.Tag), ct)).ToHttp())
            .WithSummary("Tag several contacts");
        contacts.MapPost("/bulk/delete", async (IdsBody body, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new DeleteRecordsCommand(CrmObjectType.Contact, body.Ids), ct)).ToHttp())
            .WithSummary("Delete several contacts");
        return api;
    }
}

/// <summary>Custom-field filters in a query string: <c>cf=tier:Gold&amp;cf=region:EU</c>.</summary>
public static class CustomFieldQuery
{
    public static IReadOnlyDictionary<string, string> Parse(string[]? values) =>
        (values ?? [])
        .Select(v => v.Split(':', 2))
        .Where(p => p.Length == 2 && p[0].Length > 0)
        .GroupBy(p => p[0])
        .ToDictionary(g => g.Key, g => g.Last()[1]);
}
