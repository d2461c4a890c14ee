using Microsoft.EntityFrameworkCore;
using Monfri.Application.Crm.Contacts;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Ingestion;
using Monfri.TestSupport;
using Monfri.Application.Crm.Contacts.MergeContacts;
using Monfri.Application.Crm.Contacts.CreateContact;
using Npgsql;

namespace Monfri.Application.Tests.Crm;

/// <summary>
/// Merging two contacts by hand must not lose what the CDP knows about the absorbed one: its identities
/// (which cascade with the person), its events (which reference it without a foreign key) and its traits.
/// </summary>
public sealed class MergeCdpDataTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(MergeCdpDataTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_contact_merge_moves_the_absorbed_persons_identities_events_and_traits_to_the_survivor()
    {
        var admin = await _app.AdminAsync();
        var keep = (await _app.SendAs(admin, new CreateContactCommand { FirstName = "Keep", LastName = "Me", Email = "keep@cdp-merge.test" })).Value;
        var gone = (await _app.SendAs(admin, new CreateContactCommand { FirstName = "Gone", LastName = "Soon", Email = "gone@cdp-merge.test" })).Value;
        var now = DateTimeOffset.UtcNow;
        await using (var db = await _app.Get<IDbContextFactory<Monfri.Infrastructure.Persistence.MonfriDbContext>>().CreateDbContextAsync())
        {
            db.ProfileIdentities.Add(ProfileIdentity.Create("anonymous_id", "anon-cdp-merge-1", gone.Id, now));
            await db.SaveChangesAsync();
        }

        await _app.Get<EventPartitions>().EnsureAsync([EventPartitions.MonthOf(now)], CancellationToken.None);
        await using (var dataSource = NpgsqlDataSource.Create(_app.ConnectionString))
        {
            await using var insert = dataSource.CreateCommand(
                """
                INSERT INTO cdp_events (id, source_id, person_id, message_id, type, event, "timestamp", received_at)
                VALUES (gen_random_uuid(), gen_random_uuid(), @gone, 'm-1', 'page', NULL, @now, @now), (gen_random_uuid(), gen_random_uuid(), @gone, 'm-2', 'track', 'Signed Up', @now, @now);
                INSERT INTO cdp_profile_traits (person_id, traits, updated_at) VALUES (@gone, '{"plan": "pro", "visits": 3}', @now);
                INSERT INTO cdp_profile_traits (person_id, traits, updated_at) VALUES (@keep, '{"plan": "free"}', @now);
                """);
            insert.Parameters.AddWithValue("gone", gone.Id);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("keep", keep.Id);
            await insert.ExecuteNonQueryAsync();

            var merged = await _app.SendAs(admin, new MergeContactsCommand(keep.Id, gone.Id, null, keep.Version, gone.Version));
            Assert.True(merged.IsSuccess, merged.ErrorMessage);

            await using var events = dataSource.CreateCommand("SELECT count(*) FROM cdp_events WHERE person_id = $1");
            events.Parameters.AddWithValue(keep.Id);
            Assert.Equal(2L, await events.ExecuteScalarAsync());
            await using var traits = dataSource.CreateCommand("SELECT traits::text FROM cdp_profile_traits WHERE person_id = $1");
            traits.Parameters.AddWithValue(keep.Id);
            var mergedTraits = (string)(await traits.ExecuteScalarAsync())!;
            Assert.Contains("\"plan\": \"free\"", mergedTraits, StringComparison.Ordinal);
            Assert.Contains("\"visits\": 3", mergedTraits, StringComparison.Ordinal);
        }

        await using var check = await _app.Get<IDbContextFactory<Monfri.Infrastructure.Persistence.MonfriDbContext>>().CreateDbContextAsync();
        Assert.Equal(keep.Id, (await check.ProfileIdentities.SingleAsync(i => i.Value == "anon-cdp-merge-1")).PersonId);
    }
}
