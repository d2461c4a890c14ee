using Monfri.Application.Cdp.Merges;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Search;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Application.Crm.Search.GlobalSearch;
using Monfri.Application.Cdp.Merges.ListProfileMerges;
using Monfri.Application.Cdp.Profiles.GetProfile;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;
using Monfri.Application.Cdp.Profiles.GetProfileTraits;
using Monfri.Application.Cdp.Profiles.ListProfileEvents;

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

    [Fact]
    public async Task Search_finds_a_person_by_an_exact_user_id_or_anonymous_id_and_a_rep_only_the_contacts_they_may_see()
    {
        var (_, rep) = await _world.App.CreateUserAsync("Vera", Roles.Sales);
        var (visitor, user) = ($"cookie-{Guid.NewGuid():N}", $"tenant/{Guid.NewGuid():N}");
        await _world.SendAsync(CdpWorld.Page(visitor), CdpWorld.Identify(null, user, new { firstName = "Tess", lastName = "Tenant" }));
        await _world.ProcessAsync();

        var byCookie = Assert.Single((await _world.App.SendAs(_world.Admin, new GlobalSearchQuery(visitor))).Value);
        Assert.Equal((SearchHitKind.Visitor, "Anonymous visitor"), (byCookie.Kind, byCookie.Title));
        Assert.Equal($"/people/{(await _world.ProfileAsync(IdentityTypes.AnonymousId, visitor)).Id}", byCookie.Url);
        var byUser = Assert.Single((await _world.App.SendAs(_world.Admin, new GlobalSearchQuery($" {user} "))).Value);
        Assert.Equal((SearchHitKind.Contact, "Tess Tenant", $"user id {user}"), (byUser.Kind, byUser.Title, byUser.Subtitle));

        await _world.App.RepsSeeOnlyOwnRecordsAsync(true);
        Assert.Single((await _world.App.SendAs(rep, new GlobalSearchQuery(visitor))).Value);
        Assert.Empty((await _world.App.SendAs(rep, new GlobalSearchQuery(user))).Value);
        await _world.App.RepsSeeOnlyOwnRecordsAsync(false);
    }

    [Fact]
    public async Task A_contact_typed_in_by_hand_shows_its_email_as_an_identity_before_any_event()
    {
        var email = $"typed.{Guid.NewGuid():N}@access.test";
        var contact = await _world.App.SendAs(_world.Admin, new Monfri.Application.Crm.Contacts.CreateContact.CreateContactCommand { FirstName = "Arielle", Email = email });
        Assert.True(contact.IsSuccess, contact.ErrorMessage);

        var profile = await _world.App.SendAs(_world.Admin, new GetPersonProfileQuery(contact.Value.Id));
        Assert.Equal([new IdentityDto(IdentityTypes.Email, email)], profile.Value.Identities);
        Assert.Equal([new IdentityDto(IdentityTypes.Email, email)], (await _world.ProfileAsync(IdentityTypes.Email, email)).Identities);

        // Once an event brings the identity row, it is listed once.
        await _world.SendAsync(CdpWorld.Identify("anon-arielle-" + Guid.NewGuid().ToString("N"), null, new { email }));
        await _world.ProcessAsync();
        var after = (await _world.App.SendAs(_world.Admin, new GetPersonProfileQuery(contact.Value.Id))).Value.Identities;
        Assert.Single(after, i => i.Type == IdentityTypes.Email);
        Assert.Contains(after, i => i.Type == IdentityTypes.AnonymousId);
    }
}
