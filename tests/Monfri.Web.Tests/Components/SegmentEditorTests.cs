using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Segments;
using Monfri.Domain.Common;
using Monfri.Web.Features.Segments;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Segments.ListSegments;

namespace Monfri.Web.Tests.Components;

/// <summary>The segment editor against the real use cases: the preview counts as the definition changes, then it saves.</summary>
public sealed class SegmentEditorTests : SignedInPageContext
{
    [Fact]
    public async Task A_marketer_watches_the_preview_count_follow_the_definition_and_saves_the_segment()
    {
        var (_, marketer) = await App.CreateUserAsync("Mia", Roles.Marketing);
        var tag = $"beta{Guid.NewGuid():N}"[..12];
        foreach (var (name, stage) in new[] { ("Ann", "lead"), ("Ben", "lead"), ("Cy", "customer") })
        {
            var created = await App.SendAs(marketer, new CreateContactCommand { FirstName = name, LifecycleStage = stage, Tags = [tag] });
            Assert.True(created.IsSuccess, created.ErrorMessage);
        }

        SignIn(marketer);
        var page = Render<SegmentEditor>();
        page.WaitForElement("[data-testid=preview-count]", TimeSpan.FromSeconds(10));
        // The builder shows the starting definition (identified people) with its picker rows.
        Assert.NotNull(page.Find("[data-testid=row-0]"));

        await page.InvokeAsync(() => page.FindAll(".mud-tab").First(t => t.TextContent.Contains("JSON", StringComparison.Ordinal)).Click());
        async Task ApplyAsync(string json)
        {
            await page.InvokeAsync(() => page.Find("textarea[data-testid=json]").Change(json));
            await page.InvokeAsync(() => page.Find("[data-testid=apply-json]").Click());
        }

        await ApplyAsync($$"""{"kind": "field", "field": "tags", "op": "contains", "value": "{{tag}}"}""");
        page.WaitForAssertion(() => Assert.Equal("3", page.Find("[data-testid=preview-count]").TextContent.Trim()), TimeSpan.FromSeconds(10));

        await ApplyAsync($$"""
            {"kind": "group", "op": "and", "conditions": [
                {"kind": "field", "field": "tags", "op": "contains", "value": "{{tag}}"},
                {"kind": "field", "field": "lifecycle_stage", "op": "eq", "value": "lead"}]}
            """);
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=preview-count]").TextContent.Trim()), TimeSpan.FromSeconds(10));

        await ApplyAsync("""{"kind": "field", "field": "total_events", "op": "gt", "value": "abc"}""");
        page.WaitForAssertion(() => Assert.Contains("\"abc\" is not a number", page.Find("[data-testid=preview-error]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        await ApplyAsync($$"""
            {"kind": "group", "op": "and", "conditions": [
                {"kind": "field", "field": "tags", "op": "contains", "value": "{{tag}}"},
                {"kind": "field", "field": "lifecycle_stage", "op": "eq", "value": "lead"}]}
            """);
        await page.InvokeAsync(() => page.Find("input[data-testid=segment-name]").Change("Beta leads"));
        await page.InvokeAsync(() => page.Find("[data-testid=save-segment]").Click());

        // Saving evaluates the segment before it answers, then opens the segment's page.
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        page.WaitForAssertion(() => Assert.Matches("/segments/[0-9a-f-]{36}$", navigation.Uri), TimeSpan.FromSeconds(20));
        var saved = Assert.Single((await App.SendAs(marketer, new ListSegmentsQuery())).Value, s => s.Name == "Beta leads");
        Assert.Equal(2, saved.MemberCount);
    }
}
