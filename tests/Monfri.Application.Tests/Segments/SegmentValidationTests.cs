using Monfri.Application.Common.Results;
using Monfri.Application.Segments;
using Monfri.Domain.Conditions;
using Monfri.Application.Segments.DeleteSegment;
using Monfri.Application.Segments.UpdateSegment;
using static Monfri.Application.Tests.Segments.SegmentWorld;

namespace Monfri.Application.Tests.Segments;

/// <summary>Bad definitions are refused at save with a message that names the condition and what is wrong with it.</summary>
public sealed class SegmentValidationTests : IAsyncLifetime
{
    private SegmentWorld _s = null!;

    public async Task InitializeAsync()
    {
        _s = await SegmentWorld.StartAsync(nameof(SegmentValidationTests));
        await _s.World.SendAsync(new
        {
            type = "track", anonymousId = "v1", @event = "Page Viewed", properties = new { url = "/" }, messageId = Guid.NewGuid().ToString(),
            timestamp = DateTimeOffset.UtcNow.ToString("O"),
        });
        await _s.SyncAsync();
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<string> RefusedAsync(Condition definition)
    {
        var result = await _s.TryCreateAsync($"bad-{Guid.NewGuid():N}", definition);
        Assert.Equal(ResultStatus.Invalid, result.Status);
        return result.ErrorMessage;
    }

    [Fact]
    public async Task Unknown_fields_events_and_segments_are_named_with_their_position()
    {
        Assert.Equal(
            "Condition 2 (lifecycle_stag eq \"lead\"): there is no field 'lifecycle_stag'. Custom fields are custom.{key}, identify traits identify.{key}, computed traits trait.{key}, company fields company.{field}.",
            await RefusedAsync(All(new IdentifiedCondition(), Field("lifecycle_stag", ConditionOperator.Equal, "lead"))));
        Assert.Equal(
            "Condition 1.2 (performed \"Page Viewd\" at least 1 times): no event named \"Page Viewd\" has been received.",
            await RefusedAsync(All(Any(new EventCondition("Page Viewed"), new EventCondition("Page Viewd")))));
        var missing = Guid.NewGuid();
        Assert.Contains($"Condition 1 (member of segment {missing}): there is no segment {missing}.", await RefusedAsync(All(new SegmentMembershipCondition(missing))));
        Assert.Contains("there is no field 'custom.nope'", await RefusedAsync(Field("custom.nope", ConditionOperator.IsSet)));
    }

    [Fact]
    public async Task Type_mismatches_are_refused_with_the_value_and_the_field()
    {
        Assert.Equal("The definition (total_events gt \"abc\"): \"abc\" is not a number.", await RefusedAsync(Field("total_events", ConditionOperator.GreaterThan, "abc")));
        Assert.Contains("a date field cannot be compared with contains", await RefusedAsync(Field("last_seen_at", ConditionOperator.Contains, "2026")));
        Assert.Contains("\"yesterday\" is not a date", await RefusedAsync(Field("created_at", ConditionOperator.Before, "yesterday")));
        Assert.Contains("where revenue: \"lots\" is not a number.", await RefusedAsync(new EventCondition("Page Viewed", Where: [new("revenue", ConditionOperator.AtLeast, Json("lots"))])));
        Assert.Contains("'in' needs a list", await RefusedAsync(Field("email", ConditionOperator.In, "a@b.example")));
        Assert.Contains("is not a user id", await RefusedAsync(Field("owner", ConditionOperator.Equal, "Bob")));
    }

    [Fact]
    public async Task Absurd_windows_and_counts_are_refused()
    {
        Assert.Contains("the window must be 1 to 3650 days, not 0.", await RefusedAsync(new EventCondition("Page Viewed", Window: new TimeWindow(LastDays: 0))));
        Assert.Contains("the window must be 1 to 3650 days, not 100000.", await RefusedAsync(new EventCondition("Page Viewed", Window: new TimeWindow(LastDays: 100000))));
        var now = DateTimeOffset.UtcNow;
        Assert.Contains("the window's start must be before its end.", await RefusedAsync(new EventCondition("Page Viewed", Window: new TimeWindow(From: now, To: now.AddDays(-1)))));
        Assert.Contains("\"at least\" needs a count of 1 or more", await RefusedAsync(new EventCondition("Page Viewed", EventFrequency.AtLeast, 0)));
        Assert.Contains("\"first performed\" needs a window", await RefusedAsync(new EventCondition("Page Viewed", EventFrequency.First)));
        Assert.Contains("is not a number of days from 1 to 3650", await RefusedAsync(Field("last_seen_at", ConditionOperator.InLastDays, -3)));
        Assert.Contains("a group needs at least one condition.", await RefusedAsync(new GroupCondition(GroupOperator.Or, [])));
    }

    [Fact]
    public async Task A_segment_that_would_include_itself_through_others_is_refused()
    {
        var a = await _s.CreateAsync("A", new IdentifiedCondition());
        var b = await _s.CreateAsync("B", All(new SegmentMembershipCondition(a.Id), new IdentifiedCondition(false)));
        var c = await _s.CreateAsync("C", new SegmentMembershipCondition(b.Id));

        var cycle = await _s.World.App.SendAs(_s.World.Admin, new UpdateSegmentCommand(a.Id, new SegmentInput("A", null, Any(new IdentifiedCondition(), new SegmentMembershipCondition(c.Id)))));
        Assert.Equal(ResultStatus.Invalid, cycle.Status);
        Assert.Equal("Condition 2 (member of 'C'): a segment cannot include itself, directly or through other segments.", cycle.ErrorMessage);
        var self = await _s.World.App.SendAs(_s.World.Admin, new UpdateSegmentCommand(a.Id, new SegmentInput("A", null, new SegmentMembershipCondition(a.Id))));
        Assert.Contains("cannot include itself", self.ErrorMessage);

        var delete = await _s.World.App.SendAs(_s.World.Admin, new DeleteSegmentCommand(b.Id));
        Assert.Equal(ResultStatus.Conflict, delete.Status);
        Assert.Contains("'B' is used by 'C'", delete.ErrorMessage);
    }

    [Fact]
    public async Task A_definition_round_trips_through_json_unchanged()
    {
        var definition = All(
            Field("lifecycle_stage", ConditionOperator.In, new[] { "lead", "mql" }),
            Not(Any(new EventCondition("Page Viewed", EventFrequency.Exactly, 2, [new("url", ConditionOperator.StartsWith, Json("/pricing"))], new TimeWindow(LastDays: 30)))),
            new DealCondition(DealState.Won, WithinDays: 90, AmountOp: ConditionOperator.AtLeast, Amount: 1000m));
        var json = ConditionJson.Serialize(definition);
        Assert.Contains("\"op\":\"in\"", json);
        Assert.Contains("\"frequency\":\"exactly\"", json);
        Assert.Equal(json, ConditionJson.Serialize(ConditionJson.Deserialize(json)));

        var saved = await _s.CreateAsync("Round trip", definition);
        Assert.Equal(json, ConditionJson.Serialize(saved.Definition));
    }
}
