using Mediator;

namespace Monfri.Domain.Common;

/// <summary>Something that happened to an aggregate; published after commit.</summary>
public interface IDomainEvent : INotification
{
    DateTimeOffset OccurredAt { get; }
}
