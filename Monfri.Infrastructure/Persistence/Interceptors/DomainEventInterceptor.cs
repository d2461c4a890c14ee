using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monfri.Application.Common.Events;
using Monfri.Application.Common.Persistence;
using Monfri.Domain.Common;

namespace Monfri.Infrastructure.Persistence.Interceptors;

/// <summary>
/// Dispatches the domain events raised by tracked aggregates (docs/decisions/014-domain-events.md). When a save
/// starts, the events are collected and their <see cref="IBeforeCommitHandler{TEvent}"/>s run, so the rows they add are
/// written in the same transaction. After the save, the events go to their <see cref="IDomainEventHandler{TEvent}"/>s —
/// at once when the save was its own transaction, else when the transaction around it commits; a failed save or a
/// rolled-back transaction drops them. A failed save leaves the events on their aggregates, so a retried save
/// dispatches them once. Only contexts made for use cases (<see cref="MonfriDbFactory"/>, which hands them its scope)
/// dispatch: Infrastructure's own contexts straight from the EF factory (bulk writers, seeders, fixtures written by
/// tests) announce their work themselves, and their records' events are dropped.
/// </summary>
public sealed class DomainEventInterceptor(ILogger<DomainEventInterceptor> logger)
    : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly ConcurrentDictionary<Type, Func<object, IDomainEvent, CancellationToken, ValueTask>> AfterCommit = new();
    private static readonly ConcurrentDictionary<Type, Func<object, IDomainEvent, IMonfriDb, CancellationToken, ValueTask>> BeforeCommit = new();

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is MonfriDbContext db)
        {
            await CollectAsync(db, cancellationToken);
        }

        return result;
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is MonfriDbContext db)
        {
            CollectAsync(db, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is MonfriDbContext db)
        {
            await SavedAsync(db);
        }

        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is MonfriDbContext db)
        {
            SavedAsync(db).AsTask().GetAwaiter().GetResult();
        }

        return result;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Forget(eventData.Context);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    // A transaction that starts means the one before it ended; if its events were not dispatched on commit, it did not
    // commit (disposed without a commit: rolled back).
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        (eventData.Context as MonfriDbContext)?.DomainEvents.AwaitingCommit.Clear();
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        (eventData.Context as MonfriDbContext)?.DomainEvents.AwaitingCommit.Clear();
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is MonfriDbContext db)
        {
            DispatchAsync(db, Take(db.DomainEvents.AwaitingCommit)).AsTask().GetAwaiter().GetResult();
        }
    }

    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is MonfriDbContext db)
        {
            await DispatchAsync(db, Take(db.DomainEvents.AwaitingCommit));
        }
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        (eventData.Context as MonfriDbContext)?.DomainEvents.AwaitingCommit.Clear();

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        (eventData.Context as MonfriDbContext)?.DomainEvents.AwaitingCommit.Clear();
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) =>
        (eventData.Context as MonfriDbContext)?.DomainEvents.AwaitingCommit.Clear();

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        (eventData.Context as MonfriDbContext)?.DomainEvents.AwaitingCommit.Clear();
        return Task.CompletedTask;
    }

    private async ValueTask CollectAsync(MonfriDbContext db, CancellationToken cancellationToken)
    {
        var state = db.DomainEvents;
        state.Saving.Clear();
        var raisers = db.ChangeTracker.Entries<Entity>().Select(e => e.Entity).Where(e => e.DomainEvents.Count > 0).ToList();
        if (db.EventServices is null)
        {
            raisers.ForEach(e => e.ClearDomainEvents());
            return;
        }

        foreach (var raiser in raisers)
        {
            state.Saving.Add((raiser, [.. raiser.DomainEvents]));
        }

        // A retried save (after a concurrency conflict) carries the same events again: their rows are already added.
        var fresh = state.Saving.SelectMany(s => s.Events).Where(state.BeforeCommitDone.Add).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        var provider = db.EventServices;
        foreach (var domainEvent in fresh)
        {
            var invoke = BeforeCommit.GetOrAdd(domainEvent.GetType(), Compile<Func<object, IDomainEvent, IMonfriDb, CancellationToken, ValueTask>>(nameof(InvokeBefore)));
            foreach (var handler in provider.GetServices(typeof(IBeforeCommitHandler<>).MakeGenericType(domainEvent.GetType())))
            {
                await invoke(handler!, domainEvent, db, cancellationToken);
            }
        }
    }

    private async ValueTask SavedAsync(MonfriDbContext db)
    {
        var state = db.DomainEvents;
        var saved = new List<IDomainEvent>();
        foreach (var (raiser, events) in state.Saving)
        {
            saved.AddRange(events);
            raiser.ClearDomainEvents();
        }

        state.Saving.Clear();
        state.BeforeCommitDone.Clear();
        if (saved.Count == 0)
        {
            return;
        }

        // Inside a transaction the caller opened, the change is not committed yet: wait for its commit.
        if (db.Database.CurrentTransaction is not null)
        {
            state.AwaitingCommit.AddRange(saved);
            return;
        }

        await DispatchAsync(db, saved);
    }

    private static void Forget(DbContext? context)
    {
        if (context is MonfriDbContext db)
        {
            // The events stay on their aggregates: a retried save carries them; otherwise they go with the context.
            db.DomainEvents.Saving.Clear();
        }
    }

    private static List<IDomainEvent> Take(List<IDomainEvent> events)
    {
        var taken = events.ToList();
        events.Clear();
        return taken;
    }

    private async ValueTask DispatchAsync(MonfriDbContext db, List<IDomainEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var provider = db.EventServices!;
        foreach (var domainEvent in events)
        {
            var invoke = AfterCommit.GetOrAdd(domainEvent.GetType(), Compile<Func<object, IDomainEvent, CancellationToken, ValueTask>>(nameof(InvokeAfter)));
            foreach (var handler in provider.GetServices(typeof(IDomainEventHandler<>).MakeGenericType(domainEvent.GetType())))
            {
                try
                {
                    // Not the caller's token: the change has committed, and its reactions run whether or not the caller still waits.
                    await invoke(handler!, domainEvent, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "{Handler} failed on {Event} after it had committed", handler!.GetType().Name, domainEvent.GetType().Name);
                }
            }
        }
    }

    private static Func<Type, TDelegate> Compile<TDelegate>(string method) where TDelegate : Delegate =>
        type => typeof(DomainEventInterceptor).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type).CreateDelegate<TDelegate>();

    private static ValueTask InvokeAfter<TEvent>(object handler, IDomainEvent domainEvent, CancellationToken cancellationToken) where TEvent : IDomainEvent =>
        ((IDomainEventHandler<TEvent>)handler).HandleAsync((TEvent)domainEvent, cancellationToken);

    private static ValueTask InvokeBefore<TEvent>(object handler, IDomainEvent domainEvent, IMonfriDb db, CancellationToken cancellationToken) where TEvent : IDomainEvent =>
        ((IBeforeCommitHandler<TEvent>)handler).HandleAsync((TEvent)domainEvent, db, cancellationToken);
}

/// <summary>One context's domain events on their way: in the save under way, and saved but awaiting the commit.</summary>
internal sealed class DomainEventState
{
    public List<(Entity Raiser, List<IDomainEvent> Events)> Saving { get; } = [];
    public HashSet<IDomainEvent> BeforeCommitDone { get; } = new(ReferenceEqualityComparer.Instance);
    public List<IDomainEvent> AwaitingCommit { get; } = [];
}
