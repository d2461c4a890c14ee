using Bunit;
using Monfri.Domain.Cdp;
using Monfri.TestSupport;
using Monfri.Web.Features.Profiles;

namespace Monfri.Web.Tests.Components;

public sealed class IdentifyTraitsCardTests(ProfileDatabase database) : MudTestContext, IClassFixture<ProfileDatabase>
{
    [Fact]
    public async Task The_profile_shows_the_latest_identify_traits_escaped()
    {
        var user = $"u-{Guid.NewGuid():N}";
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        await database.SendAsync(
            new { type = "identify", userId = user, messageId = Guid.NewGuid().ToString(), timestamp = at.ToString("O"), traits = new { plan = "free", company = "Acme Shop" } },
            new { type = "identify", userId = user, messageId = Guid.NewGuid().ToString(), timestamp = at.AddSeconds(1).ToString("O"), traits = new { plan = "trial", note = "<script>alert(1)</script>" } });
        var person = await database.PersonAsync(IdentityTypes.UserId, user);

        var card = RenderSignedIn<ProfileTraits>(database.App, database.Admin, p => p.Add(c => c.PersonId, person));

        card.WaitForAssertion(() => Assert.Equal("trial", card.Find("[data-testid=identify-trait-plan]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Equal("Acme Shop", card.Find("[data-testid=identify-trait-company]").TextContent.Trim());
        var note = card.Find("[data-testid=identify-trait-note]");
        Assert.Equal("<script>alert(1)</script>", note.TextContent.Trim());
        Assert.Empty(note.QuerySelectorAll("script"));
        Assert.Equal("Traits", card.Find("[data-testid=identify-traits] .mud-typography-subtitle2").TextContent.Trim());
    }
}
