using System.Security.Claims;
using System.Text.RegularExpressions;
using Bunit;
using Mediator;
using Microsoft.AspNetCore.Components;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Cdp.Visitors;
using Monfri.Application.Common.Live;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Web.Features.Contacts;
using Monfri.Web.Features.Profiles;
using Monfri.Web.Features.Visitors;
using Monfri.Web.Security;
using Monfri.Application.Cdp.Visitors.ListVisitorEvents;
using Monfri.Application.Cdp.Traits.CreateComputedTrait;

namespace Monfri.Web.Tests.Components;

/// <summary>What QA found on the visitors page and the profile: counts from the server, one date format, short labels.</summary>
public sealed partial class ProfilePagesPolishTests(ProfileDatabase database) : MudTestContext, IClassFixture<ProfileDatabase>
{
    private MonfriServices App => database.App;

    private IRenderedComponent<T> RenderAs<T>(ClaimsPrincipal principal, Action<ComponentParameterCollectionBuilder<T>>? parameters = null)
        where T : IComponent => RenderSignedIn(App, principal, parameters);

    [Fact]
    public async Task The_before_signup_divider_counts_every_page_view_before_signing_up_not_only_the_loaded_ones()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        var userId = $"lee-{Guid.NewGuid():N}";
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        await database.SendAsync([.. Enumerable.Range(1, 80).Select(i => ProfileDatabase.Page(anon, $"/a/{i}", start.AddSeconds(i)))]);
        await database.PersonAsync(IdentityTypes.AnonymousId, anon);
        await database.SendAsync(new
        {
            type = "identify", anonymousId = anon, userId, messageId = Guid.NewGuid().ToString(), timestamp = start.AddMinutes(10).ToString("O"),
            traits = new { email = $"{userId}@example.com", firstName = "Lee" },
        });
        var lee = await database.PersonAsync(IdentityTypes.UserId, userId);

        var timeline = RenderAs<ProfileTimeline>(database.Admin, p => p.Add(c => c.PersonId, lee));

        // One page of 50 is loaded: the identify and 49 of the 80 page views.
        timeline.WaitForAssertion(() => Assert.Equal(50, timeline.FindAll("[data-testid=timeline-item]").Count));
        Assert.Contains("Before signing up · 80 page views while anonymous", timeline.Find("[data-testid=before-signup-divider]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Active_now_shows_everyone_active_while_the_list_shows_the_latest_hundred()
    {
        var now = DateTimeOffset.UtcNow.AddSeconds(-30);
        await database.SendAsync([.. Enumerable.Range(1, 120).Select(i => ProfileDatabase.Page($"crowd-{i:D3}-{Guid.NewGuid():N}", $"/c/{i}", now.AddMilliseconds(i)))]);
        await StoredAsync("/c/120");

        var page = RenderAs<Visitors>(database.Admin);

        page.WaitForAssertion(() =>
        {
            var count = int.Parse(ActiveCount().Match(page.Find("[data-testid=active-now]").TextContent).Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(count >= 120, $"Active now says {count}");
            Assert.Contains($"Showing the latest 100 of {count:N0}", page.Find("[data-testid=active-shown]").TextContent, StringComparison.Ordinal);
        });
        var people = page.FindAll("[data-testid=active-person]");
        Assert.Equal(100, people.Count);
        Assert.Equal(100, people.Select(p => p.TextContent.Trim()).Distinct().Count());
    }

    [Fact]
    public async Task A_computed_traits_window_shows_beside_its_name_not_appended_to_it()
    {
        var key = $"page_views_30d_{Guid.NewGuid():N}"[..30];
        var trait = await App.SendAs(database.Admin, new CreateComputedTraitCommand(new ComputedTraitInput
        {
            Key = key, Name = "Page views 30d", Kind = TraitKind.EventCount, EventType = "page", WindowDays = 30,
        }));
        Assert.True(trait.IsSuccess, trait.ErrorMessage);
        var anon = $"anon-{Guid.NewGuid():N}";
        await database.SendAsync(ProfileDatabase.Page(anon, "/x", DateTimeOffset.UtcNow.AddMinutes(-1)));
        var visitor = await database.PersonAsync(IdentityTypes.AnonymousId, anon);

        var traits = RenderAs<ProfileTraits>(database.Admin, p => p.Add(c => c.PersonId, visitor));

        traits.WaitForAssertion(() => Assert.Equal("Page views 30d", traits.Find($"[data-testid=trait-label-{key}]").TextContent.Trim()));
        Assert.Equal("· 30 d window", traits.Find($"[data-testid=trait-window-{key}]").TextContent.Trim());
    }

    [Fact]
    public async Task A_contacts_details_show_dates_as_the_profile_does()
    {
        var jane = await App.AddContactAsync("Jane", "Format");

        var page = RenderAs<ContactPage>(database.Admin, p => p.Add(c => c.Id, jane));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=contact-name]")));
        var created = page.FindAll("div.d-flex.py-1").Single(r => r.Children[0].TextContent.Trim() == "Created").Children[1].TextContent.Trim();
        Assert.Matches(@"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$", created);
    }

    /// <summary>Waits for the workers to store the event on a page whose URL contains <paramref name="url"/>.</summary>
    private async Task StoredAsync(string url)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var found = await App.SendAs(database.Admin, new ListVisitorEventsQuery(new VisitorEventFilter(UrlContains: url), 1));
            if (found.Value.Events.Count > 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No event on {url}");
    }

    [GeneratedRegex(@"Active now: ([\d,]+)")]
    private static partial Regex ActiveCount();
}
