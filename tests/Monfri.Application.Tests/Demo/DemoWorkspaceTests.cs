using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Demo;
using Monfri.Infrastructure.Identity;
using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;

namespace Monfri.Application.Tests.Demo;

/// <summary>One demo workspace, seeded once for the class (seeding is the expensive part); each test inspects it.</summary>
public sealed class DemoWorkspaceTests(DemoWorkspaceTests.SeededWorkspace workspace) : IClassFixture<DemoWorkspaceTests.SeededWorkspace>
{
    private MonfriServices App => workspace.App;

    private async Task<MonfriDbContext> DbAsync() =>
        await App.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();

    [Fact]
    public async Task Seeding_an_empty_workspace_creates_a_team_two_pipelines_and_thousands_of_records()
    {
        await using var db = await DbAsync();

        Assert.True(workspace.Report.Seeded);
        Assert.True(await db.Companies.CountAsync() >= 300);
        Assert.True(await db.People.CountAsync(p => p.IsContact) >= 3000);
        Assert.True(await db.Deals.CountAsync() >= 400);
        Assert.True(await db.Activities.CountAsync(a => a.Type != ActivityType.Task) >= 1000);
        Assert.Equal(["Partnerships", "Sales pipeline"], await db.Pipelines.Select(p => p.Name).OrderBy(n => n).ToListAsync());
        var sales = await db.Pipelines.SingleAsync(p => p.Name == "Sales pipeline");
        Assert.True(sales.IsDefault);
        Assert.Equal(
            ["Qualification 10", "Needs analysis 30", "Proposal 60", "Negotiation 80", "Won 100", "Lost 0"],
            sales.Stages.OrderBy(s => s.Order).Select(s => $"{s.Name} {s.Probability}"));
        Assert.All(sales.OpenStages, s => Assert.Equal(14, s.RottingDays));
        Assert.True(await db.DealStageChanges.CountAsync() > 2 * await db.Deals.CountAsync(), "deals come with their stage histories");
    }

