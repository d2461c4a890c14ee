using Monfri.Application.ApiTokens.CreateApiToken;
using Monfri.Application.ApiTokens.RevokeApiToken;
using Monfri.Application.Cdp.Sources;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Crm.Audit;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Application.Privacy.CreatePrivacyRequest;
using Monfri.Application.Users.CreateUser;
using Monfri.Application.Users.SetUserActive;
using Monfri.Application.Users.SetUserRoles;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Domain.Privacy;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Application.Crm.Audit.GetRecordHistory;
using Monfri.Application.Crm.Audit.ListAuditLog;
using Monfri.Application.Cdp.Sources.RotateSourceKey;
using Monfri.Application.Cdp.Sources.UpdateSource;
using Monfri.Application.Cdp.Sources.CreateSource;
using Monfri.Application.Cdp.Traits.CreateComputedTrait;

namespace Monfri.Application.Tests.Crm;

/// <summary>The Admin audit log (what the Admin → Audit log page reads): every change an admin must be able to trace, in words.</summary>
public sealed class AuditLogTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(AuditLogTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<IReadOnlyList<AuditEntryDto>> LogAsync(AuditObjectType type)
    {
        var log = await _app.SendAs(await _app.AdminAsync(), new ListAuditLogQuery(type, PageSize: 200));
        Assert.True(log.IsSuccess, log.ErrorMessage);
        return log.Value.Items;
    }

    [Fact]
    public async Task Creating_a_user_changing_their_roles_and_deactivating_them_are_each_in_the_log_with_who_did_it()
    {
        var admin = await _app.AdminAsync();
        var created = await _app.SendAs(admin, new CreateUserCommand("audited@example.test", "Audrey Audited", "a-long-enough-password", [Roles.Sales]));
        Assert.True(created.IsSuccess, created.ErrorMessage);
        Assert.True((await _app.SendAs(admin, new SetUserRolesCommand(created.Value.Id, [Roles.Sales, Roles.Manager]))).IsSuccess);
        Assert.True((await _app.SendAs(admin, new SetUserActiveCommand(created.Value.Id, false))).IsSuccess);

        var entries = (await LogAsync(AuditObjectType.User)).Where(e => e.RecordId == created.Value.Id).Reverse().ToList();

        Assert.Contains(entries, e => e.Action == AuditAction.Created && e.Summary!.Contains("Audrey Audited", StringComparison.Ordinal));
        var roles = Assert.Single(entries, e => e.Changes.Any(c => c.Field == "roles" && c.Old == "Sales" && c.New == "Manager, Sales"));
        Assert.Equal(AuditAction.Updated, roles.Action);
        var deactivated = Assert.Single(entries, e => e.Action == AuditAction.Deactivated);
        Assert.All(entries, e => Assert.NotNull(e.UserName)); // the admin, by name
        Assert.DoesNotContain(entries.SelectMany(e => e.Changes), c => c.Field is "securityStamp" or "passwordHash" or "concurrencyStamp");
        Assert.NotNull(deactivated.Summary);
    }

    [Fact]
    public async Task Creating_and_revoking_an_api_token_are_in_the_log_without_the_secret()
    {
        var (_, rep) = await _app.CreateUserAsync("Toby", Roles.Sales);
        var token = await _app.SendAs(rep, new CreateApiTokenCommand("CI deploy", null));
        Assert.True(token.IsSuccess, token.ErrorMessage);
        Assert.True((await _app.SendAs(rep, new RevokeApiTokenCommand(token.Value.Token.Id))).IsSuccess);

        var entries = (await LogAsync(AuditObjectType.ApiToken)).Where(e => e.RecordId == token.Value.Token.Id).ToList();

        Assert.Contains(entries, e => e.Action == AuditAction.Created && e.Summary!.Contains("CI deploy", StringComparison.Ordinal) && e.UserName == "Toby");
        Assert.Contains(entries, e => e.Action == AuditAction.Revoked && e.UserName == "Toby");
        var everything = string.Join("|", entries.SelectMany(e => e.Changes.Select(c => $"{c.Field}={c.Old}>{c.New}")).Concat(entries.Select(e => e.Summary)));
        Assert.DoesNotContain(token.Value.Secret, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_a_source_rotating_its_key_and_disabling_it_are_in_the_log_without_the_keys()
    {
        var admin = await _app.AdminAsync();
        var source = await _app.SendAs(admin, new CreateSourceCommand(new SourceInput("Marketing site", SourceKind.Website, [])));
        Assert.True(source.IsSuccess, source.ErrorMessage);
        var rotated = await _app.SendAs(admin, new RotateSourceKeyCommand(source.Value.Id));
        Assert.True(rotated.IsSuccess, rotated.ErrorMessage);
        Assert.True((await _app.SendAs(admin, new UpdateSourceCommand(source.Value.Id, new SourceInput("Marketing site", SourceKind.Website, [], Enabled: false)))).IsSuccess);

        var entries = (await LogAsync(AuditObjectType.Source)).Where(e => e.RecordId == source.Value.Id).ToList();

        Assert.Contains(entries, e => e.Action == AuditAction.Created && e.Summary!.Contains("Marketing site", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Action == AuditAction.KeyRotated);
        Assert.Contains(entries, e => e.Action == AuditAction.Disabled);
        var everything = string.Join("|", entries.SelectMany(e => e.Changes.Select(c => $"{c.Old}>{c.New}")).Concat(entries.Select(e => e.Summary)));
        Assert.DoesNotContain(source.Value.WriteKey, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated.Value.WriteKey, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Defining_a_computed_trait_and_requesting_a_privacy_export_are_in_the_log()
    {
        var admin = await _app.AdminAsync();
        var trait = await _app.SendAs(admin, new CreateComputedTraitCommand(new ComputedTraitInput
        {
            Key = "orders_total", Name = "Orders total", Kind = TraitKind.Sum, EventType = "track", EventName = "Order Completed", PropertyPath = "revenue",
        }));
        Assert.True(trait.IsSuccess, trait.ErrorMessage);
        var export = await _app.SendAs(admin, new CreatePrivacyRequestCommand(PrivacyRequestKind.Export, IdentityTypes.Email, "subject.person@example.test"));
        Assert.True(export.IsSuccess, export.ErrorMessage);

        var traitEntry = Assert.Single(await LogAsync(AuditObjectType.ComputedTrait), e => e.RecordId == trait.Value.Id);
        Assert.Equal(AuditAction.Created, traitEntry.Action);
        Assert.Contains("Orders total", traitEntry.Summary, StringComparison.Ordinal);
        Assert.NotNull(traitEntry.UserName);
        var exportEntry = Assert.Single(await LogAsync(AuditObjectType.PrivacyRequest), e => e.RecordId == export.Value.Id);
        Assert.Equal(AuditAction.Created, exportEntry.Action);
        Assert.Contains("export", exportEntry.Summary, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(exportEntry.UserName);
        // The log outlives an erasure: it names the kind of identifier, never the person.
        Assert.DoesNotContain("subject.person", exportEntry.Summary + string.Join("|", exportEntry.Changes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_activity_logged_on_a_contact_is_in_the_log_and_in_the_contacts_history()
    {
        var (rita, rep) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var contactId = await _app.AddContactAsync("Carl", "Customer", rita.Id);

        var logged = await _app.SendAs(rep, new LogActivityCommand(ActivityType.Call, "Discussed the renewal", null, contactId, null, null));
        Assert.True(logged.IsSuccess, logged.ErrorMessage);

        var entry = Assert.Single(await LogAsync(AuditObjectType.Contact), e => e.RecordId == contactId && e.Action == AuditAction.Logged);
        Assert.Equal("Rita", entry.UserName);
        Assert.Contains(entry.Changes, c => c.New!.Contains("Discussed the renewal", StringComparison.Ordinal) && c.Field == "call");
        var history = await _app.SendAs(rep, new GetRecordHistoryQuery(CrmObjectType.Contact, contactId));
        Assert.Contains(history.Value.Items, e => e.Action == AuditAction.Logged);
    }

    [Fact]
    public async Task A_deal_moved_to_another_stage_is_logged_with_the_stage_names()
    {
        var (_, rep) = await _app.CreateUserAsync("Stan", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Stage naming deal", Amount = 500m });
        var from = deal.Stage;

        var moved = await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Proposal").Id, from.Id, deal.Version));
        Assert.True(moved.IsSuccess, moved.ErrorMessage);

        var entry = Assert.Single(await LogAsync(AuditObjectType.Deal), e => e.RecordId == deal.Id && e.Action == AuditAction.Updated);
        var stage = Assert.Single(entry.Changes, c => c.Field == "stage");
        Assert.Equal((from.Name, "Proposal"), (stage.Old, stage.New));
        Assert.DoesNotContain(entry.Changes, c => c.Old == from.Id.ToString() || c.New == pipeline.Stage("Proposal").Id.ToString() || c.Field == "stageId");
        // The deal's own history (its page) reads the same way.
        var history = await _app.SendAs(rep, new GetRecordHistoryQuery(CrmObjectType.Deal, deal.Id));
        Assert.Contains(history.Value.Items.SelectMany(e => e.Changes), c => c == new FieldChange("stage", from.Name, "Proposal"));
    }
}
