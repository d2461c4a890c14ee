using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Common.Paging;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.Contacts;
using Monfri.Domain.Cdp;
using Monfri.Application.Crm.Companies.GetCompany;
using Monfri.Application.Crm.Companies.MergeCompanies;
using Monfri.Application.Crm.Companies.CreateCompany;
using Monfri.Application.Crm.Contacts.GetContact;
using Monfri.Application.Crm.Contacts.ListContacts;
using Monfri.Application.Cdp.Traits.ListTraitValues;
using Monfri.Application.Cdp.Traits.GetPersonTraits;
using Monfri.Application.Cdp.Traits.ListTraitColumns;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;

namespace Monfri.Application.Tests.Cdp;

/// <summary>What an identify (and a group) call says about a person reaches the CRM: profile, list, company, last activity.</summary>
public sealed class IdentifyTraitTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(nameof(IdentifyTraitTests));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Last_seen_and_last_activity_follow_the_latest_event_after_an_identify()
    {
        // An identify, then four tracks in later requests within the same minute — as a signed-up user clicks on.
        var user = $"u-{Guid.NewGuid():N}";
        var start = DateTimeOffset.UtcNow.AddMinutes(-2);
        await _world.SendAsync(Event("identify", user, start, new { traits = new { email = $"{user}@example.test", plan = "trial" } }));
        await _world.ProcessAsync();
        for (var i = 1; i <= 4; i++)
        {
            await _world.SendAsync(Event("track", user, start.AddSeconds(10 * i), new { @event = "Clicked" }));
            await _world.ProcessAsync();
        }

        var latest = start.AddSeconds(40);
        var profile = await _world.ProfileAsync(IdentityTypes.UserId, user);
        Assert.Equal(latest.ToUnixTimeMilliseconds(), profile.LastSeenAt!.Value.ToUnixTimeMilliseconds());
        var contact = (await _world.App.SendAs(_world.Admin, new GetContactQuery(profile.Id))).Value;
        Assert.Equal(latest.ToUnixTimeMilliseconds(), contact.LastActivityAt?.ToUnixTimeMilliseconds());
        var header = (await _world.App.SendAs(_world.Admin, new GetPersonProfileQuery(profile.Id))).Value;
        Assert.Equal(latest.ToUnixTimeMilliseconds(), header.LastSeenAt!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task An_identify_company_links_an_existing_company_by_its_name_or_creates_one_once()
    {
        var existing = await _world.App.SendAs(_world.Admin, new CreateCompanyCommand { Name = "Acme Shop Inc." });
        Assert.True(existing.IsSuccess, existing.ErrorMessage);
        var (ann, bob, cy) = ($"ann-{Guid.NewGuid():N}", $"bob-{Guid.NewGuid():N}", $"cy-{Guid.NewGuid():N}");
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await _world.SendAsync(
            Event("identify", ann, at, new { traits = new { plan = "trial", company = "ACME Shop" } }),
            // Segment's company object; two people of one claim naming a new company share one record.
            Event("identify", bob, at, new { traits = new { company = new { name = "Globex", domain = "https://www.globex.test/about", plan = "pro" } } }),
            Event("identify", cy, at.AddSeconds(1), new { traits = new { company = new { name = "globex" } } }));
        await _world.ProcessAsync();

        Assert.Equal(existing.Value.Id, await CompanyOfAsync(ann));
        var globex = await CompanyOfAsync(bob);
        Assert.NotNull(globex);
        Assert.Equal(globex, await CompanyOfAsync(cy));
        var company = (await _world.App.SendAs(_world.Admin, new GetCompanyQuery(globex!.Value))).Value;
        Assert.Equal(("Globex", "globex.test"), (company.Name, company.Domain));
        Assert.Equal(1, await _world.ScalarAsync("SELECT count(*) FROM companies WHERE lower(name) = 'globex'"));
        Assert.Equal(1, await _world.ScalarAsync("SELECT count(*) FROM companies WHERE name ILIKE 'acme%'"));
    }

    [Fact]
    public async Task A_group_call_links_the_person_to_the_company_it_names_found_by_its_website()
    {
        var existing = await _world.App.SendAs(_world.Admin, new CreateCompanyCommand { Name = "Initech", Domain = "initech.test" });
        Assert.True(existing.IsSuccess, existing.ErrorMessage);
        var (dee, eve, gus) = ($"dee-{Guid.NewGuid():N}", $"eve-{Guid.NewGuid():N}", $"gus-{Guid.NewGuid():N}");
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await _world.SendAsync(
            Event("identify", dee, at, new { traits = new { email = $"{dee}@example.test" } }),
            Event("group", dee, at.AddSeconds(1), new { groupId = "acct_42", traits = new { name = "Initech Corporation", website = "https://initech.test" } }),
            Event("identify", eve, at, new { traits = new { email = $"{eve}@example.test" } }),
            Event("group", eve, at.AddSeconds(1), new { groupId = "acct_77", traits = new { name = "Hooli" } }),
            Event("identify", gus, at, new { traits = new { company = "Hooli" } }));
        await _world.ProcessAsync();

        Assert.Equal(existing.Value.Id, await CompanyOfAsync(dee));
        Assert.Equal(await CompanyOfAsync(eve), await CompanyOfAsync(gus));
        var hooli = await CompanyOfAsync(eve);
        Assert.Equal("Hooli", (await _world.App.SendAs(_world.Admin, new GetCompanyQuery(hooli!.Value))).Value.Name);

        // Segment sends a group's traits once: later calls with only the groupId link to the same company, and an
        // unknown groupId without traits leaves a person's company as it was.
        var fay = $"fay-{Guid.NewGuid():N}";
        await _world.SendAsync(
            Event("identify", fay, at.AddSeconds(2), new { traits = new { email = $"{fay}@example.test" } }),
            Event("group", fay, at.AddSeconds(3), new { groupId = "acct_42" }),
            Event("group", gus, at.AddSeconds(3), new { groupId = "acct_unknown" }));
        await _world.ProcessAsync();
        Assert.Equal(existing.Value.Id, await CompanyOfAsync(fay));
        Assert.Equal(hooli, await CompanyOfAsync(gus));

        // A merge of the group's company moves the group with it.
        var survivor = await _world.App.SendAs(_world.Admin, new CreateCompanyCommand { Name = "Hooli XYZ", Domain = "hooli.test" });
        var absorbed = (await _world.App.SendAs(_world.Admin, new GetCompanyQuery(hooli!.Value))).Value;
        var merged = await _world.App.SendAs(_world.Admin, new MergeCompaniesCommand(survivor.Value.Id, absorbed.Id, null, survivor.Value.Version, absorbed.Version));
        Assert.True(merged.IsSuccess, merged.ErrorMessage);
        var hal = $"hal-{Guid.NewGuid():N}";
        await _world.SendAsync(Event("group", hal, at.AddSeconds(4), new { groupId = "acct_77" }));
        await _world.ProcessAsync();
        Assert.Equal(survivor.Value.Id, await CompanyOfAsync(hal));
    }

    [Fact]
    public async Task Identify_traits_show_on_the_profile_and_as_contacts_list_columns_sorts_and_filters()
    {
        var (trial, pro, none) = ($"trial-{Guid.NewGuid():N}", $"pro-{Guid.NewGuid():N}", $"none-{Guid.NewGuid():N}");
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await _world.SendAsync(
            Event("identify", trial, at, new { traits = new { plan = "trial", company = "Vandelay Industries", seats = 3, note = "<b>hi</b>" } }),
            Event("identify", pro, at, new { traits = new { plan = "pro" } }),
            Event("identify", none, at, new { traits = new { email = $"{none}@example.test" } }));
        await _world.ProcessAsync();
        var ids = new Dictionary<Guid, string>();
        foreach (var user in new[] { trial, pro, none })
        {
            ids[(await _world.ProfileAsync(IdentityTypes.UserId, user)).Id] = user;
        }

        var person = ids.Single(i => i.Value == trial).Key;
        var traits = (await _world.App.SendAs(_world.Admin, new GetPersonTraitsQuery(person))).Value.Identify;
        Assert.Equal([("company", "Vandelay Industries"), ("note", "<b>hi</b>"), ("plan", "trial"), ("seats", "3")], traits.Select(t => (t.Name, t.Value)));

        var columns = (await _world.App.SendAs(_world.Admin, new ListTraitColumnsQuery())).Value;
        Assert.Contains(columns, c => c.Key == "identify.plan" && c.Name == "plan" && c.IsIdentify);

        async Task<string[]> ListAsync(SortDirection direction, params TraitCondition[] conditions)
        {
            var page = await _world.App.SendAs(_world.Admin, new ListContactsQuery(new ContactFilter { Traits = conditions }, "trait:identify.plan", direction, PageSize: 500));
            Assert.True(page.IsSuccess, page.ErrorMessage);
            return [.. page.Value.Items.Where(c => ids.ContainsKey(c.Id)).Select(c => ids[c.Id])];
        }

        Assert.Equal([pro, trial, none], await ListAsync(SortDirection.Ascending));
        Assert.Equal([trial, pro, none], await ListAsync(SortDirection.Descending));
        Assert.Equal([trial], await ListAsync(SortDirection.Ascending, new TraitCondition("identify.plan", Is: "trial")));
        Assert.Equal([pro, trial], await ListAsync(SortDirection.Ascending, new TraitCondition("identify.plan")));
        Assert.Equal([trial], await ListAsync(SortDirection.Ascending, new TraitCondition("identify.seats", Is: "3")));

        var shown = (await _world.App.SendAs(_world.Admin, new ListTraitValuesQuery("identify.plan", [.. ids.Keys]))).Value;
        Assert.Equal(["trial", "pro", ""], ids.Keys.Select(id => shown[id]));
    }

    private async Task<Guid?> CompanyOfAsync(string userId)
    {
        var profile = await _world.ProfileAsync(IdentityTypes.UserId, userId);
        return (await _world.App.SendAs(_world.Admin, new GetContactQuery(profile.Id))).Value.CompanyId;
    }

    /// <summary>An event of this type for a user id at a time, with the given fields (traits, event, groupId …).</summary>
    private static Dictionary<string, object?> Event(string type, string userId, DateTimeOffset at, object fields)
    {
        var e = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(System.Text.Json.JsonSerializer.Serialize(fields))!;
        e["type"] = type;
        e["userId"] = userId;
        e["messageId"] = Guid.NewGuid().ToString();
        e["timestamp"] = at.ToString("O");
        return e;
    }
}
