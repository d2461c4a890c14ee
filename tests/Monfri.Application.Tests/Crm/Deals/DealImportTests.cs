using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Imports;
using Monfri.Application.Crm.Pipelines.CreatePipeline;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Application.Crm.Companies.GetCompany;
using Monfri.Application.Crm.Companies.CreateCompany;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Crm.Imports.GetImportJob;
using Monfri.Application.Crm.Imports.StartImport;
using Monfri.Application.Crm.Imports.ListImportIssues;

namespace Monfri.Application.Tests.Crm.Deals;

public sealed class DealImportTests : IAsyncLifetime
{
    private MonfriServices _app = null!;
    private ClaimsPrincipal _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(DealImportTests));
        _admin = await _app.AdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<Result<ImportJobDto>> StartAsync(ClaimsPrincipal user, string csv, ImportMode mode = ImportMode.CreateAll) =>
        _app.SendAs(user, new StartImportCommand(CrmObjectType.Deal, "deals.csv", mode, null, new MemoryStream(Encoding.UTF8.GetBytes(csv))));

    private async Task<ImportJobDto> ImportAsync(ClaimsPrincipal user, string csv)
    {
        var started = await StartAsync(user, csv);
        Assert.True(started.IsSuccess, started.ErrorMessage);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var job = await _app.SendAs(user, new GetImportJobQuery(started.Value.Id));
            Assert.True(job.IsSuccess, job.ErrorMessage);
            if (job.Value.IsFinished)
            {
                Assert.Equal(ImportStatus.Completed, job.Value.Status);
                return job.Value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The import is still {job.Value.Status} at row {job.Value.ProcessedRows}.");
            await Task.Delay(50);
        }
    }

    private async Task<List<(int Row, string Outcome, string Reason)>> IssuesAsync(Guid jobId)
    {
        var all = new List<(int, string, string)>();
        for (var page = 0; ; page++)
        {
            var issues = await _app.SendAs(_admin, new ListImportIssuesQuery(jobId, page, 500));
            Assert.True(issues.IsSuccess, issues.ErrorMessage);
            all.AddRange(issues.Value.Items.Select(i => (i.Row, i.Outcome, i.Reason)));
            if (all.Count >= issues.Value.TotalCount)
            {
                return all;
            }
        }
    }

    private async Task<Deal> DealAsync(string name)
    {
        await using var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        return await db.Deals.AsNoTracking().Include(d => d.StageHistory).Include(d => d.Contacts).SingleAsync(d => d.Name == name);
    }

    [Fact]
    public async Task Importing_deals_resolves_pipeline_stage_owner_company_and_contact_and_records_each_deals_first_stage()
    {
        var (sam, importer) = await _app.CreateUserAsync("Sam", Roles.Sales);
        var (rita, _) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var renewals = (await _app.SendAs(_admin, new CreatePipelineCommand("Renewals", [new("Due", 50)]))).Value;
        var acme = await _app.SendAs(_admin, new CreateCompanyCommand { Name = "Acme", Domain = "acme.test" });
        Assert.True(acme.IsSuccess, acme.ErrorMessage);
        var ada = await _app.SendAs(_admin, new CreateContactCommand { FirstName = "Ada", Email = "ada@deal-import.test" });
        Assert.True(ada.IsSuccess, ada.ErrorMessage);
        var earlier = await _app.CreateDealAsync(_admin, new CreateDealCommand { Name = "Already there", StageId = pipeline.Stage("Proposal").Id });

        var job = await ImportAsync(importer, """
            Deal name,Amount,Currency,Close date,Pipeline,Stage,Owner,Company,Website,Contact,Lost reason,Tags
            Acme renewal,1200.50,usd,2030-01-15,,proposal,Rita,ACME,,Ada@Deal-Import.test,,hot;q1
            Newco pilot,,,,Renewals,Due,,Newco Ltd,newco.test,,,
            Gone,300,,,,Lost,,,,,Budget cut,
            Plain,,,,,,,,,,,
            """);

        Assert.Equal((4, 0, 1), (job.Created, job.Failed, job.CompaniesCreated));
        Assert.Equal("contactEmail", job.Mapping["Contact"]);

        var acmeDeal = await DealAsync("Acme renewal");
        Assert.Equal((1200.50m, "USD", new DateOnly(2030, 1, 15), pipeline.Stage("Proposal").Id, rita.Id, acme.Value.Id, DealStatus.Open),
            (acmeDeal.Amount, acmeDeal.Currency, acmeDeal.CloseDate, acmeDeal.StageId, acmeDeal.OwnerId, acmeDeal.CompanyId, acmeDeal.Status));
        Assert.Equal([ada.Value.Id], acmeDeal.Contacts.Select(c => c.PersonId));
        Assert.Equal(["hot", "q1"], acmeDeal.Tags);
        var first = Assert.Single(acmeDeal.StageHistory);
        Assert.Equal(((Guid?)null, pipeline.Stage("Proposal").Id, (Guid?)sam.Id), (first.FromStageId, first.ToStageId, first.ChangedById));
        Assert.True(acmeDeal.Position > earlier.Position, "An imported deal goes below the cards already in its column.");

        var newco = await DealAsync("Newco pilot");
        Assert.Equal((renewals.Id, renewals.Stages.Single(s => s.Name == "Due").Id, sam.Id), (newco.PipelineId, newco.StageId, newco.OwnerId));
        var company = await _app.SendAs(_admin, new GetCompanyQuery(newco.CompanyId!.Value));
        Assert.Equal(("Newco Ltd", "newco.test"), (company.Value.Name, company.Value.Domain));

        var gone = await DealAsync("Gone");
        Assert.Equal((DealStatus.Lost, "Budget cut", pipeline.Stage("Lost").Id), (gone.Status, gone.LostReason, gone.StageId));
        Assert.NotNull(gone.ClosedAt);

        var plain = await DealAsync("Plain");
        Assert.Equal((pipeline.Id, pipeline.Stage("Qualification").Id, "EUR", sam.Id), (plain.PipelineId, plain.StageId, plain.Currency, plain.OwnerId));
        Assert.Single(plain.StageHistory);
    }

    [Fact]
    public async Task Bad_deal_rows_are_rejected_with_the_reasons_of_the_create_form_and_the_good_rows_imported()
    {
        var job = await ImportAsync(_admin, """
            Name,Amount,Close date,Pipeline,Stage,Currency,Contact,Company
            Negative,-5,,,,,,
            Bad date,,2030-02-30,,,,,
            Unknown stage,,,,Closing,,,
            Unknown pipeline,,,Nope,,,,
            Bad currency,,,,,EURO,,
            Not a number,ten,,,,,,
            No contact,,,,,,nobody@deal-import.test,Orphan Inc
            ,100,,,,,,
            Good,10,2030-01-01,,Proposal,,,
            """);

        Assert.Equal((1, 8, 0), (job.Created, job.Failed, job.CompaniesCreated));
        Assert.Equal(
            [
                (1, ImportOutcomes.Rejected, "The amount cannot be negative."),
                (2, ImportOutcomes.Rejected, "Enter a real close date (YYYY-MM-DD)."),
                (3, ImportOutcomes.Rejected, "The pipeline Sales pipeline has no stage 'Closing'."),
                (4, ImportOutcomes.Rejected, "There is no pipeline 'Nope'."),
                (5, ImportOutcomes.Rejected, "The currency is a 3-letter code such as EUR or USD."),
                (6, ImportOutcomes.Rejected, "The amount is not a number."),
                (7, ImportOutcomes.Rejected, "No contact has the email nobody@deal-import.test; import the contact first."),
                (8, ImportOutcomes.Rejected, "Give the deal a name."),
            ],
            await IssuesAsync(job.Id));
        Assert.Equal(10m, (await DealAsync("Good")).Amount);
    }

    [Fact]
    public async Task Deals_are_imported_as_new_deals_only_and_only_by_those_who_may_create_deals()
    {
        var (_, marketer) = await _app.CreateUserAsync("Mia", Roles.Marketing);

        var update = await StartAsync(_admin, "Name\nAlpha\n", ImportMode.UpdateExisting);
        var forbidden = await StartAsync(marketer, "Name\nAlpha\n");
        var unmapped = await StartAsync(_admin, "Amount\n10\n");

        Assert.Equal("Deals are imported as new deals only; updating or skipping existing deals is not offered.", Assert.Single(update.Errors).Message);
        Assert.Equal(ResultStatus.Forbidden, forbidden.Status);
        Assert.Equal("Map a column to the deal name: every deal needs one.", Assert.Single(unmapped.Errors).Message);
    }

    [Fact]
    public async Task A_thousand_bad_rows_among_good_ones_are_each_reported_and_every_good_deal_gets_its_own_position_and_first_stage()
    {
        var csv = new StringBuilder("Name,Amount,Close date,Stage\n");
        var expected = new List<(int, string, string)>();
        for (var row = 1; row <= 3_000; row++)
        {
            switch (row % 9)
            {
                case 1:
                    csv.Append($"Neg{row},-1,,\n");
                    expected.Add((row, ImportOutcomes.Rejected, "The amount cannot be negative."));
                    break;
                case 4:
                    csv.Append($"Date{row},5,31.02.2030,\n");
                    expected.Add((row, ImportOutcomes.Rejected, "Enter a real close date (YYYY-MM-DD)."));
                    break;
                case 7:
                    csv.Append($"Stage{row},5,,Signed\n");
                    expected.Add((row, ImportOutcomes.Rejected, "The pipeline Sales pipeline has no stage 'Signed'."));
                    break;
                default:
                    csv.Append($"Bulk{row},{row}.25,2030-06-{row % 28 + 1:00},Qualification\n");
                    break;
            }
        }

        var job = await ImportAsync(_admin, csv.ToString());

        Assert.Equal((2_000, 1_000, 3_000), (job.Created, job.Failed, job.ProcessedRows));
        Assert.Equal(expected, await IssuesAsync(job.Id));
        await using var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        var deals = await db.Deals.AsNoTracking().Where(d => d.Name.StartsWith("Bulk")).Select(d => new { d.Id, d.Position, d.StageId, History = d.StageHistory.Count }).ToListAsync();
        Assert.Equal(2_000, deals.Count);
        Assert.Equal(2_000, deals.Select(d => d.Position).Distinct().Count());
        Assert.All(deals, d => Assert.Equal(1, d.History));
    }
}
