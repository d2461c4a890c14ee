using System.Security.Claims;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.CustomFields;
using Monfri.Application.Crm.Deals.ExportDeals;
using Monfri.Application.Crm.Deals.ListDeals;
using Monfri.Application.Crm.Settings;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.Application.Crm.Companies.CreateCompany;
using Monfri.Application.Crm.Companies.ListCompanies;
using Monfri.Application.Crm.Companies.ExportCompanies;
using Monfri.Application.Crm.Contacts.ListContacts;
using Monfri.Application.Crm.Contacts.ExportContacts;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Crm.Settings.UpdateWorkspaceSettings;
using Monfri.Application.Crm.Settings.GetWorkspaceSettings;
using Monfri.Application.Crm.CustomFields.CreateCustomField;

namespace Monfri.Application.Tests.Crm;

/// <summary>The CSV exports as one query each: the list's filters, sort, rules and record visibility, and the columns' custom fields.</summary>
public sealed class ExportTests : IAsyncLifetime
{
    private MonfriServices _app = null!;
    private ClaimsPrincipal _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(ExportTests));
        _admin = await _app.AdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<List<T>> ReadAsync<T>(IAsyncEnumerable<T> rows)
    {
        var read = new List<T>();
        await foreach (var row in rows)
        {
            read.Add(row);
        }

        return read;
    }

    [Fact]
    public async Task Exporting_contacts_gives_every_filtered_row_in_the_lists_order_and_the_contacts_custom_fields()
    {
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(_admin, new CreateCustomFieldCommand(CrmObjectType.Contact, "shoe_size", "Shoe size", CustomFieldType.Number, [])));
        foreach (var (first, email) in new[] { ("Zed", "zed@export.test"), ("Amy", "amy@export.test"), ("Other", "other@elsewhere.test") })
        {
            ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(_admin, new CreateContactCommand { FirstName = first, LastName = "Export", Email = email }));
        }

        var export = await _app.SendAs(_admin, new ExportContactsQuery(new ContactFilter { Search = "export.test" }, "name", SortDirection.Descending));

        Assert.True(export.IsSuccess, export.ErrorMessage);
        Assert.Equal(["Shoe size"], export.Value.Fields.Select(f => f.Label));
        Assert.Equal(["zed@export.test", "amy@export.test"], (await ReadAsync(export.Value.Rows)).Select(r => r.Email));
    }

    [Fact]
    public async Task An_export_is_refused_with_the_lists_own_rules()
    {
        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(_admin, new ExportContactsQuery(new ContactFilter(), "shoe_size")));
        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(_admin, new ExportCompaniesQuery(new CompanyFilter(), "revenue")));
        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(_admin, new ExportDealsQuery(new DealFilter { AmountMin = 10, AmountMax = 5 })));
    }

    [Fact]
    public async Task With_own_records_only_a_reps_export_holds_only_their_companies()
    {
        var (_, alice) = await _app.CreateUserAsync("Alice", Roles.Sales);
        var (_, bob) = await _app.CreateUserAsync("Bob", Roles.Sales);
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(alice, new CreateCompanyCommand { Name = "Alice Exports Ltd" }));
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(bob, new CreateCompanyCommand { Name = "Bob Exports Ltd" }));
        var settings = (await _app.SendAs(_admin, new GetWorkspaceSettingsQuery())).Value;
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(_admin, new UpdateWorkspaceSettingsCommand(true, settings.LifecycleStages, "EUR", settings.Version)));

        var export = await _app.SendAs(alice, new ExportCompaniesQuery(new CompanyFilter { Search = "Exports" }));

        Assert.Equal(["Alice Exports Ltd"], (await ReadAsync(export.Value.Rows)).Select(r => r.Name));
    }
}
