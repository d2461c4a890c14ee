using Monfri.Application.Common.Events;
using Monfri.Application.Common.Live;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

/// <summary>
/// Tells open screens that people entered or left a segment: the segment's own <c>segment:{id}</c> topic (its page
/// and the segment list move their counts), and the profile topic of each person who moved, so an open timeline
/// shows its "Segment Entered" / "Segment Exited" item. Profiles are told only for a batch of moderate size: a full
/// evaluation that moves a hundred thousand people is not a hundred thousand messages; those timelines show it on
/// their next load.
/// </summary>
public sealed class SegmentLiveUpdates(ILiveFeed live) : IDomainEventHandler<SegmentMembershipChanged>
{
    public const int MaxProfilesTold = 200;

    public async ValueTask HandleAsync(SegmentMembershipChanged domainEvent, CancellationToken cancellationToken)
    {
        var change = new MembershipChange(domainEvent.SegmentId, domainEvent.Entered.Count, domainEvent.Left.Count, domainEvent.MemberCount);
        await live.PublishAsync(SegmentLive.Topic(domainEvent.SegmentId), SegmentLive.Membership, change, cancellationToken);
        if (domainEvent.Entered.Count + domainEvent.Left.Count > MaxProfilesTold)
        {
            return;
        }

        foreach (var person in domainEvent.Entered.Concat(domainEvent.Left))
        {
            await live.PublishAsync(LiveTopics.Profile(person), SegmentLive.Membership, new { SegmentId = domainEvent.SegmentId }, cancellationToken);
        }
    }
}
