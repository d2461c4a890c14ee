using System.Security.Claims;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Audit;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.CustomFields;
using Monfri.Application.Crm.Search;
using Monfri.Application.Crm.Settings;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.Application.Crm.Companies.CreateCompany;
using Monfri.Application.Crm.Contacts.GetContact;
using Monfri.Application.Crm.Contacts.ListContacts;
using Monfri.Application.Crm.Contacts.FindContactDuplicates;
using Monfri.Application.Crm.Contacts.UpdateContact;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Crm.Settings.UpdateWorkspaceSettings;
using Monfri.Application.Crm.Settings.GetWorkspaceSettings;
using Monfri.Application.Crm.Search.GlobalSearch;
using Monfri.Application.Crm.CustomFields.CreateCustomField;
using Monfri.Application.Crm.BulkActions.DeleteRecords;
using Monfri.Application.Crm.BulkActions.AddTag;
using Monfri.Application.Crm.BulkActions.AssignOwner;
using Monfri.Application.Crm.Audit.GetRecordHistory;
using Monfri.Application.Crm.BulkActions;

namespace Monfri.Application.Tests.Crm;

public sealed class ContactTests : IAsyncLifetime
{
    private MonfriServices _app = null!;
    private ClaimsPrincipal _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(ContactTests));
        _admin = await _app.AdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<ContactDetail> CreateAsync(ClaimsPrincipal user, string first, string last, string? email = null, Guid? companyId = null, Guid? ownerId = null, IReadOnlyList<string>? tags = null)
    {
        var result = await _app.SendAs(user, new CreateContactCommand { FirstName = first, LastName = last, Email = email, CompanyId = companyId, OwnerId = ownerId, Tags = tags ?? [] });
        Assert.True(result.IsSuccess, result.ErrorMessage);
        return result.Value;
    }

    private async Task<Page<ContactListItem>> ListAsync(ClaimsPrincipal user, ContactFilter filter, string? sort = null, SortDirection direction = SortDirection.Ascending, int page = 0, int size = 50)
    {
        var result = await _app.SendAs(user, new ListContactsQuery(filter, sort, direction, page, size));
        Assert.True(result.IsSuccess, result.ErrorMessage);
        return result.Value;
    }

    [Fact]
    public async Task A_contact_is_created_owned_by_its_creator_and_found_by_id()
    {
        var (rep, principal) = await _app.CreateUserAsync("Rita", Roles.Sales);

        var created = await CreateAsync(principal, " Ada ", "Lovelace", "ADA@Example.test ");

        Assert.Equal("Ada", created.FirstName);
        Assert.Equal("ada@example.test", created.Email);
        Assert.Equal(rep.Id, created.OwnerId);
        Assert.Equal(LifecycleStages.Lead, created.LifecycleStage);
        var fetched = await _app.SendAs(principal, new GetContactQuery(created.Id));
        Assert.Equal("Ada Lovelace", fetched.Value.DisplayName);
        Assert.Equal("Rita", fetched.Value.OwnerName);
    }

    [Fact]
    public async Task Invalid_input_is_refused_per_field()
    {
        var result = await _app.SendAs(_admin, new CreateContactCommand { Email = "not-an-email", Phone = "call me maybe", LifecycleStage = "zombie" });

        ResultAssert.Status(ResultStatus.Invalid, result);
        Assert.Contains(result.Errors, e => e.Field == "Email" && e.Message.Contains("not-an-email", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Field == "Phone");
        var nameless = await _app.SendAs(_admin, new CreateContactCommand { });
        Assert.Contains(nameless.Errors, e => e.Message == "Enter a name or an email address.");
        var badStage = await _app.SendAs(_admin, new CreateContactCommand { FirstName = "X", LifecycleStage = "zombie" });
        Assert.Contains(badStage.Errors, e => e.Field == "LifecycleStage" && e.Message.Contains("'zombie' is not a lifecycle stage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_contact_with_the_same_email_is_a_conflict_naming_the_existing_one()
    {
        var first = await CreateAsync(_admin, "Bob", "One", "bob@example.test");

        var second = await _app.SendAs(_admin, new CreateContactCommand { FirstName = "Bobby", Email = "Bob@Example.test" });

        ResultAssert.Status(ResultStatus.Conflict, second);
        Assert.Contains(first.Id.ToString(), second.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Likely_duplicates_are_found_by_email_and_by_name_at_the_same_company()
    {
        var acme = (await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Acme", Domain = "acme.test" })).Value;
        var robert = await CreateAsync(_admin, "Robert", "Smith", "robert@acme.test", acme.Id);

        var byName = await _app.SendAs(_admin, new FindContactDuplicatesQuery(null, "Rob", "smith", acme.Id));
        var byEmail = await _app.SendAs(_admin, new FindContactDuplicatesQuery("ROBERT@acme.test", null, null, null));
        var elsewhere = await _app.SendAs(_admin, new FindContactDuplicatesQuery(null, "Rob", "Smith", null));

        Assert.Equal(robert.Id, Assert.Single(byName.Value).Id);
        Assert.Equal("Same email", Assert.Single(byEmail.Value).Reason);
        Assert.Empty(elsewhere.Value);
    }

    [Fact]
    public async Task Editing_with_a_stale_version_is_a_conflict_and_keeps_the_other_users_change()
    {
        var contact = await CreateAsync(_admin, "Cleo", "Patra", "cleo@example.test");
        var first = await _app.SendAs(_admin, new UpdateContactCommand { Id = contact.Id, Version = contact.Version, FirstName = "Cleopatra", LastName = "VII", Email = contact.Email });
        Assert.True(first.IsSuccess, first.ErrorMessage);

        var stale = await _app.SendAs(_admin, new UpdateContactCommand { Id = contact.Id, Version = contact.Version, FirstName = "Overwritten", Email = contact.Email });

        ResultAssert.Status(ResultStatus.Conflict, stale);
        Assert.Equal("Cleopatra", (await _app.SendAs(_admin, new GetContactQuery(contact.Id))).Value.FirstName);
    }

    [Fact]
    public async Task Every_change_is_in_the_records_history_with_old_and_new_values_and_who()
    {
        var contact = await CreateAsync(_admin, "Hal", "Nine", "hal@example.test");
        await _app.SendAs(_admin, new UpdateContactCommand { Id = contact.Id, Version = contact.Version, FirstName = "HAL", LastName = "9000", Email = contact.Email, JobTitle = "Computer" });

        var history = (await _app.SendAs(_admin, new GetRecordHistoryQuery(CrmObjectType.Contact, contact.Id))).Value.Items;

        Assert.Equal([AuditAction.Updated, AuditAction.Created], history.Select(h => h.Action));
        var changes = history[0].Changes;
        Assert.Contains(new FieldChange("firstName", "Hal", "HAL"), changes);
        Assert.Contains(new FieldChange("lastName", "Nine", "9000"), changes);
        Assert.Contains(new FieldChange("jobTitle", null, "Computer"), changes);
        Assert.DoesNotContain(changes, c => c.Field is "updatedAt" or "version");
        Assert.Equal("Administrator", history[0].UserName);
    }

    [Fact]
    public async Task The_list_searches_name_email_and_company_and_sorts_and_pages()
    {
        var globex = (await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Globex Corporation", Domain = "globex.test" })).Value;
        await CreateAsync(_admin, "Homer", "Simpson", "homer@globex.test", globex.Id);
        await CreateAsync(_admin, "Hank", "Scorpio", "hank@globex.test", globex.Id);
        await CreateAsync(_admin, "Marge", "Bouvier", "marge@springfield.test");

        Assert.Equal(["Scorpio", "Simpson"], (await ListAsync(_admin, new ContactFilter { Search = "globex" }, "name")).Items.Select(i => i.LastName));
        Assert.Equal("Marge", Assert.Single((await ListAsync(_admin, new ContactFilter { Search = "MARGE@spring" })).Items).FirstName);
        var page = await ListAsync(_admin, new ContactFilter { Search = "o" }, "name", SortDirection.Descending, page: 1, size: 2);
        Assert.Equal(3, page.TotalCount);
        Assert.Equal(2, page.PageCount);
        Assert.Equal("Bouvier", Assert.Single(page.Items).LastName);
        Assert.Equal("Globex Corporation", (await ListAsync(_admin, new ContactFilter { Search = "homer" })).Items[0].CompanyName);
        Assert.Empty((await ListAsync(_admin, new ContactFilter { Search = "100%_" })).Items);
        await CreateAsync(_admin, "Percy", "100% Pure");
        Assert.Equal("Percy", Assert.Single((await ListAsync(_admin, new ContactFilter { Search = "100%" })).Items).FirstName);
        Assert.Empty((await ListAsync(_admin, new ContactFilter { Search = "100_" })).Items);
    }

    [Fact]
    public async Task The_list_filters_on_owner_stage_tag_and_custom_fields()
    {
        var field = await _app.SendAs(_admin, new CreateCustomFieldCommand(CrmObjectType.Contact, "tier", "Contract tier", CustomFieldType.SingleSelect, ["Bronze", "Gold"]));
        Assert.True(field.IsSuccess, field.ErrorMessage);
        var (rep, _) = await _app.CreateUserAsync("Owner", Roles.Sales);
        var gold = (await _app.SendAs(_admin, new CreateContactCommand { FirstName = "Goldie", OwnerId = rep.Id, Tags = ["vip"], LifecycleStage = "customer", CustomFields = new Dictionary<string, object?> { ["tier"] = "gold" } })).Value;
        await _app.SendAs(_admin, new CreateContactCommand { FirstName = "Bronzy", CustomFields = new Dictionary<string, object?> { ["tier"] = "Bronze" } });

        Assert.Equal("Gold", gold.CustomFields["tier"]?.ToString());
        Assert.Equal(gold.Id, Assert.Single((await ListAsync(_admin, new ContactFilter { CustomFields = new Dictionary<string, string> { ["tier"] = "Gold" } })).Items).Id);
        Assert.Equal(gold.Id, Assert.Single((await ListAsync(_admin, new ContactFilter { OwnerId = rep.Id })).Items).Id);
        Assert.Equal(gold.Id, Assert.Single((await ListAsync(_admin, new ContactFilter { Tag = "vip" })).Items).Id);
        Assert.Equal(gold.Id, Assert.Single((await ListAsync(_admin, new ContactFilter { LifecycleStage = "customer" })).Items).Id);
        var wrongOption = await _app.SendAs(_admin, new ListContactsQuery(new ContactFilter { CustomFields = new Dictionary<string, string> { ["tier"] = "Platinum" } }));
        ResultAssert.Status(ResultStatus.Invalid, wrongOption);
        var badValue = await _app.SendAs(_admin, new CreateContactCommand { FirstName = "X", CustomFields = new Dictionary<string, object?> { ["tier"] = "Platinum", ["nope"] = "1" } });
        Assert.Equal(["customFields.nope", "customFields.tier"], badValue.Errors.Select(e => e.Field!).Order());
    }

    [Fact]
    public async Task With_own_records_only_a_rep_sees_and_opens_only_their_contacts_but_a_manager_sees_all()
    {
        var (_, alice) = await _app.CreateUserAsync("Alice", Roles.Sales);
        var (_, bob) = await _app.CreateUserAsync("Bob", Roles.Sales);
        var (_, manager) = await _app.CreateUserAsync("Mia", Roles.Manager);
        var alicesContact = await CreateAsync(alice, "Of", "Alice", "of.alice@example.test");
        var bobsContact = await CreateAsync(bob, "Of", "Bob", "of.bob@example.test");
        var settings = (await _app.SendAs(_admin, new GetWorkspaceSettingsQuery())).Value;
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(_admin, new UpdateWorkspaceSettingsCommand(true, settings.LifecycleStages, "EUR", settings.Version)));

        Assert.Equal([alicesContact.Id], (await ListAsync(alice, new ContactFilter())).Items.Select(i => i.Id));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(alice, new GetContactQuery(bobsContact.Id)));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(alice, new UpdateContactCommand { Id = bobsContact.Id, Version = bobsContact.Version, FirstName = "Hijacked" }));
        Assert.Equal(0, (await _app.SendAs(alice, new AddTagCommand(CrmObjectType.Contact, [bobsContact.Id], "x"))).Value.Changed);
        Assert.Empty((await _app.SendAs(alice, new GlobalSearchQuery("of.bob"))).Value);
        Assert.Equal(2, (await ListAsync(manager, new ContactFilter { Search = "of" })).TotalCount);
    }

    [Fact]
    public async Task Bulk_actions_assign_an_owner_tag_and_delete_the_selected_contacts()
    {
        var (rep, _) = await _app.CreateUserAsync("Newowner", Roles.Sales);
        var a = await CreateAsync(_admin, "Bulk", "A", "bulk.a@example.test");
        var b = await CreateAsync(_admin, "Bulk", "B", "bulk.b@example.test");

        Assert.Equal(new BulkOutcome(2, 1), (await _app.SendAs(_admin, new AssignOwnerCommand(CrmObjectType.Contact, [a.Id, b.Id, Guid.NewGuid()], rep.Id))).Value);
        Assert.Equal(2, (await _app.SendAs(_admin, new AddTagCommand(CrmObjectType.Contact, [a.Id, b.Id], "webinar"))).Value.Changed);
        Assert.Equal(2, (await ListAsync(_admin, new ContactFilter { Tag = "webinar", OwnerId = rep.Id })).TotalCount);
        Assert.Equal(1, (await _app.SendAs(_admin, new DeleteRecordsCommand(CrmObjectType.Contact, [a.Id]))).Value.Changed);
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(_admin, new GetContactQuery(a.Id)));
        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(_admin, new AddTagCommand(CrmObjectType.Contact, [], "x")));
    }

    [Fact]
    public async Task Global_search_finds_contacts_companies_and_opens_them()
    {
        var initech = (await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Initech", Domain = "https://www.initech.test/about" })).Value;
        var peter = await CreateAsync(_admin, "Peter", "Gibbons", "peter@initech.test", initech.Id);

        var hits = (await _app.SendAs(_admin, new GlobalSearchQuery("initech"))).Value;

        Assert.Equal("initech.test", initech.Domain);
        Assert.Contains(hits, h => h.Kind == SearchHitKind.Company && h.Url == $"/companies/{initech.Id}");
        Assert.Contains(hits, h => h.Kind == SearchHitKind.Contact && h.Id == peter.Id && h.Title == "Peter Gibbons");
        Assert.Empty((await _app.SendAs(_admin, new GlobalSearchQuery("x"))).Value);
    }

    [Fact]
    public async Task Marketing_edits_contacts_but_cannot_change_deals_in_bulk()
    {
        var (_, marketer) = await _app.CreateUserAsync("Mark", Roles.Marketing);

        var contact = await CreateAsync(marketer, "Lead", "FromWebinar", "lead@webinar.test");

        Assert.NotEqual(Guid.Empty, contact.Id);
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(marketer, new AddTagCommand(CrmObjectType.Deal, [Guid.NewGuid()], "x")));
    }
}
