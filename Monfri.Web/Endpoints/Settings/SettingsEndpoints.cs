using Mediator;
using Monfri.Application.Crm.Audit;
using Monfri.Application.Crm.CustomFields;
using Monfri.Application.Crm.Search;
using Monfri.Application.Crm.Settings;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Settings.UpdateWorkspaceSettings;
using Monfri.Application.Crm.Settings.GetWorkspaceSettings;
using Monfri.Application.Crm.Search.GlobalSearch;
using Monfri.Application.Crm.CustomFields.DeleteCustomField;
using Monfri.Application.Crm.CustomFields.ListCustomFields;
using Monfri.Application.Crm.CustomFields.CreateCustomField;
using Monfri.Application.Crm.CustomFields.UpdateCustomField;
using Monfri.Application.Crm.Audit.GetRecordHistory;
using Monfri.Application.Crm.Audit.ListAuditLog;

namespace Monfri.Web.Endpoints.Settings;

/// <summary>/api/v1/search, /api/v1/custom-fields, /api/v1/settings/workspace, /api/v1/audit.</summary>
public static class CrmSettingsEndpoints
{
    public static RouteGroupBuilder MapCrmSettingsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/search", async (string q, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GlobalSearchQuery(q), ct)).ToHttp())
            .WithTags("Search").WithSummary("Find contacts, companies and deals by name, email or domain");

        var fields = api.MapGroup("/custom-fields").WithTags("Settings");
        fields.MapGet("/", async (CrmObjectType? objectType, IMediator mediator, CancellationToken ct) =>
            (await mediator.Send(new ListCustomFieldsQuery(objectType), ct)).ToHttp()).WithSummary("List custom fields");
        fields.MapPost("/", async (CreateCustomFieldCommand command, IMediator mediator, CancellationToken ct) =>
            (await mediator.Send(command, ct)).ToHttp(f => TypedResults.Created($"/api/v1/custom-fields/{f.Id}", f))).WithSummary("Add a custom field");
        fields.MapPut("/{id:guid}", async (Guid id, UpdateCustomFieldCommand command, IMediator mediator, CancellationToken ct) =>
            (await mediator.Send(command with { Id = id }, ct)).ToHttp()).WithSummary("Change a custom field");
        fields.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
            (await mediator.Send(new DeleteCustomFieldCommand(id), ct)).ToHttp()).WithSummary("Remove a custom field");

        var settings = api.MapGroup("/settings/workspace").WithTags("Settings");
        settings.MapGet("/", async (IMediator mediator, CancellationToken ct) =>
            (await mediator.Send(new GetWorkspaceSettingsQuery(), ct)).ToHttp()).WithSummary("Workspace CRM settings");
        settings.MapPut("/", async (UpdateWorkspaceSettingsCommand command, IMediator mediator, CancellationToken ct) =>
            (await mediator.Send(command, ct)).ToHttp()).WithSummary("Change workspace CRM settings (Admin)");

        api.MapGet("/audit", async (AuditObjectType? objectType, Guid? recordId, Guid? userId, int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                recordId is { } id && objectType is { } type && Enum.TryParse<CrmObjectType>(type.ToString(), out var recordType)
                    ? (await mediator.Send(new GetRecordHistoryQuery(recordType, id, page ?? 0, pageSize ?? 50), ct)).ToHttp()
                    : (await mediator.Send(new ListAuditLogQuery(objectType, userId, page ?? 0, pageSize ?? 50), ct)).ToHttp())
            .WithTags("Audit").WithSummary("A record's history (objectType + recordId) or the whole audit log (Admin)");
        return api;
    }
}
