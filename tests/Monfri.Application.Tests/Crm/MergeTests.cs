using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
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
using Monfri.Application.Crm.Companies.GetCompany;
using Monfri.Application.Crm.Companies.MergeCompanies;
using Monfri.Application.Crm.Companies.CreateCompany;
using Monfri.Application.Crm.Companies.ListCompanyDuplicatePairs;
using Monfri.Application.Crm.Companies.FindCompanyDuplicates;
using Monfri.Application.Crm.Contacts.GetContact;
using Monfri.Application.Crm.Contacts.MergeContacts;
using Monfri.Application.Crm.Contacts.ListContacts;
using Monfri.Application.Crm.Contacts.FindContactDuplicates;
using Monfri.Application.Crm.Contacts.PreviewContactMerge;
using Monfri.Application.Crm.Contacts.ListContactDuplicatePairs;
using Monfri.Application.Crm.Contacts.UpdateContact;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Crm.Settings.UpdateWorkspaceSettings;
using Monfri.Application.Crm.Settings.GetWorkspaceSettings;
using Monfri.Application.Crm.Search.GlobalSearch;
using Monfri.Application.Crm.CustomFields.CreateCustomField;
using Monfri.Application.Crm.Audit.GetRecordHistory;

namespace Monfri.Application.Tests.Crm;

