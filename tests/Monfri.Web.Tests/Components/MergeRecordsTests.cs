using Bunit;
using Monfri.Application.Crm.Common;
using Monfri.Web.Components.Crm;

namespace Monfri.Web.Tests.Components;

public sealed class MergeRecordsTests : MudTestContext
{
    private static readonly MergePreview Preview = new(
        new MergeRecord(Guid.NewGuid(), "Ada Lovelace", "ada@example.test", 11, DateTimeOffset.UtcNow.AddDays(-3), ["2 activities"]),
        new MergeRecord(Guid.NewGuid(), "Ada King", "countess@example.test", 22, DateTimeOffset.UtcNow, ["1 deal"]),
        [
            new MergeField("lastName", "Last name", "Lovelace", "King"),
            new MergeField("phone", "Phone", null, "+44 20 0000"),
            new MergeField("jobTitle", "Job title", "Analyst", null),
        ],
        ["Tags of both are kept."]);

    private (IRenderedComponent<MergeRecords> Screen, List<MergeRecords.Request> Requests) RenderScreen()
    {
        var requests = new List<MergeRecords.Request>();
        var screen = Render<MergeRecords>(p => p
            .Add(c => c.Preview, Preview)
            .Add(c => c.Noun, "contact")
            .Add(c => c.Merge, (MergeRecords.Request r) => requests.Add(r)));
        return (screen, requests);
    }

    [Fact]
    public void By_default_the_first_record_is_kept_with_its_values_and_gaps_are_filled_from_the_other()
    {
        var (screen, requests) = RenderScreen();

        screen.Find("[data-testid=merge]").Click();

        var request = Assert.Single(requests);
        Assert.Equal(Preview.A, request.Survivor);
        Assert.Equal(Preview.B, request.Absorbed);
        Assert.Equal(MergeSide.Survivor, request.Choices["lastName"]);
        Assert.Equal(MergeSide.Absorbed, request.Choices["phone"]);
        Assert.Equal(MergeSide.Survivor, request.Choices["jobTitle"]);
        Assert.Contains("Merge into Ada Lovelace", screen.Find("[data-testid=merge]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeping_the_other_record_starts_from_its_values_and_a_picked_value_wins()
    {
        var (screen, requests) = RenderScreen();

        screen.Find("[data-testid=keep-b]").Click();
        screen.Find("[data-testid=take-a-lastName]").Click();
        screen.Find("[data-testid=merge]").Click();

        var request = Assert.Single(requests);
        Assert.Equal(Preview.B, request.Survivor);
        Assert.Equal(MergeSide.Absorbed, request.Choices["lastName"]);
        Assert.Equal(MergeSide.Survivor, request.Choices["phone"]);
        Assert.Equal(MergeSide.Absorbed, request.Choices["jobTitle"]);
    }

    [Fact]
    public void An_empty_value_cannot_be_picked_over_a_set_one()
    {
        var (screen, _) = RenderScreen();

        Assert.True(screen.Find("[data-testid=take-a-phone]").HasAttribute("disabled"));
        Assert.False(screen.Find("[data-testid=take-b-phone]").HasAttribute("disabled"));
    }
}
