namespace Monfri.Domain.Common;

/// <summary>
/// Something that happened to an aggregate, raised by the aggregate's own method and dispatched by the persistence
/// layer: to before-commit handlers inside the saving transaction, to the other handlers once it has committed
/// (docs/decisions/014-domain-events.md).
/// </summary>
public interface IDomainEvent
{
    DateTimeOffset OccurredAt { get; }
}
