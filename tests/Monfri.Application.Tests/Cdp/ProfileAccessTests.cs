using Monfri.Application.Cdp.Merges;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Common.Results;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;

namespace Monfri.Application.Tests.Cdp;

/// <summary>A rep reads profiles by identifier (REST) exactly as on screen: visitors, and the contacts they may see.</summary>
public sealed class ProfileAccessTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(nameof(ProfileAccessTests));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_rep_limited_to_own_records_reads_visitors_and_own_contacts_but_not_a_colleagues_contact_by_any_query()
    {
        var (me, rep) = await _world.App.CreateUserAsync("Rita", Roles.Sales);
        var (colleague, _) = await _world.App.CreateUserAsync("Cole", Roles.Sales);
        var visitor = $"anon-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Page(visitor));
        await _world.SendAsync(CdpWorld.Identify(null, "mine-1", new { email = "mine@access.test" }), CdpWorld.Identify(null, "theirs-1", new { email = "theirs@access.test" }));
        await _world.ProcessAsync();
        foreach (var (user, owner) in new[] { ("mine-1", me.Id), ("theirs-1", colleague.Id) })
        {
            var id = (await _world.ProfileAsync(IdentityTypes.UserId, user)).Id;
            await _world.ScalarAsync($"UPDATE people SET owner_id = '{owner}' WHERE id = '{id}'");
        }

        await _world.App.RepsSeeOnlyOwnRecordsAsync(true);

        foreach (var (type, value) in new[] { (IdentityTypes.AnonymousId, visitor), (IdentityTypes.UserId, "mine-1") })
        {
            Assert.True((await _world.App.SendAs(rep, new GetProfileQuery(type, value))).IsSuccess);
            Assert.True((await _world.App.SendAs(rep, new ListProfileEventsQuery(type, value))).IsSuccess);
            Assert.True((await _world.App.SendAs(rep, new GetProfileTraitsQuery(type, value))).IsSuccess);
            Assert.True((await _world.App.SendAs(rep, new ListProfileMergesQuery(type, value))).IsSuccess);
        }

        ResultAssert.Status(ResultStatus.NotFound, await _world.App.SendAs(rep, new GetProfileQuery(IdentityTypes.Email, "theirs@access.test")));
        ResultAssert.Status(ResultStatus.NotFound, await _world.App.SendAs(rep, new ListProfileEventsQuery(IdentityTypes.UserId, "theirs-1")));
        ResultAssert.Status(ResultStatus.NotFound, await _world.App.SendAs(rep, new GetProfileTraitsQuery(IdentityTypes.UserId, "theirs-1")));
        ResultAssert.Status(ResultStatus.NotFound, await _world.App.SendAs(rep, new ListProfileMergesQuery(IdentityTypes.UserId, "theirs-1")));
        Assert.True((await _world.App.SendAs(_world.Admin, new GetProfileTraitsQuery(IdentityTypes.UserId, "theirs-1"))).IsSuccess);

        await _world.App.RepsSeeOnlyOwnRecordsAsync(false);
        Assert.True((await _world.App.SendAs(rep, new GetProfileTraitsQuery(IdentityTypes.UserId, "theirs-1"))).IsSuccess);
    }
}