    [Fact]
    public async Task The_team_is_two_managers_five_reps_and_three_marketers_who_sign_in_with_the_demo_password()
    {
        var users = (await App.Get<IIdentityService>().ListUsersAsync(CancellationToken.None))
            .Where(u => u.Email.EndsWith("@demo.monfri.local", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(2, users.Count(u => u.Roles.SequenceEqual([Roles.Manager])));
        Assert.Equal(5, users.Count(u => u.Roles.SequenceEqual([Roles.Sales])));
        Assert.Equal(3, users.Count(u => u.Roles.SequenceEqual([Roles.Marketing])));
        Assert.Equal(["sales1@demo.monfri.local", "manager1@demo.monfri.local", "marketing1@demo.monfri.local"], workspace.Report.SignIns);
        await using var scope = App.Provider.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var rep = (await manager.FindByEmailAsync("sales1@demo.monfri.local"))!;
        Assert.True(await manager.CheckPasswordAsync(rep, "demo-password-123"));
    }

    [Fact]
    public async Task Every_deal_sits_in_a_stage_of_its_own_pipeline_and_its_stage_history_ends_there()
    {
        await using var db = await DbAsync();
        var stages = await db.PipelineStages.ToDictionaryAsync(s => s.Id);
        var deals = await db.Deals.Include(d => d.StageHistory).Include(d => d.Contacts).AsSplitQuery().ToListAsync();
        var sixMonthsAgo = workspace.SeededFrom - TimeSpan.FromDays(181);

        foreach (var deal in deals)
        {
            var stage = stages[deal.StageId];
            Assert.Equal(deal.PipelineId, stage.PipelineId);
            var history = deal.StageHistory.OrderBy(c => c.ChangedAt).ToList();
            Assert.Null(history[0].FromStageId);
            Assert.Equal(deal.CreatedAt, history[0].ChangedAt);
            for (var i = 1; i < history.Count; i++)
            {
                Assert.True(history[i].ChangedAt > history[i - 1].ChangedAt, $"{deal.Name}: stage changes are in order");
                Assert.Equal(history[i - 1].ToStageId, history[i].FromStageId);
                Assert.Equal(deal.PipelineId, stages[history[i].ToStageId].PipelineId);
            }

            Assert.Equal(deal.StageId, history[^1].ToStageId);
            Assert.Equal(history[^1].ChangedAt, deal.StageEnteredAt);
            Assert.InRange(deal.CreatedAt, sixMonthsAgo, workspace.SeededFrom);
            Assert.True(history[^1].ChangedAt < workspace.SeededUntil, $"{deal.Name}: its history is in the past");
            Assert.Equal(stage.Kind switch { StageKind.Won => DealStatus.Won, StageKind.Lost => DealStatus.Lost, _ => DealStatus.Open }, deal.Status);
            Assert.Equal(deal.Status == DealStatus.Lost, deal.LostReason is not null);
            Assert.InRange(deal.Contacts.Count, 1, 3);
            Assert.NotNull(deal.CompanyId);
            Assert.NotNull(deal.OwnerId);
            Assert.True(deal.Amount > 0);
            Assert.Equal("EUR", deal.Currency);
        }

        Assert.Equal(2, deals.Select(d => d.PipelineId).Distinct().Count());
        Assert.Contains(deals, d => d.Status == DealStatus.Won);
        Assert.Contains(deals, d => d.Status == DealStatus.Lost);
        Assert.True(deals.Count(d => d.Status == DealStatus.Open) > deals.Count / 3);
        Assert.True(deals.Count(d => d.StageHistory.Count >= 3) > deals.Count / 4, "most deals have moved several times");
        Assert.Contains(deals, d => d.Status == DealStatus.Open && d.CloseDate > DateOnly.FromDateTime(workspace.SeededFrom.UtcDateTime));
        Assert.Contains(deals, d => d.Status != DealStatus.Open && d.CloseDate < DateOnly.FromDateTime(workspace.SeededFrom.UtcDateTime));
    }

    [Fact]
    public async Task Contacts_and_companies_have_unique_addresses_that_reach_no_real_inbox_and_dates_from_the_past()
    {
        await using var db = await DbAsync();
        var contacts = await db.People.Where(p => p.IsContact).Select(p => new { p.Email, p.CreatedAt, p.LifecycleStage, p.OwnerId, p.CompanyId }).ToListAsync();
        var companies = await db.Companies.Select(c => new { c.Domain, c.CreatedAt }).ToListAsync();

        Assert.Equal(contacts.Count, contacts.Select(c => c.Email).Distinct().Count());
        Assert.All(contacts, c => Assert.EndsWith(".example", c.Email, StringComparison.Ordinal));
        Assert.Equal(companies.Count, companies.Select(c => c.Domain).Distinct().Count());
        Assert.All(contacts, c => Assert.NotNull(c.OwnerId));
        Assert.True(contacts.Count(c => c.CompanyId is not null) > contacts.Count / 2);
        Assert.True(contacts.Select(c => c.LifecycleStage).Distinct().Count() >= 5, "contacts are spread over the lifecycle");
        Assert.All(companies, c => Assert.True(c.CreatedAt < workspace.SeededFrom - TimeSpan.FromDays(100)));
        Assert.All(contacts, c => Assert.True(c.CreatedAt < workspace.SeededFrom - TimeSpan.FromHours(12)));
        Assert.True(contacts.Select(c => c.CreatedAt.Date).Distinct().Count() > 300, "contacts were created over many days");
    }

    [Fact]
    public async Task Demo_custom_fields_are_defined_and_filled_with_their_options()
    {
        await using var db = await DbAsync();
        var definitions = await db.CustomFieldDefinitions.ToListAsync();
        var contacts = await db.People.Where(p => p.IsContact).Select(p => new { p.LifecycleStage, p.CustomFields }).ToListAsync();
        var deals = await db.Deals.Select(d => d.CustomFields).ToListAsync();
        var companies = await db.Companies.Select(c => c.CustomFields).ToListAsync();

        Assert.Contains(definitions, d => d is { ObjectType: CrmObjectType.Contact, Key: "contract_tier", Label: "Contract tier", Type: CustomFieldType.SingleSelect } && d.Options.SequenceEqual(["Bronze", "Silver", "Gold"]));
        Assert.Contains(definitions, d => d is { ObjectType: CrmObjectType.Company, Key: "arr", Label: "ARR", Type: CustomFieldType.Number });
        Assert.Contains(definitions, d => d is { ObjectType: CrmObjectType.Deal, Key: "source", Label: "Source", Type: CustomFieldType.SingleSelect } && d.Options.SequenceEqual(["Inbound", "Outbound", "Partner"]));
        var tiered = contacts.Where(c => c.CustomFields.ContainsKey("contract_tier")).ToList();
        Assert.True(tiered.Count > 100);
        Assert.All(tiered, c => Assert.Contains(c.LifecycleStage, new[] { LifecycleStages.Customer, LifecycleStages.Evangelist }));
        Assert.All(tiered, c => Assert.Contains(c.CustomFields["contract_tier"]?.ToString(), new[] { "Bronze", "Silver", "Gold" }));
        Assert.All(deals, d => Assert.Contains(d["source"]?.ToString(), new[] { "Inbound", "Outbound", "Partner" }));
        Assert.True(companies.Count(c => c.ContainsKey("arr")) > 100);
    }

    [Fact]
    public async Task Every_rep_has_overdue_tasks_tasks_due_today_and_upcoming_ones()
    {
        await using var db = await DbAsync();
        var reps = (await App.Get<IIdentityService>().ListUsersAsync(CancellationToken.None))
            .Where(u => u.Email.StartsWith("sales", StringComparison.Ordinal) && u.Email.EndsWith("@demo.monfri.local", StringComparison.Ordinal))
            .Select(u => u.Id)
            .ToList();
        var open = await db.Activities.Where(a => a.Type == ActivityType.Task && a.CompletedAt == null).ToListAsync();
        var endOfSeedDay = new DateTimeOffset(workspace.SeededUntil.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);

        Assert.Equal(5, reps.Count);
        foreach (var rep in reps)
        {
            var mine = open.Where(t => t.AssigneeId == rep).ToList();
            Assert.Contains(mine, t => t.DueAt < workspace.SeededFrom);
            Assert.Contains(mine, t => t.DueAt > workspace.SeededFrom && t.DueAt < endOfSeedDay);
            Assert.Contains(mine, t => t.DueAt > endOfSeedDay);
        }

        Assert.Contains(await db.Activities.Where(a => a.Type == ActivityType.Task).ToListAsync(), t => t.CompletedAt is not null);
        Assert.All(await db.Activities.Where(a => a.Type != ActivityType.Task).Select(a => a.OccurredAt).ToListAsync(),
            at => Assert.InRange(at, workspace.SeededFrom - TimeSpan.FromDays(91), workspace.SeededFrom));
    }

    [Fact]
    public async Task Seeding_writes_no_audit_entries()
    {
        await using var db = await DbAsync();

        Assert.Equal(0, await db.AuditLog.CountAsync());
    }

    [Fact]
    public async Task Seeding_again_adds_nothing()
    {
        await using var db = await DbAsync();
        var before = (await db.People.CountAsync(), await db.Deals.CountAsync(), await db.Users.CountAsync(), await db.Pipelines.CountAsync(), await db.Activities.CountAsync());

        var again = await App.Get<DemoDataSeeder>().SeedAsync(CancellationToken.None);

        Assert.False(again.Seeded);
        Assert.Equal(workspace.Report.SignIns, again.SignIns);
        Assert.Equal(before, (await db.People.CountAsync(), await db.Deals.CountAsync(), await db.Users.CountAsync(), await db.Pipelines.CountAsync(), await db.Activities.CountAsync()));
    }

    [Fact]
    public async Task Two_processes_starting_together_seed_once_and_every_workspace_gets_the_same_demo()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("demorace");
        await using var first = await MonfriServices.StartAsync(connectionString: connectionString);
        await using var second = await MonfriServices.StartAsync(connectionString: connectionString);

        var reports = await Task.WhenAll(
            first.Get<DemoDataSeeder>().SeedAsync(CancellationToken.None),
            second.Get<DemoDataSeeder>().SeedAsync(CancellationToken.None));

        Assert.Single(reports, r => r.Seeded);
        await using var raced = await first.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        await using var original = await DbAsync();
        Assert.Equal(await original.People.CountAsync(), await raced.People.CountAsync());
        Assert.Equal(await original.Users.CountAsync(), await raced.Users.CountAsync());
        Assert.Equal(2, await raced.Pipelines.CountAsync());
        Assert.Equal(
            await original.People.OrderBy(p => p.Email).Select(p => p.Email + " " + p.FirstName + " " + p.LastName + " " + p.LifecycleStage).ToListAsync(),
            await raced.People.OrderBy(p => p.Email).Select(p => p.Email + " " + p.FirstName + " " + p.LastName + " " + p.LifecycleStage).ToListAsync());
        Assert.Equal(
            (await original.Deals.Select(d => d.Name + " " + d.Amount + " " + d.Status).ToListAsync()).Order(StringComparer.Ordinal),
            (await raced.Deals.Select(d => d.Name + " " + d.Amount + " " + d.Status).ToListAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task With_the_demo_disabled_a_new_workspace_stays_empty()
    {
        await using var app = await MonfriServices.StartAsync("demooff", new Dictionary<string, string?> { ["Monfri:Demo:Enabled"] = "false" });

        var report = await app.Get<DemoDataSeeder>().SeedAsync(CancellationToken.None);

        Assert.Equal(DemoReport.None, report);
        await using var db = await app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.People.CountAsync());
        // Only what every workspace starts with: the default pipeline.
        Assert.Equal(["Sales pipeline"], await db.Pipelines.Select(p => p.Name).ToListAsync());
        Assert.Single(await db.Users.ToListAsync());
    }

    public sealed class SeededWorkspace : IAsyncLifetime
    {
        public MonfriServices App { get; private set; } = null!;
        public DemoReport Report { get; private set; } = DemoReport.None;
        public DateTimeOffset SeededFrom { get; private set; }
        public DateTimeOffset SeededUntil { get; private set; }

        public async Task InitializeAsync()
        {
            App = await MonfriServices.StartAsync("demo");
            SeededFrom = DateTimeOffset.UtcNow;
            Report = await App.Get<DemoDataSeeder>().SeedAsync(CancellationToken.None);
            SeededUntil = DateTimeOffset.UtcNow;
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }
}
