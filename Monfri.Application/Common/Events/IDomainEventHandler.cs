using Monfri.Application.Common.Persistence;
using Monfri.Domain.Common;

namespace Monfri.Application.Common.Events;

/// <summary>
/// Reacts to <typeparamref name="TEvent"/> once the change that raised it has committed (live screens, rollups). It
/// never sees a change that then rolls back, and it runs once per committed change; if the process dies between the
/// commit and the handler, the reaction is lost — an effect that must survive that is an
/// <see cref="IBeforeCommitHandler{TEvent}"/> writing a durable row in the same transaction. A failing handler is
/// logged and the next one still runs: the change has already committed. Handlers are found in this assembly and
/// resolved from the scope of whoever saved (docs/decisions/014-domain-events.md).
/// </summary>
public interface IDomainEventHandler<in TEvent> where TEvent : IDomainEvent
{
    ValueTask HandleAsync(TEvent domainEvent, CancellationToken cancellationToken);
}

/// <summary>
/// Reacts to <typeparamref name="TEvent"/> inside the save that raised it, before anything is written: rows it adds to
/// <paramref name="db"/> commit or roll back with the change. This is the hook for effects that must never be lost (an
/// automation to start, a delivery to make): add a row to the job queue here and let the job scheduler run it. Keep it
/// to adding rows — no network, no waiting — and let it throw only to refuse the whole change.
/// </summary>
public interface IBeforeCommitHandler<in TEvent> where TEvent : IDomainEvent
{
    ValueTask HandleAsync(TEvent domainEvent, IMonfriDb db, CancellationToken cancellationToken);
}