public sealed class MergeTests : IAsyncLifetime
{
    private MonfriServices _app = null!;
    private ClaimsPrincipal _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(MergeTests));
        _admin = await _app.AdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<ContactDetail> ContactAsync(string first, string last, string? email, Guid? companyId = null, ClaimsPrincipal? by = null,
        string? phone = null, IReadOnlyList<string>? tags = null, IReadOnlyDictionary<string, object?>? custom = null)
    {
        var result = await _app.SendAs(by ?? _admin, new CreateContactCommand
        {
            FirstName = first, LastName = last, Email = email, CompanyId = companyId, Phone = phone, Tags = tags ?? [],
            CustomFields = custom ?? new Dictionary<string, object?>(),
        });
        Assert.True(result.IsSuccess, result.ErrorMessage);
        return result.Value;
    }

    private async Task<CompanyDetail> CompanyAsync(string name, string? domain = null, string? industry = null)
    {
        var result = await _app.SendAs(_admin, new CreateCompanyCommand { Name = name, Domain = domain, Industry = industry });
        Assert.True(result.IsSuccess, result.ErrorMessage);
        return result.Value;
    }

    /// <summary>Deals and activities have no use cases in this branch yet: they are written straight to the database.</summary>
    private async Task<T> WriteAsync<T>(Func<IMonfriDb, Task<T>> write)
    {
        await using var scope = _app.Provider.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IMonfriDbFactory>().CreateAsync();
        var result = await write(db);
        await db.SaveChangesAsync();
        return result;
    }

    private Task<Guid> DealAsync(string name, Guid? companyId, params Guid[] contactIds) => WriteAsync(async db =>
    {
        var now = DateTimeOffset.UtcNow;
        var pipeline = await db.Pipelines.Include(p => p.Stages).FirstOrDefaultAsync();
        if (pipeline is null)
        {
            pipeline = Pipeline.Create("Sales", [("Qualified", 20, null)], now, isDefault: true);
            db.Pipelines.Add(pipeline);
        }

        var deal = Deal.Create(new DealDetails(name, 1000m, "EUR", null, null, companyId, contactIds, [], new Dictionary<string, object?>()),
            pipeline.OpenStages.First(), null, 1, now);
        db.Deals.Add(deal);
        return deal.Id;
    });

    private Task<Guid> ActivityAsync(string subject, Guid? personId = null, Guid? companyId = null) => WriteAsync(db =>
    {
        var activity = Activity.Log(new ActivityDetails(ActivityType.Note, subject, null, personId, companyId, null, null, null, null), null, DateTimeOffset.UtcNow);
        db.Activities.Add(activity);
        return Task.FromResult(activity.Id);
    });

    private Task<T> ReadAsync<T>(Func<IMonfriDb, Task<T>> read) => WriteAsync(read);

    [Fact]
    public async Task Merging_two_contacts_keeps_the_chosen_values_and_moves_activities_and_deal_links()
    {
        var acme = await CompanyAsync("Merge Acme", "merge-acme.test");
        await _app.SendAs(_admin, new CreateCustomFieldCommand(CrmObjectType.Contact, "tier", "Tier", CustomFieldType.Text, []));
        var robert = await ContactAsync("Robert", "Smith", "robert@merge-acme.test", acme.Id, phone: "+1 555 0100", tags: ["vip"]);
        var bob = await ContactAsync("Bob", "Smith", "bob@home.test", acme.Id, tags: ["newsletter"], custom: new Dictionary<string, object?> { ["tier"] = "Gold" });
        var shared = await DealAsync("Shared deal", acme.Id, robert.Id, bob.Id);
        var bobsDeal = await DealAsync("Bob's deal", acme.Id, bob.Id);
        await ActivityAsync("Call with Bob", bob.Id);
        await ActivityAsync("Lunch with Bob", bob.Id);

        var merged = await _app.SendAs(_admin, new MergeContactsCommand(robert.Id, bob.Id,
            new Dictionary<string, MergeSide> { ["firstName"] = MergeSide.Absorbed, ["email"] = MergeSide.Absorbed }, robert.Version, bob.Version));

        Assert.True(merged.IsSuccess, merged.ErrorMessage);
        var survivor = merged.Value;
        Assert.Equal(robert.Id, survivor.Id);
        Assert.Equal("Bob", survivor.FirstName);
        Assert.Equal("bob@home.test", survivor.Email);
        Assert.Contains("robert@merge-acme.test", survivor.OtherEmails);
        Assert.Equal("+1 555 0100", survivor.Phone);
        Assert.Equal("Gold", CustomFieldValues.Display(survivor.CustomFields["tier"]));
        Assert.Equal(["newsletter", "vip"], survivor.Tags.Order());
        Assert.Equal(new[] { bobsDeal, shared }.Order(), survivor.Deals.Select(d => d.Id).Order());
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(_admin, new GetContactQuery(bob.Id)));
        var links = await ReadAsync(db => db.DealContacts.Where(l => l.DealId == shared).Select(l => l.PersonId).ToListAsync());
        Assert.Equal([robert.Id], links);
        Assert.Equal(2, await ReadAsync(db => db.Activities.CountAsync(a => a.PersonId == robert.Id)));
    }

    [Fact]
    public async Task The_absorbed_email_stays_as_another_email_and_still_finds_the_contact()
    {
        var keep = await ContactAsync("Kim", "Keeper", "kim@work.test");
        var gone = await ContactAsync("Kim", "Keeper", "kim.keeper@private.test");

        var merged = await _app.SendAs(_admin, new MergeContactsCommand(keep.Id, gone.Id, null, keep.Version, gone.Version));

        Assert.True(merged.IsSuccess, merged.ErrorMessage);
        Assert.Equal("kim@work.test", merged.Value.Email);
        Assert.Equal(["kim.keeper@private.test"], merged.Value.OtherEmails);
        var search = await _app.SendAs(_admin, new GlobalSearchQuery("kim.keeper@private.test"));
        Assert.Equal(keep.Id, Assert.Single(search.Value).Id);
        var list = await _app.SendAs(_admin, new ListContactsQuery(new ContactFilter { Search = "KIM.KEEPER@private.test" }));
        Assert.Equal(keep.Id, Assert.Single(list.Value.Items).Id);
        var again = await _app.SendAs(_admin, new FindContactDuplicatesQuery("kim.keeper@private.test", null, null, null));
        Assert.Equal(keep.Id, Assert.Single(again.Value).Id);
    }

    [Fact]
    public async Task A_merge_reads_as_one_entry_in_the_survivors_history_and_the_absorbed_record_says_where_it_went()
    {
        var keep = await ContactAsync("Hilda", "History", "hilda@history.test");
        var gone = await ContactAsync("Hildegard", "History", "hildegard@history.test");
        await ActivityAsync("Note on Hildegard", gone.Id);

        await _app.SendAs(_admin, new MergeContactsCommand(keep.Id, gone.Id, new Dictionary<string, MergeSide> { ["firstName"] = MergeSide.Absorbed }, keep.Version, gone.Version));

        var history = (await _app.SendAs(_admin, new GetRecordHistoryQuery(CrmObjectType.Contact, keep.Id))).Value.Items;
        Assert.Equal([AuditAction.Merged, AuditAction.Created], history.Select(h => h.Action));
        var merge = history[0];
        Assert.Contains("Hildegard History (hildegard@history.test)", merge.Summary, StringComparison.Ordinal);
        Assert.Contains(gone.Id.ToString(), merge.Summary, StringComparison.Ordinal);
        Assert.Contains("1 activity", merge.Summary, StringComparison.Ordinal);
        Assert.Contains(new FieldChange("firstName", "Hilda", "Hildegard"), merge.Changes);
        Assert.Contains(merge.Changes, c => c.Field == "otherEmails" && c.New == "hildegard@history.test");
        Assert.Equal("Administrator", merge.UserName);
        var absorbed = (await _app.SendAs(_admin, new GetRecordHistoryQuery(CrmObjectType.Contact, gone.Id))).Value.Items;
        Assert.Equal([AuditAction.Deleted, AuditAction.Logged, AuditAction.Created], absorbed.Select(h => h.Action)); // the note was logged on it
        Assert.Contains($"merged into Hildegard History (id {keep.Id})", absorbed[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_merge_based_on_a_stale_version_is_a_conflict_and_changes_nothing()
    {
        var keep = await ContactAsync("Stella", "Stale", "stella@stale.test");
        var gone = await ContactAsync("Stel", "Stale", "stel@stale.test");
        await ActivityAsync("Stays put", gone.Id);
        var edited = await _app.SendAs(_admin, new UpdateContactCommand { Id = gone.Id, Version = gone.Version, FirstName = "Stelly", LastName = "Stale", Email = gone.Email });
        Assert.True(edited.IsSuccess, edited.ErrorMessage);

        var merge = await _app.SendAs(_admin, new MergeContactsCommand(keep.Id, gone.Id, null, keep.Version, gone.Version));

        ResultAssert.Status(ResultStatus.Conflict, merge);
        Assert.Equal("Stelly", (await _app.SendAs(_admin, new GetContactQuery(gone.Id))).Value.FirstName);
        Assert.Equal(1, await ReadAsync(db => db.Activities.CountAsync(a => a.PersonId == gone.Id)));
    }

    [Fact]
    public async Task A_merge_that_fails_validation_rolls_back_the_moved_activities_and_the_deletion()
    {
        var (leaver, _) = await _app.CreateUserAsync("Leaver", Roles.Sales);
        var keep = await ContactAsync("Rolf", "Back", "rolf@back.test");
        var owned = await _app.SendAs(_admin, new UpdateContactCommand { Id = keep.Id, Version = keep.Version, FirstName = "Rolf", LastName = "Back", Email = keep.Email, OwnerId = leaver.Id });
        var gone = await ContactAsync("Rolf", "Back", "rolf@elsewhere.test");
        await ActivityAsync("Must stay", gone.Id);
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(_admin, new Monfri.Application.Users.SetUserActive.SetUserActiveCommand(leaver.Id, false)));

        var merge = await _app.SendAs(_admin, new MergeContactsCommand(keep.Id, gone.Id, null, owned.Value.Version, gone.Version));

        ResultAssert.Status(ResultStatus.Invalid, merge);
        Assert.Contains(merge.Errors, e => e.Field == "OwnerId");
        Assert.True((await _app.SendAs(_admin, new GetContactQuery(gone.Id))).IsSuccess);
        Assert.Equal(1, await ReadAsync(db => db.Activities.CountAsync(a => a.PersonId == gone.Id)));
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_cannot_merge_a_contact_they_cannot_see()
    {
        var (_, rita) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var (_, sam) = await _app.CreateUserAsync("Sam", Roles.Sales);
        var mine = await ContactAsync("Vera", "Visible", "vera@visible.test", by: rita);
        var theirs = await ContactAsync("Vera", "Visible", "vera.v@hidden.test", by: sam);
        var settings = (await _app.SendAs(_admin, new GetWorkspaceSettingsQuery())).Value;
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(_admin, new UpdateWorkspaceSettingsCommand(true, settings.LifecycleStages, "EUR", settings.Version)));
        try
        {
            ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(rita, new MergeContactsCommand(mine.Id, theirs.Id, null, mine.Version, theirs.Version)));
            ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(rita, new PreviewContactMergeQuery(mine.Id, theirs.Id)));
            Assert.DoesNotContain((await _app.SendAs(rita, new ListContactDuplicatePairsQuery())).Value.Items, p => p.A.Id == theirs.Id || p.B.Id == theirs.Id);
            Assert.True((await _app.SendAs(_admin, new GetContactQuery(theirs.Id))).IsSuccess);
        }
        finally
        {
            var now = (await _app.SendAs(_admin, new GetWorkspaceSettingsQuery())).Value;
            await _app.SendAs(_admin, new UpdateWorkspaceSettingsCommand(false, now.LifecycleStages, "EUR", now.Version));
        }
    }

    [Fact]
    public async Task A_contact_cannot_be_merged_with_itself()
    {
        var solo = await ContactAsync("Solo", "Self", "solo@self.test");

        var merge = await _app.SendAs(_admin, new MergeContactsCommand(solo.Id, solo.Id, null, solo.Version, solo.Version));

        ResultAssert.Status(ResultStatus.Invalid, merge);
        Assert.Contains("cannot be merged with itself", merge.ErrorMessage, StringComparison.Ordinal);
        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(_admin, new PreviewContactMergeQuery(solo.Id, solo.Id)));
        Assert.True((await _app.SendAs(_admin, new GetContactQuery(solo.Id))).IsSuccess);
    }

    [Fact]
    public async Task An_unknown_field_in_the_chosen_values_is_refused()
    {
        var a = await ContactAsync("Una", "Known", "una@known.test");
        var b = await ContactAsync("Uno", "Known", "uno@known.test");

        var merge = await _app.SendAs(_admin, new MergeContactsCommand(a.Id, b.Id, new Dictionary<string, MergeSide> { ["shoeSize"] = MergeSide.Absorbed }, a.Version, b.Version));

        ResultAssert.Status(ResultStatus.Invalid, merge);
        Assert.Contains("'shoeSize' is not a field of a contact.", merge.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_merge_preview_shows_every_field_of_both_records_and_what_they_bring()
    {
        var acme = await CompanyAsync("Preview Acme");
        var a = await ContactAsync("Pia", "Preview", "pia@preview.test", acme.Id);
        var b = await ContactAsync("Pia", "Preview", null, phone: "123");
        await ActivityAsync("Hello", b.Id);

        var preview = (await _app.SendAs(_admin, new PreviewContactMergeQuery(a.Id, b.Id))).Value;

        Assert.Equal(a.Version, preview.A.Version);
        Assert.Contains("1 activity", preview.B.Related);
        Assert.Equal(new MergeField("company", "Company", "Preview Acme", null), preview.Fields.Single(f => f.Key == "company"));
        Assert.Equal(new MergeField("phone", "Phone", null, "123"), preview.Fields.Single(f => f.Key == "phone"));
        Assert.Equal(new MergeField("lifecycleStage", "Lifecycle stage", "Lead", "Lead"), preview.Fields.Single(f => f.Key == "lifecycleStage"));
    }

    [Fact]
    public async Task Merging_companies_repoints_their_contacts_deals_and_activities()
    {
        var keep = await CompanyAsync("Initech", "initech.test", "Software");
        var gone = await CompanyAsync("INITECH, Inc.", "initech-corp.test");
        var peter = await ContactAsync("Peter", "Gibbons", "peter@initech-corp.test", gone.Id);
        var deal = await DealAsync("TPS reports", gone.Id, peter.Id);
        await ActivityAsync("Visit", companyId: gone.Id);

        var merged = await _app.SendAs(_admin, new MergeCompaniesCommand(keep.Id, gone.Id,
            new Dictionary<string, MergeSide> { ["domain"] = MergeSide.Absorbed }, keep.Version, gone.Version));

        Assert.True(merged.IsSuccess, merged.ErrorMessage);
        Assert.Equal("Initech", merged.Value.Name);
        Assert.Equal("initech-corp.test", merged.Value.Domain);
        Assert.Equal("Software", merged.Value.Industry);
        Assert.Equal([peter.Id], merged.Value.Contacts.Select(c => c.Id));
        Assert.Equal([deal], merged.Value.Deals.Select(d => d.Id));
        Assert.Equal(keep.Id, (await _app.SendAs(_admin, new GetContactQuery(peter.Id))).Value.CompanyId);
        Assert.Equal(1, await ReadAsync(db => db.Activities.CountAsync(a => a.CompanyId == keep.Id)));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(_admin, new GetCompanyQuery(gone.Id)));
        var history = (await _app.SendAs(_admin, new GetRecordHistoryQuery(CrmObjectType.Company, keep.Id))).Value.Items;
        Assert.Equal(AuditAction.Merged, history[0].Action);
        Assert.Contains("1 contact, 1 deal, 1 activity moved", history[0].Summary, StringComparison.Ordinal);
        ResultAssert.Status(ResultStatus.Conflict, await _app.SendAs(_admin, new MergeCompaniesCommand(keep.Id, (await CompanyAsync("Other")).Id, null, keep.Version, 0)));
    }

    [Fact]
    public async Task A_merge_tells_open_pages_of_both_records_where_the_survivor_is()
    {
        var keep = await ContactAsync("Liv", "Live", "liv@live.test");
        var gone = await ContactAsync("Liv", "Live", "liv2@live.test");
        // Other updates may reach these topics too (the live feed delivers on its own threads): only the merge's count.
        var merged = new System.Collections.Concurrent.ConcurrentDictionary<string, Guid>();
        ValueTask Record(string topic, LiveUpdate u)
        {
            if (u.Kind == "contact.merged")
            {
                merged[topic] = u.Data.GetProperty("survivorId").GetGuid();
            }

            return ValueTask.CompletedTask;
        }

        using var onKeep = _app.Get<ILiveFeed>().Subscribe(LiveTopics.Profile(keep.Id), _admin, u => Record(LiveTopics.Profile(keep.Id), u)).Value;
        using var onGone = _app.Get<ILiveFeed>().Subscribe(LiveTopics.Profile(gone.Id), _admin, u => Record(LiveTopics.Profile(gone.Id), u)).Value;

        await _app.SendAs(_admin, new MergeContactsCommand(keep.Id, gone.Id, null, keep.Version, gone.Version));

        await WaitUntil(() => merged.Count >= 2);
        Assert.Equal([keep.Id, keep.Id], new[] { merged[LiveTopics.Profile(keep.Id)], merged[LiveTopics.Profile(gone.Id)] });
    }

    [Fact]
    public async Task The_duplicates_list_pairs_contacts_with_the_same_email_or_the_same_name_at_one_company()
    {
        var globex = await CompanyAsync("Pairs Globex");
        var hank = await ContactAsync("Hank", "Scorpio", "hank@pairs.test", globex.Id);
        var hankAgain = await ContactAsync("hank", "SCORPIO", null, globex.Id);
        var mail = await ContactAsync("Mail", "One", "mail.one@pairs.test");
        var mailAgain = await ContactAsync("Other", "Person", "other@pairs.test");
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(_admin, new UpdateContactCommand
        {
            Id = mailAgain.Id, Version = mailAgain.Version, FirstName = "Other", LastName = "Person", Email = mailAgain.Email, OtherEmails = ["mail.one@pairs.test"],
        }));
        var elsewhere = await ContactAsync("Hank", "Scorpio", "hank@elsewhere.test");
        var unrelated = await ContactAsync("Una", "Related", "una@pairs.test", globex.Id);

        var pairs = (await _app.SendAs(_admin, new ListContactDuplicatePairsQuery(0, 200))).Value.Items;

        var byName = Assert.Single(pairs, p => p.B.Id == hankAgain.Id);
        Assert.Equal(hank.Id, byName.A.Id);
        Assert.Equal(["Same name at the same company"], byName.Reasons);
        var byEmail = Assert.Single(pairs, p => p.B.Id == mailAgain.Id);
        Assert.Equal(mail.Id, byEmail.A.Id);
        Assert.Equal(["Same email mail.one@pairs.test"], byEmail.Reasons);
        Assert.DoesNotContain(pairs, p => p.A.Id == elsewhere.Id || p.B.Id == elsewhere.Id || p.A.Id == unrelated.Id || p.B.Id == unrelated.Id);
    }

    [Fact]
    public async Task The_duplicates_list_finds_planted_pairs_among_thousands_of_contacts_and_pages_them()
    {
        var companies = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            companies.Add((await CompanyAsync($"Bulk Company {i}")).Id);
        }

        // 3,000 distinct contacts, then 15 planted duplicates (10 by email, 5 by name at the same company).
        await WriteAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < 3000; i++)
            {
                db.People.Add(Person.CreateContact(new ContactDetails($"First{i}", $"Last{i}", $"bulk{i}@bulk.test", [], null, null,
                    companies[i % companies.Count], null, LifecycleStages.Lead, null, [], new Dictionary<string, object?>()), now));
            }

            await db.SaveChangesAsync();
            for (var i = 0; i < 10; i++)
            {
                db.People.Add(Person.CreateContact(new ContactDetails($"Dup{i}", "ByEmail", $"dup{i}@bulk.test", [$"bulk{i * 7}@bulk.test"], null, null,
                    null, null, LifecycleStages.Lead, null, [], new Dictionary<string, object?>()), now));
            }

            for (var i = 0; i < 5; i++)
            {
                db.People.Add(Person.CreateContact(new ContactDetails($"first{i * 11}", $"LAST{i * 11}", null, [], null, null,
                    companies[i * 11 % companies.Count], null, LifecycleStages.Lead, null, [], new Dictionary<string, object?>()), now));
            }

            return 0;
        });

        var first = (await _app.SendAs(_admin, new ListContactDuplicatePairsQuery(0, 10))).Value;
        var second = (await _app.SendAs(_admin, new ListContactDuplicatePairsQuery(1, 10))).Value;

        var bulkPairs = first.Items.Concat(second.Items)
            .Where(p => new[] { p.A, p.B }.Any(m => m.Name.StartsWith("Dup", StringComparison.Ordinal) || m.Name.StartsWith("first", StringComparison.Ordinal)))
            .ToList();
        Assert.Equal(15, bulkPairs.Count);
        Assert.Equal(10, first.Items.Count);
        Assert.True(first.TotalCount >= 15);
        Assert.Empty(first.Items.Select(p => (p.A.Id, p.B.Id)).Intersect(second.Items.Select(p => (p.A.Id, p.B.Id))));
    }

    [Fact]
    public async Task Likely_duplicate_companies_are_found_by_domain_and_by_name_ignoring_legal_form()
    {
        var acme = await CompanyAsync("Acme Inc.", "dup-acme.test");
        var acmeEu = await CompanyAsync("Acme Europe", "eu.dup-acme.test");
        var acmeCorp = await CompanyAsync("ACME");
        var acmeCo = await CompanyAsync("acme co ltd");
        var acmeWidgets = await CompanyAsync("Acme Widgets");

        var byName = (await _app.SendAs(_admin, new FindCompanyDuplicatesQuery("A.C.M.E., Inc", null))).Value;
        var byDomain = (await _app.SendAs(_admin, new FindCompanyDuplicatesQuery("Something", "https://www.dup-acme.test/about"))).Value;
        var onRecord = (await _app.SendAs(_admin, new FindCompanyDuplicatesQuery("Acme Inc.", "dup-acme.test", acme.Id))).Value;
        var pairs = (await _app.SendAs(_admin, new ListCompanyDuplicatePairsQuery(0, 200))).Value.Items;

        Assert.Equal(new[] { acme.Id, acmeCorp.Id, acmeCo.Id }.Order(), byName.Select(d => d.Id).Order());
        Assert.All(byName, d => Assert.Equal("Similar name", d.Reason));
        Assert.Equal(new[] { acme.Id, acmeEu.Id }.Order(), byDomain.Select(d => d.Id).Order());
        Assert.Equal(new[] { acmeEu.Id, acmeCorp.Id, acmeCo.Id }.Order(), onRecord.Select(d => d.Id).Order());
        Assert.Contains(pairs, p => p.A.Id == acme.Id && p.B.Id == acmeEu.Id && p.Reasons.SequenceEqual(["Same domain dup-acme.test"]));
        Assert.Contains(pairs, p => p.A.Id == acme.Id && p.B.Id == acmeCo.Id && p.Reasons.SequenceEqual(["Similar name"]));
        Assert.DoesNotContain(pairs, p => p.A.Id == acmeWidgets.Id || p.B.Id == acmeWidgets.Id);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
