using System.Security.Claims;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.Contacts;
using Monfri.TestSupport;
using Monfri.Application.Crm.Companies.UpdateCompany;
using Monfri.Application.Crm.Companies.GetCompany;
using Monfri.Application.Crm.Companies.CreateCompany;
using Monfri.Application.Crm.Companies.ListCompanies;
using Monfri.Application.Crm.Contacts.CreateContact;

namespace Monfri.Application.Tests.Crm;

public sealed class CompanyTests : IAsyncLifetime
{
    private MonfriServices _app = null!;
    private ClaimsPrincipal _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(CompanyTests));
        _admin = await _app.AdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_domain_identifies_a_company_so_a_second_one_with_it_is_a_conflict()
    {
        var first = await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Umbrella", Domain = "WWW.Umbrella.test" });
        Assert.True(first.IsSuccess, first.ErrorMessage);

        var second = await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Umbrella Corp", Domain = "http://umbrella.test/" });

        ResultAssert.Status(ResultStatus.Conflict, second);
        Assert.Contains("Umbrella", second.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "not a domain", "Name")]
    [InlineData("Acme", "localhost", "Domain")]
    [InlineData("Acme", "acme dot com", "Domain")]
    public async Task Invalid_companies_are_refused_per_field(string name, string domain, string field)
    {
        var result = await _app.SendAs(_admin, new CreateCompanyCommand { Name = name, Domain = domain });

        ResultAssert.Status(ResultStatus.Invalid, result);
        Assert.Contains(result.Errors, e => e.Field == field);
    }

    [Fact]
    public async Task A_company_page_lists_its_contacts_and_the_list_counts_them()
    {
        var company = (await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Stark Industries", Domain = "stark.test", Industry = "Defense" })).Value;
        await _app.SendAs(_admin, new CreateContactCommand { FirstName = "Tony", LastName = "Stark", CompanyId = company.Id });
        await _app.SendAs(_admin, new CreateContactCommand { FirstName = "Pepper", LastName = "Potts", CompanyId = company.Id });

        var detail = (await _app.SendAs(_admin, new GetCompanyQuery(company.Id))).Value;
        var listed = Assert.Single((await _app.SendAs(_admin, new ListCompaniesQuery(new CompanyFilter { Search = "stark" }))).Value.Items);

        Assert.Equal(["Pepper Potts", "Tony Stark"], detail.Contacts.Select(c => c.DisplayName).Order());
        Assert.Equal(2, listed.ContactCount);
        Assert.Equal("Defense", listed.Industry);
    }

    [Fact]
    public async Task Editing_a_company_with_a_stale_version_is_a_conflict()
    {
        var company = (await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Wayne Enterprises" })).Value;
        Assert.True((await _app.SendAs(_admin, new UpdateCompanyCommand { Id = company.Id, Version = company.Version, Name = "Wayne Ent." })).IsSuccess);

        var stale = await _app.SendAs(_admin, new UpdateCompanyCommand { Id = company.Id, Version = company.Version, Name = "Overwritten" });

        ResultAssert.Status(ResultStatus.Conflict, stale);
    }
}
