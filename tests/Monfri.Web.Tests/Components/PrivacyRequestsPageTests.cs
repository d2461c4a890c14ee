using System.Security.Claims;
using Bunit;
using Mediator;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Privacy.CreatePrivacyRequest;
using Monfri.Domain.Common;
using Monfri.Domain.Privacy;
using Monfri.TestSupport;
using Monfri.Web.Security;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Web.Features.Privacy;
using MudBlazor;

namespace Monfri.Web.Tests.Components;

/// <summary>Admin → Privacy requests, rendered against the real use cases, the real worker and the live feed.</summary>
public sealed class PrivacyRequestsPageTests : SignedInPageContext
{
    [Fact]
    public async Task An_admin_queues_an_export_and_watches_it_complete_with_a_download_and_the_email_only_masked()
    {
        var admin = await App.AdminAsync();
        var email = $"page.subject.{Guid.NewGuid():N}@privacy.test";
        Assert.True((await App.SendAs(admin, new CreateContactCommand { FirstName = "Page", LastName = "Subject", Email = email })).IsSuccess);
        SignIn(admin);
        var page = Render<PrivacyRequests>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=privacy-table]")));

        await page.InvokeAsync(() => page.Find("input[data-testid=privacy-value]").Change(email));
        await page.InvokeAsync(() => page.Find("[data-testid=privacy-submit]").Click());

        // Other tests share this workspace's request list: this test looks at its own request's row only.
        var row = $"[data-request='{await RequestIdAsync(email)}']";
        page.WaitForAssertion(() => Assert.Equal("Completed", page.Find($"[data-testid=privacy-status]{row}").TextContent.Trim()));
        page.WaitForAssertion(() => Assert.Equal($"/api/v1/privacy-requests/", page.Find($"[data-testid=privacy-download]{row}").GetAttribute("href")![..25]));
        Assert.Contains("p***@p***.test", page.Find($"[data-testid=privacy-identity]{row}").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(email, page.Find("[data-testid=privacy-table]").TextContent, StringComparison.Ordinal);
        Assert.Contains("identities 1", page.Find($"[data-testid=privacy-counts]{row}").TextContent, StringComparison.Ordinal);
    }

