using Monfri.Application.Common.Persistence;
using Monfri.Domain.Crm;
using Monfri.TestSupport;

namespace Monfri.Application.Tests.Crm.Activities;

/// <summary>
/// Contacts, companies and deals written straight through the database: the activity tests need records
/// to attach to, not the contact and deal use cases (which have their own tests).
/// </summary>
internal sealed class CrmRecords(MonfriServices app)
{
    private TimeProvider Clock => app.Get<TimeProvider>();

    public async Task<Person> ContactAsync(string firstName, Guid? ownerId = null, Guid? companyId = null)
    {
        var person = Person.CreateContact(
            new ContactDetails(firstName, "Tester", $"{firstName.ToLowerInvariant()}.{Guid.NewGuid():N}@example.test", [], null, null,
                companyId, ownerId, LifecycleStages.Lead, null, [], new Dictionary<string, object?>()),
            Clock.GetUtcNow());
        await SaveAsync(db => db.People.Add(person));
        return person;
    }

    public async Task<Company> CompanyAsync(string name, Guid? ownerId = null)
    {
        var company = Company.Create(new CompanyDetails(name, null, null, null, ownerId, [], new Dictionary<string, object?>()), Clock.GetUtcNow());
        await SaveAsync(db => db.Companies.Add(company));
        return company;
    }

    public async Task<Deal> DealAsync(string name, Guid? ownerId = null, Guid? companyId = null, params Guid[] contactIds)
    {
        var now = Clock.GetUtcNow();
        var pipeline = Pipeline.Create($"Sales {Guid.NewGuid():N}", [("Qualified", 20, null)], now);
        var deal = Deal.Create(
            new DealDetails(name, 1000m, "EUR", null, ownerId, companyId, contactIds, [], new Dictionary<string, object?>()),
            pipeline.OpenStages.First(), ownerId, 0, now);
        await SaveAsync(db =>
        {
            db.Pipelines.Add(pipeline);
            db.Deals.Add(deal);
        });
        return deal;
    }

    public async Task RepsSeeOnlyOwnRecordsAsync()
    {
        var settings = WorkspaceSettings.Default();
        settings.Update(true, LifecycleStages.Defaults, "EUR", Clock.GetUtcNow());
        await SaveAsync(db => db.WorkspaceSettings.Add(settings));
    }

    public async Task<T> ReadAsync<T>(Func<IMonfriDb, Task<T>> read)
    {
        await using var scope = app.Provider.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IMonfriDbFactory>().CreateAsync();
        return await read(db);
    }

    private async Task SaveAsync(Action<IMonfriDb> change)
    {
        await using var scope = app.Provider.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IMonfriDbFactory>().CreateAsync();
        change(db);
        await db.SaveChangesAsync();
    }
}
