namespace Monfri.Domain.Common;

/// <summary>
/// Base for aggregates that raise domain events. Events are collected here and
/// dispatched by the persistence layer after the change has committed, so a
/// listener never sees a change that then rolls back.
/// </summary>
public abstract class Entity
{
    private readonly List<IDomainEvent> _domainEvents = [];

    public IReadOnlyCollection<IDomainEvent> DomainEvents => _domainEvents;

    protected void Raise(IDomainEvent domainEvent) => _domainEvents.Add(domainEvent);

    public void ClearDomainEvents() => _domainEvents.Clear();
}