    private async Task<Guid> RequestIdAsync(string identity)
    {
        for (var i = 0; i < 100; i++)
        {
            await using var scope = App.Provider.CreateAsyncScope();
            await using var db = await scope.ServiceProvider.GetRequiredService<Monfri.Application.Common.Persistence.IMonfriDbFactory>().CreateAsync();
            var id = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
                db.PrivacyRequests.Where(r => r.IdentityValue == identity).Select(r => (Guid?)r.Id));
            if (id is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No privacy request for {identity} was queued.");
    }

    [Fact]
    public async Task Result_counts_show_in_words_not_as_the_erasers_keys()
    {
        var admin = await App.AdminAsync();
        SignIn(admin);
        // An export of an identifier no one has, then its deletion: the deletion forgets that earlier request.
        var nobody = $"nobody-{Guid.NewGuid():N}";
        Assert.True((await App.SendAs(admin, new CreatePrivacyRequestCommand(PrivacyRequestKind.Export, "user_id", nobody))).IsSuccess);
        var exportId = await RequestIdAsync(nobody);
        var page = Render<PrivacyRequests>();
        page.WaitForAssertion(() => Assert.Equal("No data held", page.Find($"[data-testid=privacy-status][data-request='{exportId}']").TextContent.Trim()));
        var deletion = await App.SendAs(admin, new CreatePrivacyRequestCommand(PrivacyRequestKind.Delete, "user_id", nobody));
        Assert.True(deletion.IsSuccess, deletion.ErrorMessage);

        var row = $"[data-request='{deletion.Value.Id}']";
        page.WaitForAssertion(() => Assert.Equal("earlier requests 1", page.Find($"[data-testid=privacy-counts]{row}").TextContent.Trim()));
        Assert.Equal("events of others redacted", PrivacyCountLabels.For("otherEventsRedacted"));
        Assert.Equal("some new thing", PrivacyCountLabels.For("someNewThing"));
    }

    [Fact]
    public async Task A_request_queued_elsewhere_appears_live_and_an_identifier_no_one_has_shows_no_data_held()
    {
        var admin = await App.AdminAsync();
        SignIn(admin);
        var page = Render<PrivacyRequests>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=privacy-table]")));

        // Another admin, another screen: this page only hears about it through the live feed.
        var queued = await App.SendAs(admin, new CreatePrivacyRequestCommand(PrivacyRequestKind.Delete, "user_id", $"nobody-{Guid.NewGuid():N}"));
        Assert.True(queued.IsSuccess, queued.ErrorMessage);

        page.WaitForAssertion(() => Assert.Equal("No data held", page.Find("[data-testid=privacy-status]").TextContent.Trim()));
        Assert.Contains("Delete", page.Find("[data-testid=privacy-table] tbody tr").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deletion_elsewhere_takes_the_download_off_the_earlier_export_of_the_same_person_live()
    {
        var admin = await App.AdminAsync();
        var email = $"erased.later.{Guid.NewGuid():N}@privacy.test";
        Assert.True((await App.SendAs(admin, new CreateContactCommand { FirstName = "Erased", LastName = "Later", Email = email })).IsSuccess);
        var export = await App.SendAs(admin, new CreatePrivacyRequestCommand(PrivacyRequestKind.Export, "email", email));
        Assert.True(export.IsSuccess, export.ErrorMessage);
        SignIn(admin);
        var page = Render<PrivacyRequests>();
        var exportRow = $"[data-request='{export.Value.Id}']";
        page.WaitForAssertion(() => Assert.NotNull(page.Find($"[data-testid=privacy-download]{exportRow}")));

        var deletion = await App.SendAs(admin, new CreatePrivacyRequestCommand(PrivacyRequestKind.Delete, "email", email));
        Assert.True(deletion.IsSuccess, deletion.ErrorMessage);

        page.WaitForAssertion(() => Assert.Equal("Completed", page.Find($"[data-testid=privacy-status][data-request='{deletion.Value.Id}']").TextContent.Trim()));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll($"[data-testid=privacy-download]{exportRow}")));
    }

    [Fact]
    public async Task An_admin_lifts_a_suppression_after_confirming()
    {
        var admin = await App.AdminAsync();
        var queued = await App.SendAs(admin, new CreatePrivacyRequestCommand(PrivacyRequestKind.Suppress, "anonymous_id", $"anon-objector-{Guid.NewGuid():N}"));
        Assert.True(queued.IsSuccess, queued.ErrorMessage);
        SignIn(admin);
        var page = Render<PrivacyRequests>();
        // Other tests share this workspace's request list: this test looks at its own request's row only.
        var row = $"[data-request='{queued.Value.Id}']";
        page.WaitForAssertion(() => Assert.Equal("No data held (identifier suppressed)", page.Find($"[data-testid=privacy-status]{row}").TextContent.Trim()));

        // A live update of the same row may re-render it between finding the button and clicking it.
        await page.InvokeAsync(() => page.Find($"[data-testid=privacy-lift]{row}").Click());
        Dialogs.WaitForAssertion(() => Assert.Contains("Lift this suppression?", Dialogs.Markup, StringComparison.Ordinal));
        await Dialogs.InvokeAsync(() => Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Lift").Click());

        page.WaitForAssertion(() => Assert.Contains("Lifted", page.Find($"[data-testid=privacy-lifted]{row}").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll($"[data-testid=privacy-lift]{row}"));
    }

    [Fact]
    public async Task An_email_that_is_not_one_is_shown_at_the_field()
    {
        SignIn(await App.AdminAsync());
        var page = Render<PrivacyRequests>();

        await page.InvokeAsync(() => page.Find("input[data-testid=privacy-value]").Change("not-an-email"));
        await page.InvokeAsync(() => page.Find("[data-testid=privacy-submit]").Click());

        page.WaitForAssertion(() => Assert.Contains("Enter an email address.", page.Markup, StringComparison.Ordinal));
    }
}
