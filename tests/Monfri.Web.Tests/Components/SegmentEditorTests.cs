using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Segments;
using Monfri.Domain.Common;
using Monfri.Web.Features.Segments;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Segments.ListSegments;

namespace Monfri.Web.Tests.Components;

/// <summary>
/// The segment editor against the real use cases: the text and the visual builder edit one definition side by side,
/// the preview count follows whichever is edited, text that does not read shows where, and the segment saves.
/// </summary>
public sealed class SegmentEditorTests : SignedInPageContext
{
    private static string TextOf(IRenderedComponent<SegmentEditor> page) => page.Find("textarea[data-testid=text]").GetAttribute("value") ?? page.Find("textarea[data-testid=text]").TextContent;

    private static Task TypeAsync(IRenderedComponent<SegmentEditor> page, string text) =>
        page.InvokeAsync(() => page.Find("textarea[data-testid=text]").Input(text));

    private static void CountIs(IRenderedComponent<SegmentEditor> page, string count) =>
        page.WaitForAssertion(() => Assert.Equal(count, page.Find("[data-testid=preview-count]").TextContent.Trim()), TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Typed_text_updates_the_builder_and_the_count_and_a_builder_change_rewrites_the_text()
    {
        var (_, marketer) = await App.CreateUserAsync("Mia", Roles.Marketing);
        var tag = $"beta{Guid.NewGuid():N}"[..12];
        foreach (var (name, stage) in new[] { ("Ann", "lead"), ("Ben", "lead"), ("Cy", "customer"), ("Di", "subscriber") })
        {
            var created = await App.SendAs(marketer, new CreateContactCommand { FirstName = name, LifecycleStage = stage, Tags = [tag] });
            Assert.True(created.IsSuccess, created.ErrorMessage);
        }

        SignIn(marketer);
        var page = Render<SegmentEditor>();
        page.WaitForElement("[data-testid=preview-count]", TimeSpan.FromSeconds(10));
        // A new segment starts as "identified people", in the builder and as text.
        Assert.Equal("identified", TextOf(page));
        Assert.NotNull(page.Find("[data-testid=row-0]"));

        await TypeAsync(page, $"tags contains \"{tag}\"");
        CountIs(page, "4");
        page.WaitForAssertion(() => Assert.Contains($"value=\"{tag}\"", page.Find("[data-testid=row-0]").InnerHtml, StringComparison.Ordinal));

        // Nested groups typed as text open as nested groups in the builder.
        await TypeAsync(page, $"tags contains '{tag}' AND (lifecycle_stage = \"lead\" or lifecycle_stage = \"customer\")");
        CountIs(page, "3");
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=group-1] [data-testid='row-1.1']")));
        Assert.Empty(page.FindAll("[data-testid=text-error]"));
        // The text stays as typed while it is being typed; it is not rewritten under the cursor.
        Assert.Contains("AND (", TextOf(page), StringComparison.Ordinal);

        // Removing the nested group's second condition in the builder: the text follows, canonical, and so does the count.
        await page.InvokeAsync(() => page.Find("[data-testid='remove-1.1']").Click());
        page.WaitForAssertion(() => Assert.Equal($"tags contains \"{tag}\" and any(lifecycle_stage = \"lead\")", TextOf(page)));
        CountIs(page, "2");

        // Removing the group: the top group is left with one condition, which is then the whole definition.
        await page.InvokeAsync(() => page.Find("[data-testid=remove-1]").Click());
        page.WaitForAssertion(() => Assert.Equal($"tags contains \"{tag}\"", TextOf(page)));
        CountIs(page, "4");
    }

    [Fact]
    public async Task Text_that_does_not_read_shows_the_error_at_its_column_and_cannot_be_saved()
    {
        var (_, marketer) = await App.CreateUserAsync("Max", Roles.Marketing);
        SignIn(marketer);
        var page = Render<SegmentEditor>();
        page.WaitForElement("[data-testid=preview-count]", TimeSpan.FromSeconds(10));

        await TypeAsync(page, "identified and total_events >= many");

        page.WaitForAssertion(() => Assert.Equal(
            "Expected a value (\"text\", a number, true, false or a [list]) after >=, found many at column 32.",
            page.Find("[data-testid=text-error-message]").TextContent.Trim()));
        Assert.Equal("identified and total_events >= many\n" + new string(' ', 31) + "^^^^", page.Find("[data-testid=text-error-at]").TextContent);
        // The builder keeps the last definition that read.
        Assert.Contains("row-0", page.Find("[data-testid=builder]").InnerHtml, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.Find("input[data-testid=segment-name]").Change("Half typed"));
        await page.InvokeAsync(() => page.Find("[data-testid=save-segment]").Click());
        page.WaitForAssertion(() => Assert.StartsWith("The text does not read yet: Expected a value", page.Find("[data-testid=save-error]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.DoesNotContain((await App.SendAs(marketer, new ListSegmentsQuery())).Value, s => s.Name == "Half typed");

        // Text that reads but names a field that does not exist: the preview says which condition and why.
        await TypeAsync(page, "identified and total_events > 'abc'");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=text-error]")));
        page.WaitForAssertion(() => Assert.Contains("Condition 2 (total_events gt \"abc\"): \"abc\" is not a number.", page.Find("[data-testid=preview-error]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_segment_written_as_text_saves_with_its_definition_and_text()
    {
        var (_, marketer) = await App.CreateUserAsync("Mo", Roles.Marketing);
        var tag = $"gamma{Guid.NewGuid():N}"[..12];
        foreach (var (name, stage) in new[] { ("Eve", "lead"), ("Fay", "customer") })
        {
            Assert.True((await App.SendAs(marketer, new CreateContactCommand { FirstName = name, LifecycleStage = stage, Tags = [tag] })).IsSuccess);
        }

        SignIn(marketer);
        var page = Render<SegmentEditor>();
        page.WaitForElement("[data-testid=preview-count]", TimeSpan.FromSeconds(10));
        await TypeAsync(page, $"tags contains \"{tag}\" and not lifecycle_stage = \"customer\"");
        CountIs(page, "1");
        await page.InvokeAsync(() => page.Find("input[data-testid=segment-name]").Change("Gamma leads"));
        await page.InvokeAsync(() => page.Find("[data-testid=save-segment]").Click());

        // Saving evaluates the segment before it answers, then opens the segment's page.
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        page.WaitForAssertion(() => Assert.Matches("/segments/[0-9a-f-]{36}$", navigation.Uri), TimeSpan.FromSeconds(20));
        var saved = Assert.Single((await App.SendAs(marketer, new ListSegmentsQuery())).Value, s => s.Name == "Gamma leads");
        Assert.Equal(1, saved.MemberCount);
        Assert.Equal($"tags contains \"{tag}\" and not lifecycle_stage = \"customer\"", saved.Text);
    }
}
