using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Audit;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.CustomFields;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Application.Crm.Companies.GetCompany;
using Monfri.Application.Crm.Companies.CreateCompany;
using Monfri.Application.Crm.Contacts.GetContact;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Crm.Imports.GetImportJob;
using Monfri.Application.Crm.Imports.StartImport;
using Monfri.Application.Crm.Imports.ListImportJobs;
using Monfri.Application.Crm.Imports.ListImportIssues;
using Monfri.Application.Crm.CustomFields.CreateCustomField;
using Monfri.Application.Crm.Audit.GetRecordHistory;

namespace Monfri.Application.Tests.Crm;

public sealed class ImportTests : IAsyncLifetime
{
    private MonfriServices _app = null!;
    private ClaimsPrincipal _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(ImportTests));
        _admin = await _app.AdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static Task<Result<ImportJobDto>> StartAsync(MonfriServices app, ClaimsPrincipal user, CrmObjectType type, byte[] file, ImportMode mode = ImportMode.CreateAll, IReadOnlyDictionary<string, string>? mapping = null) =>
        app.SendAs(user, new StartImportCommand(type, "people.csv", mode, mapping, new MemoryStream(file)));

    private Task<Result<ImportJobDto>> StartAsync(ClaimsPrincipal user, string csv, ImportMode mode = ImportMode.CreateAll, CrmObjectType type = CrmObjectType.Contact) =>
        StartAsync(_app, user, type, Encoding.UTF8.GetBytes(csv), mode);

    /// <summary>Imports run in the background: wait until the worker has finished the job.</summary>
    private static async Task<ImportJobDto> FinishedAsync(MonfriServices app, ClaimsPrincipal user, Guid jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var job = await app.SendAs(user, new GetImportJobQuery(jobId));
            Assert.True(job.IsSuccess, job.ErrorMessage);
            if (job.Value.IsFinished)
            {
                return job.Value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The import is still {job.Value.Status} at row {job.Value.ProcessedRows}.");
            await Task.Delay(50);
        }
    }

    private async Task<ImportJobDto> ImportAsync(ClaimsPrincipal user, string csv, ImportMode mode = ImportMode.CreateAll, CrmObjectType type = CrmObjectType.Contact)
    {
        var started = await StartAsync(user, csv, mode, type);
        Assert.True(started.IsSuccess, started.ErrorMessage);
        var job = await FinishedAsync(_app, user, started.Value.Id);
        Assert.Equal(ImportStatus.Completed, job.Status);
        return job;
    }

    private async Task<IReadOnlyList<ImportIssueDto>> IssuesAsync(ClaimsPrincipal user, Guid jobId, int pageSize = 500)
    {
        var all = new List<ImportIssueDto>();
        for (var page = 0; ; page++)
        {
            var issues = await _app.SendAs(user, new ListImportIssuesQuery(jobId, page, pageSize));
            Assert.True(issues.IsSuccess, issues.ErrorMessage);
            all.AddRange(issues.Value.Items);
            if (all.Count >= issues.Value.TotalCount)
            {
                return all;
            }
        }
    }

    private async Task<Person> PersonAsync(string email)
    {
        await using var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        return await db.People.AsNoTracking().SingleAsync(p => p.Email == email);
    }

    [Fact]
    public async Task Importing_contacts_maps_columns_by_name_fills_custom_fields_and_links_or_creates_companies()
    {
        var (importer, principal) = await _app.CreateUserAsync("Ivy", Roles.Marketing);
        var tier = await _app.SendAs(_admin, new CreateCustomFieldCommand(CrmObjectType.Contact, "tier", "Tier", CustomFieldType.SingleSelect, ["Gold", "Silver"]));
        Assert.True(tier.IsSuccess, tier.ErrorMessage);
        var acme = await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Acme", Domain = "acme.test" });
        Assert.True(acme.IsSuccess, acme.ErrorMessage);

        var job = await ImportAsync(principal, """
            First name,Last name,E-mail,Company,Website,Tier,Tags,Notes
            Ada,Lovelace,ada@import.test,ACME,,gold,vip;math,met at a fair
            Bob,Builder,bob@import.test,,https://www.acme.test/,Silver,,
            Cy,Newman,cy@import.test,Newco Ltd,newco.test,,,
            Di,Newman,di@import.test,Newco Ltd,,,,
            """);

        Assert.Equal(new Dictionary<string, string>
        {
            ["First name"] = "firstName", ["Last name"] = "lastName", ["E-mail"] = "email", ["Company"] = "companyName",
            ["Website"] = "companyDomain", ["Tier"] = "customFields.tier", ["Tags"] = "tags",
        }, job.Mapping);
        Assert.Equal((4, 0, 0, 0, 1), (job.Created, job.Updated, job.Skipped, job.Failed, job.CompaniesCreated));

        var ada = await PersonAsync("ada@import.test");
        Assert.Equal(("Ada", "Lovelace", acme.Value.Id, importer.Id), (ada.FirstName, ada.LastName, ada.CompanyId, ada.OwnerId));
        Assert.Equal("Gold", CustomFieldValues.Display(ada.CustomFields["tier"]));
        Assert.Equal(["vip", "math"], ada.Tags);
        Assert.Equal(acme.Value.Id, (await PersonAsync("bob@import.test")).CompanyId);
        var cy = await PersonAsync("cy@import.test");
        Assert.Equal(cy.CompanyId, (await PersonAsync("di@import.test")).CompanyId);
        var newco = await _app.SendAs(_admin, new GetCompanyQuery(cy.CompanyId!.Value));
        Assert.Equal(("Newco Ltd", "newco.test"), (newco.Value.Name, newco.Value.Domain));

        var history = await _app.SendAs(_admin, new GetRecordHistoryQuery(CrmObjectType.Contact, ada.Id));
        var entry = Assert.Single(history.Value.Items);
        Assert.Equal((AuditAction.Imported, "Imported from people.csv", "Ivy"), (entry.Action, entry.Summary, entry.UserName));
    }

    [Fact]
    public async Task Update_existing_mode_fills_the_given_fields_keeps_the_rest_and_records_the_changes()
    {
        var existing = await _app.SendAs(_admin, new CreateContactCommand { FirstName = "Grace", LastName = "Hopper", Email = "grace@update.test", Phone = "+1 555 0100", JobTitle = "Officer" });
        Assert.True(existing.IsSuccess, existing.ErrorMessage);

        var job = await ImportAsync(_admin, """
            Email,Job title,Phone,Tags
            GRACE@update.test,Rear Admiral,,navy
            alan@update.test,Mathematician,,
            """, ImportMode.UpdateExisting);

        Assert.Equal((1, 1, 0, 0), (job.Created, job.Updated, job.Skipped, job.Failed));
        var grace = await _app.SendAs(_admin, new GetContactQuery(existing.Value.Id));
        Assert.Equal(("Grace", "Rear Admiral", "+1 555 0100"), (grace.Value.FirstName, grace.Value.JobTitle, grace.Value.Phone));
        Assert.Equal(["navy"], grace.Value.Tags);
        var history = await _app.SendAs(_admin, new GetRecordHistoryQuery(CrmObjectType.Contact, existing.Value.Id));
        Assert.Contains(history.Value.Items, e => e.Action == AuditAction.Updated && e.Changes.Any(c => c is { Field: "jobTitle", Old: "Officer", New: "Rear Admiral" }));
    }

    [Fact]
    public async Task Skip_duplicates_mode_skips_existing_emails_and_repeats_within_the_file()
    {
        Assert.True((await _app.SendAs(_admin, new CreateContactCommand { FirstName = "Bo", Email = "bo@skip.test", OtherEmails = ["bo.private@skip.test"] })).IsSuccess);

        var job = await ImportAsync(_admin, """
            First name,Email
            Bo again,bo@skip.test
            Carl,carl@skip.test
            Carl twice,CARL@skip.test
            Bo at home,bo.private@skip.test
            """, ImportMode.SkipDuplicates);

        Assert.Equal((1, 0, 3, 0), (job.Created, job.Updated, job.Skipped, job.Failed));
        Assert.Equal(
            [
                new ImportIssueDto(1, ImportOutcomes.Skipped, "A contact with the email bo@skip.test already exists."),
                new ImportIssueDto(3, ImportOutcomes.Skipped, "A contact with the email carl@skip.test already exists."),
                new ImportIssueDto(4, ImportOutcomes.Skipped, "A contact with the email bo.private@skip.test already exists."),
            ],
            await IssuesAsync(_admin, job.Id));
        Assert.Equal("Bo", (await PersonAsync("bo@skip.test")).FirstName);
        Assert.Equal("Carl", (await PersonAsync("carl@skip.test")).FirstName);
    }

    [Fact]
    public async Task A_row_with_a_nul_character_is_rejected_with_its_reason_and_the_other_rows_imported()
    {
        // PostgreSQL refuses U+0000 in text (a file's decoder already turns a lone surrogate into U+FFFD). The upload
        // refuses a file with NUL in its first 8 KB as binary; one further down reaches the rows.
        var csv = new StringBuilder("First name,Last name,Email\n");
        for (var i = 0; i < 300; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Good{i},Row,good{i}@store.test\n");
        }

        csv.Append("Nul\u0000led,Row,nul@store.test\n");
        var job = await ImportAsync(_admin, csv.ToString());

        Assert.Equal((300, 1), (job.Created, job.Failed));
        var issue = Assert.Single(await IssuesAsync(_admin, job.Id));
        Assert.Equal((301, ImportOutcomes.Rejected), (issue.Row, issue.Outcome));
        Assert.Contains("First name", issue.Reason, StringComparison.Ordinal);
        Assert.Contains("NUL", issue.Reason, StringComparison.Ordinal);
        Assert.NotNull(await PersonAsync("good299@store.test"));
    }

    [Fact]
    public async Task Create_all_mode_rejects_a_row_whose_email_already_exists()
    {
        Assert.True((await _app.SendAs(_admin, new CreateContactCommand { FirstName = "Eve", Email = "eve@create.test" })).IsSuccess);

        var job = await ImportAsync(_admin, "First name,Email\nEve,eve@create.test\nFay,fay@create.test\n");

        Assert.Equal((1, 1), (job.Created, job.Failed));
        var issue = Assert.Single(await IssuesAsync(_admin, job.Id));
        Assert.Equal((1, ImportOutcomes.Rejected), (issue.Row, issue.Outcome));
        Assert.StartsWith("A contact with the email eve@create.test already exists.", issue.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_is_read_as_windows_1252_and_the_preview_says_so()
    {
        var latin1 = Encoding.Latin1.GetBytes("Prénom;Nom;E-mail\nJosé;Müller;jose@latin.test\nFrançoise;Gaël;francoise@latin.test\n");

        var preview = await ImportCsv.InspectAsync(new MemoryStream(latin1), CancellationToken.None);
        Assert.True(preview.IsSuccess, preview.ErrorMessage);
        Assert.Equal(new CsvFormat(CsvFormat.Windows1252, ';'), preview.Value.Format);
        Assert.NotNull(preview.Value.Format.EncodingNote);
        Assert.Equal(["Prénom", "Nom", "E-mail"], preview.Value.Header);

        var started = await StartAsync(_app, _admin, CrmObjectType.Contact, latin1, mapping: new Dictionary<string, string> { ["Prénom"] = "firstName", ["Nom"] = "lastName", ["E-mail"] = "email" });
        Assert.True(started.IsSuccess, started.ErrorMessage);
        var job = await FinishedAsync(_app, _admin, started.Value.Id);

        Assert.Equal((2, 0, "windows-1252"), (job.Created, job.Failed, job.Encoding));
        var jose = await PersonAsync("jose@latin.test");
        Assert.Equal(("José", "Müller"), (jose.FirstName, jose.LastName));
        Assert.Equal("Gaël", (await PersonAsync("francoise@latin.test")).LastName);
    }

    [Theory]
    [InlineData("Ada,Lovelace,ada@nohead.test\nBob,Builder,bob@nohead.test\n", "The first row looks like data ('ada@nohead.test'), not column names.")]
    [InlineData("Phone,City\n+1 555,Paris\n", "Map at least one column to first name, last name or email")]
    [InlineData("", "The file is empty.")]
    [InlineData("First name,Email\n", "The file has a header row but no rows to import.")]
    [InlineData("Email,email\nx@y.test,z@y.test\n", "Two columns are named 'Email'.")]
    [InlineData("PK\u0003\u0004 binary workbook", "This is an Excel workbook (.xlsx)")]
    public async Task A_file_without_a_header_row_or_the_required_columns_is_refused_before_anything_is_imported(string csv, string message)
    {
        var (_, principal) = await _app.CreateUserAsync("Rudy", Roles.Sales);

        var result = await StartAsync(principal, csv);

        ResultAssert.Status(ResultStatus.Invalid, result);
        Assert.Contains(message, result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, (await _app.SendAs(principal, new ListImportJobsQuery())).Value.TotalCount);
    }

    [Fact]
    public async Task Ten_thousand_bad_rows_among_good_ones_are_each_reported_with_their_reason_and_the_good_rows_imported()
    {
        var csv = new StringBuilder("First name,Email,Lifecycle stage,Phone\n");
        var expected = new Dictionary<int, string>();
        for (var row = 1; row <= 12_000; row++)
        {
            switch (row % 6)
            {
                case 1 or 4:
                    csv.Append($"Bad{row},bad{row}@,lead,\n");
                    expected[row] = $"'bad{row}@' is not a valid email address.";
                    break;
                case 2:
                    csv.Append($"Stage{row},stage{row}@bulk.test,Prospect,\n");
                    expected[row] = "'Prospect' is not a lifecycle stage. Use one of: Subscriber, Lead, Marketing qualified lead, Sales qualified lead, Opportunity, Customer, Evangelist.";
                    break;
                case 3:
                    csv.Append($"Phone{row},phone{row}@bulk.test,,call me\n");
                    expected[row] = "A phone number has digits, spaces and + ( ) - . / only.";
                    break;
                case 5:
                    csv.Append(",,customer,\n");
                    expected[row] = "Enter a name or an email address.";
                    break;
                default:
                    csv.Append($"Good{row},good{row}@bulk.test,customer,+49 30 1234\n");
                    break;
            }
        }

        var job = await ImportAsync(_admin, csv.ToString());

        Assert.Equal((2_000, 10_000, 12_000), (job.Created, job.Failed, job.ProcessedRows));
        var issues = await IssuesAsync(_admin, job.Id);
        Assert.Equal(expected.OrderBy(e => e.Key).Select(e => (e.Key, ImportOutcomes.Rejected, e.Value)), issues.Select(i => (i.Row, i.Outcome, i.Reason)));
        Assert.Equal("customer", (await PersonAsync("good6@bulk.test")).LifecycleStage);
        await using var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        Assert.Equal(2_000, await db.People.CountAsync(p => p.Email != null && p.Email.EndsWith("@bulk.test")));
    }

    [Fact]
    public async Task An_import_interrupted_by_a_shutdown_resumes_after_its_last_committed_row_without_duplicates()
    {
        var settings = new Dictionary<string, string?> { ["Monfri:Import:BatchSize"] = "100" };
        var first = await MonfriServices.StartAsync("importresume", settings);
        var admin = await first.AdminAsync();
        var csv = new StringBuilder("First name,Last name,Email\n");
        for (var row = 1; row <= 20_000; row++)
        {
            csv.Append($"Person,{row},person{row}@resume.test\n");
        }

        var started = await StartAsync(first, admin, CrmObjectType.Contact, Encoding.UTF8.GetBytes(csv.ToString()));
        Assert.True(started.IsSuccess, started.ErrorMessage);
        var jobId = started.Value.Id;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await first.SendAs(admin, new GetImportJobQuery(jobId))).Value.ProcessedRows == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await first.DisposeAsync(); // stops the worker mid-import, as a redeploy or a crash would
        var interrupted = await ReadJobAsync(first.ConnectionString, jobId);
        Assert.Equal(ImportStatus.Running, interrupted.Status);
        Assert.InRange(interrupted.ProcessedRows, 100, 19_900);

        var second = await MonfriServices.StartAsync(settings: settings, connectionString: first.ConnectionString, seed: false);
        await using (second)
        {
            var job = await FinishedAsync(second, admin, jobId);

            Assert.Equal((20_000, 20_000, 0, ImportStatus.Completed), (job.ProcessedRows, job.Created, job.Failed, job.Status));
            await using var db = await second.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
            Assert.Equal(20_000, await db.People.CountAsync(p => p.Email!.EndsWith("@resume.test")));
            Assert.Equal(20_000, await db.AuditLog.CountAsync(a => a.Action == AuditAction.Imported));
        }
    }

    private static async Task<ImportJob> ReadJobAsync(string connectionString, Guid jobId)
    {
        await using var db = new MonfriDbContext(new DbContextOptionsBuilder<MonfriDbContext>().UseMonfriNpgsql(connectionString).Options);
        return await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
    }

    [Fact]
    public async Task An_import_and_its_rows_are_readable_only_by_the_user_who_started_it_and_admins()
    {
        var (_, owner) = await _app.CreateUserAsync("Olga", Roles.Marketing);
        var (_, colleague) = await _app.CreateUserAsync("Colin", Roles.Manager, Roles.Sales);
        var job = await ImportAsync(owner, "Email\nnot-an-email\nok@own.test\n");

        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(colleague, new GetImportJobQuery(job.Id)));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(colleague, new ListImportIssuesQuery(job.Id)));
        Assert.DoesNotContain((await _app.SendAs(colleague, new ListImportJobsQuery())).Value.Items, j => j.Id == job.Id);
        Assert.Equal(job.Id, (await _app.SendAs(owner, new GetImportJobQuery(job.Id))).Value.Id);
        Assert.Equal(job.Id, (await _app.SendAs(_admin, new GetImportJobQuery(job.Id))).Value.Id);
        Assert.Single((await _app.SendAs(_admin, new ListImportIssuesQuery(job.Id))).Value.Items);
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_importing_the_domain_of_a_company_they_cannot_see_is_not_told_its_name()
    {
        var (ben, _) = await _app.CreateUserAsync("Ben", Roles.Sales);
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var hidden = await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Zebulon Holdings", Domain = "zebulon-hidden.test", OwnerId = ben.Id });
        Assert.True(hidden.IsSuccess, hidden.ErrorMessage);
        await _app.RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            foreach (var mode in new[] { ImportMode.SkipDuplicates, ImportMode.UpdateExisting })
            {
                var job = await ImportAsync(ann, "Company name,Website\nMine,zebulon-hidden.test\n", mode, CrmObjectType.Company);

                var issue = Assert.Single(await IssuesAsync(ann, job.Id));
                Assert.True(issue.Reason.StartsWith("A company with the domain zebulon-hidden.test already exists, but you cannot see it.", StringComparison.Ordinal), $"{mode}: {issue.Reason}");
                Assert.DoesNotContain("Zebulon", issue.Reason, StringComparison.Ordinal);
            }
        }
        finally
        {
            await _app.RepsSeeOnlyOwnRecordsAsync(false);
        }
    }

    [Fact]
    public async Task Importing_companies_updates_those_with_the_same_domain_and_creates_the_others()
    {
        var acme = await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Acme", Domain = "acme-co.test", Industry = "Retail" });
        Assert.True(acme.IsSuccess, acme.ErrorMessage);

        var job = await ImportAsync(_admin, """
            Company name,Website,Industry,Employees
            Acme Corporation,https://www.acme-co.test/about,,500
            Globex,globex.test,Energy,
            Initech,not a domain,,
            """, ImportMode.UpdateExisting, CrmObjectType.Company);

        Assert.Equal((1, 1, 1), (job.Created, job.Updated, job.Failed));
        var updated = await _app.SendAs(_admin, new GetCompanyQuery(acme.Value.Id));
        Assert.Equal(("Acme Corporation", "Retail", "500"), (updated.Value.Name, updated.Value.Industry, updated.Value.Size));
        var issue = Assert.Single(await IssuesAsync(_admin, job.Id));
        Assert.Equal((3, "'not a domain' is not a web domain (e.g. acme.com)."), (issue.Row, issue.Reason));
    }
}
