using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Monfri.Application.Common.Events;
using Monfri.Application.Common.Results;
using Monfri.Application.Segments;
using Monfri.Application.Tests.Cdp;
using Monfri.Domain.Conditions;
using Monfri.Application.Segments.ListSegmentMembers;
using Monfri.Application.Segments.CreateSegment;
using Monfri.Domain.Segments;

namespace Monfri.Application.Tests.Segments;

/// <summary>
/// A <see cref="CdpWorld"/> with a fake clock and the segment worker switched off: a test changes data, then runs
/// the worker's step itself (<see cref="SyncAsync"/>), so enter/exit is deterministic.
/// </summary>
public sealed class SegmentWorld : IAsyncDisposable
{
    private SegmentWorld(CdpWorld world, FakeTimeProvider clock)
    {
        World = world;
        Clock = clock;
    }

    public CdpWorld World { get; }
    public FakeTimeProvider Clock { get; }

    public static async Task<SegmentWorld> StartAsync(string hint)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var world = await CdpWorld.StartAsync(
            hint,
            new Dictionary<string, string?>
            {
                ["Monfri:Segments:RunWorkers"] = "false",
                ["Monfri:Traits:RunWorkers"] = "false",
                ["Monfri:Demo:Enabled"] = "false",
            },
            services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                services.AddSingleton<SignalLog>();
                services.AddScoped<IDomainEventHandler<SegmentMembershipChanged>, SignalRecorder>();
            });
        return new SegmentWorld(world, clock);
    }

    /// <summary>Every <see cref="SegmentMembershipChanged"/> handed to handlers (what an automation would hear).</summary>
    public IReadOnlyList<SegmentMembershipChanged> Signals => [.. World.App.Get<SignalLog>().Changes];

    public sealed class SignalLog
    {
        public System.Collections.Concurrent.ConcurrentQueue<SegmentMembershipChanged> Changes { get; } = new();
    }

    private sealed class SignalRecorder(SignalLog log) : IDomainEventHandler<SegmentMembershipChanged>
    {
        public ValueTask HandleAsync(SegmentMembershipChanged domainEvent, CancellationToken cancellationToken)
        {
            log.Changes.Enqueue(domainEvent);
            return ValueTask.CompletedTask;
        }
    }

    public ISegmentEngine Engine => World.App.Get<ISegmentEngine>();

    /// <summary>Stores what was sent, then re-evaluates everyone queued, as the workers would.</summary>
    public async Task SyncAsync()
    {
        await World.ProcessAsync();
        while (await Engine.ProcessChangedPeopleAsync(1000, CancellationToken.None) > 0)
        {
        }
    }

    public async Task<SegmentDto> CreateAsync(string name, Condition definition)
    {
        var created = await World.App.SendAs(World.Admin, new CreateSegmentCommand(new SegmentInput(name, null, definition)));
        Assert.True(created.IsSuccess, created.ErrorMessage);
        return created.Value;
    }

    public async Task<Result<SegmentDto>> TryCreateAsync(string name, Condition definition) =>
        await World.App.SendAs(World.Admin, new CreateSegmentCommand(new SegmentInput(name, null, definition)));

    public async Task<HashSet<Guid>> MembersAsync(Guid segmentId, System.Security.Claims.ClaimsPrincipal? viewer = null)
    {
        var page = await World.App.SendAs(viewer ?? World.Admin, new ListSegmentMembersQuery(segmentId, 0, 500));
        Assert.True(page.IsSuccess, page.ErrorMessage);
        return page.Value.Items.Select(m => m.Id).ToHashSet();
    }

    public async Task<Guid> PersonAsync(string anonymousId) => (await World.ProfileAsync("anonymous_id", anonymousId)).Id;

    public static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    public static FieldCondition Field(string field, ConditionOperator op, object? value = null) =>
        new(field, op, value is null ? null : Json(value));

    public static GroupCondition All(params Condition[] conditions) => new(GroupOperator.And, conditions);

    public static GroupCondition Any(params Condition[] conditions) => new(GroupOperator.Or, conditions);

    public static GroupCondition Not(params Condition[] conditions) => new(GroupOperator.And, conditions, Not: true);

    public ValueTask DisposeAsync() => World.DisposeAsync();
}
