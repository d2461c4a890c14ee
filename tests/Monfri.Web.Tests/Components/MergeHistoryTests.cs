using Bunit;
using Monfri.Application.Cdp.Merges;
using Monfri.Application.Cdp.Profiles;
using Monfri.Domain.Common;
using Monfri.Web.Features.Profiles;
using Monfri.Application.Cdp.Merges.ListProfileMerges;
using Monfri.Application.Cdp.Profiles.GetProfile;

namespace Monfri.Web.Tests.Components;

public sealed class MergeHistoryTests : MudTestContext
{
    private static readonly DateTimeOffset At = new(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);

    private static readonly MergeHistoryEntryDto PhoneMerge = new(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 0, false, "user_id", "ann-1", Guid.NewGuid(), "Website", "msg-42",
        "identify linked user_id ann-1 to another profile.", At, [new IdentityDto("anonymous_id", "phone-1")], false, null, null, null, "Anonymous visitor");

    private static readonly MergeHistoryEntryDto EarlierMerge = PhoneMerge with
    {
        Id = Guid.NewGuid(), Depth = 1, ByHand = true, IdentityType = "merged_by_hand", IdentityValue = "old@ann.test", MessageId = null, SourceName = null,
        LoserIdentities = [], LoserWasContact = true, LoserName = "Ann Old", MergedAt = At.AddDays(-3),
        UndoBlockedReason = "The profile that absorbed it was merged into another profile since. Undo that later merge first.",
    };

    private static readonly MergeHistoryDto History = new(Guid.NewGuid(), [PhoneMerge, EarlierMerge],
    [
        new RefusedMergeDto(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "anonymous_id", "shared-tablet", null, "Website", "msg-7",
            "Both profiles have a user id (ann-1, bob-2); they were kept apart.", At.AddDays(-1)),
    ]);

    private IRenderedComponent<MergeHistory> RenderAs(string role, List<MergeHistoryEntryDto> undoRequests)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone");
        auth.SetRoles(role);
        Render<MudBlazor.MudPopoverProvider>();
        return Render<MergeHistory>(p => p
            .Add(c => c.History, History)
            .Add(c => c.OnUndo, (MergeHistoryEntryDto m) => undoRequests.Add(m)));
    }

    [Fact]
    public void Shows_each_merge_with_the_chain_under_it_and_the_refused_links_as_warnings()
    {
        var history = RenderAs(Roles.Marketing, []);

        var entries = history.FindAll("[data-testid=merge-entry]");
        Assert.Equal(["0", "1"], entries.Select(e => e.GetAttribute("data-depth")));
        Assert.Contains("An anonymous visitor was merged in", entries[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Anonymous id: phone-1", entries[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Linked by user id ann-1, event msg-42 from Website", entries[0].QuerySelector("[data-testid=merge-cause]")!.TextContent.Trim());
        Assert.Equal("Merged by hand (old@ann.test)", entries[1].QuerySelector("[data-testid=merge-cause]")!.TextContent.Trim());
        Assert.Contains("Contact Ann Old was merged in", entries[1].TextContent, StringComparison.Ordinal);
        var refusal = history.Find("[data-testid=merge-refusal]");
        Assert.Contains("Kept apart: Both profiles have a user id (ann-1, bob-2)", refusal.TextContent, StringComparison.Ordinal);
        Assert.Contains("shared-tablet", refusal.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_admin_gets_an_undo_button_where_the_merge_can_be_undone_and_the_reason_where_it_cannot()
    {
        var requested = new List<MergeHistoryEntryDto>();
        var history = RenderAs(Roles.Admin, requested);

        var undo = Assert.Single(history.FindAll("[data-testid=merge-undo]"));
        Assert.Single(history.FindAll("[data-testid=merge-undo-blocked]"));
        undo.Click();

        Assert.Equal([PhoneMerge.Id], requested.Select(m => m.Id));
    }

    [Fact]
    public void Anyone_but_an_admin_sees_the_history_without_undo()
    {
        var history = RenderAs(Roles.Manager, []);

        Assert.Equal(2, history.FindAll("[data-testid=merge-entry]").Count);
        Assert.Empty(history.FindAll("[data-testid=merge-undo]"));
        Assert.Empty(history.FindAll("[data-testid=merge-undo-blocked]"));
    }
}
