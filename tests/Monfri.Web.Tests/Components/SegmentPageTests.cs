using Monfri.Application.Segments.CreateSegment;
using Monfri.Application.Crm.Settings.UpdateWorkspaceSettings;
using Monfri.Application.Crm.Settings.GetWorkspaceSettings;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Segments.AddToStaticList;
using Monfri.Application.Segments.ListSegmentMembers;
using Monfri.Application.Segments.CreateStaticList;
using Bunit;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.Settings;
using Monfri.Application.Segments;
using Monfri.Domain.Common;
using Monfri.Domain.Conditions;
using Monfri.Web.Features.Segments;

namespace Monfri.Web.Tests.Components;

/// <summary>The segment page against the real use cases: members and counts move live, a static list's members are taken out, a rep sees their own.</summary>
public sealed class SegmentPageTests : SignedInPageContext
{
    [Fact]
    public async Task A_static_lists_page_follows_people_added_elsewhere_and_takes_the_selected_out()
    {
        var (_, manager) = await App.CreateUserAsync("Mona", Roles.Manager);
        var ada = (await App.SendAs(manager, new CreateContactCommand { FirstName = "Ada", LastName = "Listed" })).Value;
        var list = (await App.SendAs(manager, new CreateStaticListCommand($"Fair {Guid.NewGuid():N}"))).Value;

        SignIn(manager);
        var page = Render<SegmentPage>(p => p.Add(x => x.Id, list.Id));
        page.WaitForAssertion(() => Assert.Equal("0 members", page.Find("[data-testid=member-count]").TextContent.Trim()), TimeSpan.FromSeconds(30));
        Assert.Empty(page.FindAll("[data-testid=edit-segment]"));

        // Added from elsewhere (the contacts list, the API): the open page hears it.
        Assert.True((await App.SendAs(manager, new AddToStaticListCommand(list.Id, [ada.Id]))).IsSuccess);
        page.WaitForAssertion(() =>
        {
            Assert.Equal("1 members", page.Find("[data-testid=member-count]").TextContent.Trim());
            Assert.Contains("+1 entered today", page.Find("[data-testid=entered-today]").TextContent, StringComparison.Ordinal);
            Assert.Contains("Ada Listed", page.Find("[data-testid=members]").TextContent, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30));

        await page.InvokeAsync(() => page.FindAll("[data-testid=members] tbody input[type=checkbox]").First().Change(true));
        await page.InvokeAsync(() => page.Find("[data-testid=remove-from-list]").Click());
        page.WaitForAssertion(() =>
        {
            Assert.Equal("0 members", page.Find("[data-testid=member-count]").TextContent.Trim());
            Assert.Contains("1 left today", page.Find("[data-testid=left-today]").TextContent, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30));
        Assert.Empty((await App.SendAs(manager, new ListSegmentMembersQuery(list.Id))).Value.Items);
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_sees_their_own_members_and_no_editing()
    {
        var (rep, repPrincipal) = await App.CreateUserAsync("Rita", Roles.Sales);
        var admin = await App.AdminAsync();
        var settings = (await App.SendAs(admin, new GetWorkspaceSettingsQuery())).Value;
        Assert.True((await App.SendAs(admin, new UpdateWorkspaceSettingsCommand(true, settings.LifecycleStages, settings.DefaultCurrency, settings.Version))).IsSuccess);
        var stage = "evangelist";
        await App.SendAs(admin, new CreateContactCommand { FirstName = "Hers", OwnerId = rep.Id, LifecycleStage = stage });
        await App.SendAs(admin, new CreateContactCommand { FirstName = "Theirs", LifecycleStage = stage });
        var segment = (await App.SendAs(admin, new CreateSegmentCommand(new SegmentInput(
            $"Evangelists {Guid.NewGuid():N}", null, new FieldCondition("lifecycle_stage", ConditionOperator.Equal, System.Text.Json.JsonSerializer.SerializeToElement(stage)))))).Value;

        SignIn(repPrincipal);
        var page = Render<SegmentPage>(p => p.Add(x => x.Id, segment.Id));
        page.WaitForAssertion(() =>
        {
            Assert.Equal("1 members", page.Find("[data-testid=member-count]").TextContent.Trim());
            Assert.Contains("Hers", page.Find("[data-testid=members]").TextContent, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("Theirs", page.Find("[data-testid=members]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=edit-segment]"));
        Assert.Empty(page.FindAll("[data-testid=size-history]"));
    }
}
