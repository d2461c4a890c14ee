using System.Diagnostics;
using Monfri.Application.Common.Paging;
using Monfri.Application.Crm.Contacts;
using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;
using Monfri.Application.Crm.Contacts.ListContacts;
using Npgsql;

namespace Monfri.Benchmarks;

/// <summary>
/// The contacts list at scale: 100,000 contacts (1,000 companies, 10,000 deals) written with COPY, then the
/// real <see cref="ListContactsQuery"/> through the Mediator pipeline as an admin — first page and 500th
/// page, with a search and a filter — timed over repeated runs; prints the median and p95 server time.
/// </summary>
public static class ContactListBenchmark
{
    private static readonly string[] FirstNames = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Grace", "Hugo", "Ida", "Jonas", "Klara", "Leon", "Mia", "Noah", "Olivia", "Paul", "Rosa", "Sam", "Tara", "Viktor"];
    private static readonly string[] LastNames = ["Andersen", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ivanova", "Jansen", "Keller", "Lopez", "Meyer", "Novak", "Olsen", "Peters", "Quinn", "Richter", "Schmidt", "Torres"];
    private static readonly string[] Stages = ["subscriber", "lead", "mql", "sql", "opportunity", "customer"];

    public static async Task RunAsync(int contacts, int runs)
    {
        await using var app = await MonfriServices.StartAsync("listbench");
        var admin = await app.AdminAsync();
        var seeding = Stopwatch.StartNew();
        await SeedAsync(app.ConnectionString, contacts);
        Console.WriteLine($"Seeded {contacts:N0} contacts, {contacts / 100:N0} companies, {contacts / 10:N0} deals in {seeding.Elapsed.TotalSeconds:N1} s");

        // Lifecycle "lead" is one contact in six; the search is the email domain every contact has (a search a
        // user makes, matching many rows: the hard case for a trigram index), so page 500 exists.
        var filter = new ContactFilter { Search = "example.test", LifecycleStage = "lead" };
        var total = (await app.SendAs(admin, new ListContactsQuery(filter, "name", SortDirection.Ascending, 0, 25))).Value.TotalCount;
        var lastPage = Math.Max(0, (total + 24) / 25 - 1);
        var deepPage = Math.Min(499, lastPage);
        Console.WriteLine($"Filter: search 'example.test' + lifecycle 'lead' → {total:N0} contacts ({lastPage + 1:N0} pages of 25)");

        await MeasureAsync(app, admin, "no filter, newest first, page 1", new ContactFilter(), null, 0, 50, runs);
        await MeasureAsync(app, admin, "search + filter, by name, page 1", filter, "name", 0, 25, runs);
        await MeasureAsync(app, admin, $"search + filter, by name, page {deepPage + 1}", filter, "name", deepPage, 25, runs);
        await MeasureAsync(app, admin, "no filter, by name, page 500", new ContactFilter(), "name", 499, 50, runs);
        await MeasureAsync(app, admin, "selective search (one contact), page 1", new ContactFilter { Search = "c12345@" }, null, 0, 50, runs);
        await MeasureAsync(app, admin, "search 'sen' + tag vip, by name, page 1", new ContactFilter { Search = "sen", Tag = "vip" }, "name", 0, 25, runs);
    }

    private static async Task MeasureAsync(MonfriServices app, System.Security.Claims.ClaimsPrincipal admin, string label, ContactFilter filter, string? sort, int page, int size, int runs)
    {
        var times = new List<double>();
        for (var i = 0; i < runs + 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = await app.SendAs(admin, new ListContactsQuery(filter, sort, SortDirection.Ascending, page, size));
            watch.Stop();
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException(result.ErrorMessage);
            }

            if (i >= 3)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        Console.WriteLine($"{label,-45} median {times[times.Count / 2],7:N1} ms   p95 {times[(int)(times.Count * 0.95)],7:N1} ms");
    }

    private static async Task SeedAsync(string connectionString, int contacts)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        var ownerId = await ScalarGuidAsync(connection, "SELECT id FROM users LIMIT 1");
        var stageId = await ScalarGuidAsync(connection, "SELECT id FROM pipeline_stages WHERE kind = 0 ORDER BY \"order\" LIMIT 1");
        var pipelineId = await ScalarGuidAsync(connection, "SELECT pipeline_id FROM pipeline_stages WHERE id = @id", ("id", stageId));
        var now = DateTimeOffset.UtcNow;
        var companies = new Guid[contacts / 100];
        await using (var copy = await connection.BeginBinaryImportAsync("COPY companies (id, name, domain, tags, custom_fields, created_at, updated_at, owner_id) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < companies.Length; i++)
            {
                companies[i] = Guid.CreateVersion7();
                await copy.StartRowAsync();
                await copy.WriteAsync(companies[i]);
                await copy.WriteAsync($"Company {i:D5}");
                await copy.WriteAsync($"company{i:D5}.example");
                await copy.WriteAsync(Array.Empty<string>());
                await copy.WriteAsync("{}", NpgsqlTypes.NpgsqlDbType.Jsonb);
                await copy.WriteAsync(now.AddMinutes(-i));
                await copy.WriteAsync(now);
                await copy.WriteAsync(ownerId);
            }

            await copy.CompleteAsync();
        }

        var people = new Guid[contacts];
        await using (var copy = await connection.BeginBinaryImportAsync("COPY people (id, first_name, last_name, email, other_emails, phone, company_id, owner_id, lifecycle_stage, tags, custom_fields, is_contact, created_at, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < contacts; i++)
            {
                people[i] = Guid.CreateVersion7();
                var first = FirstNames[i % FirstNames.Length];
                var last = LastNames[i / FirstNames.Length % LastNames.Length];
                await copy.StartRowAsync();
                await copy.WriteAsync(people[i]);
                await copy.WriteAsync(first);
                await copy.WriteAsync(last);
                await copy.WriteAsync($"{first}.{last}.c{i}@example.test".ToLowerInvariant());
                await copy.WriteAsync(Array.Empty<string>());
                await copy.WriteAsync($"+49 30 {i:D7}");
                await copy.WriteAsync(companies[i % companies.Length]);
                await copy.WriteAsync(ownerId);
                await copy.WriteAsync(Stages[i % Stages.Length]);
                await copy.WriteAsync(i % 10 == 0 ? new[] { "vip" } : Array.Empty<string>());
                await copy.WriteAsync("{}", NpgsqlTypes.NpgsqlDbType.Jsonb);
                await copy.WriteAsync(true);
                await copy.WriteAsync(now.AddSeconds(-i));
                await copy.WriteAsync(now);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY deals (id, name, amount, currency, pipeline_id, stage_id, status, position, stage_entered_at, tags, custom_fields, created_at, updated_at, owner_id, company_id) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < contacts / 10; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7());
                await copy.WriteAsync($"Deal {i}");
                await copy.WriteAsync(1000m + i);
                await copy.WriteAsync("EUR");
                await copy.WriteAsync(pipelineId);
                await copy.WriteAsync(stageId);
                await copy.WriteAsync("Open");
                await copy.WriteAsync((double)i * 1024);
                await copy.WriteAsync(now);
                await copy.WriteAsync(Array.Empty<string>());
                await copy.WriteAsync("{}", NpgsqlTypes.NpgsqlDbType.Jsonb);
                await copy.WriteAsync(now);
                await copy.WriteAsync(now);
                await copy.WriteAsync(ownerId);
                await copy.WriteAsync(companies[i % companies.Length]);
            }

            await copy.CompleteAsync();
        }

        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task<Guid> ScalarGuidAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (Guid)(await command.ExecuteScalarAsync())!;
    }
}
