using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Events;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;

namespace Monfri.Application.Tests.Persistence;

/// <summary>
/// Domain events reach their handlers after the change commits, once, and never for a change that did not commit;
/// before-commit handlers write in the change's own transaction (docs/decisions/014-domain-events.md).
/// </summary>
public sealed class DomainEventDispatchTests : IAsyncLifetime
{
    private const string Marker = "written by a before-commit handler";
    private readonly OwnerChanges _handled = new();
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(DomainEventDispatchTests), configureServices: services =>
    {
        services.AddSingleton(_handled);
        // First in line, so a failure of it shows whether the handlers after it (the live updates) still run.
        services.Insert(0, ServiceDescriptor.Singleton<IDomainEventHandler<DealUpdated>>(sp => sp.GetRequiredService<OwnerChanges>()));
        services.AddScoped<IBeforeCommitHandler<DealUpdated>, AuditMarker>();
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_change_saved_on_its_own_is_dispatched_once_after_it_committed()
    {
        var dealId = await NewDealAsync();
        _handled.Factory = _app.Get<IDbContextFactory<MonfriDbContext>>();
        var (user, _) = await _app.CreateUserAsync("Owner", Domain.Common.Roles.Sales);

        await using (var db = await ContextAsync())
        {
            (await db.Deals.Include(d => d.Contacts).SingleAsync(d => d.Id == dealId)).AssignOwner(user.Id, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
            await db.SaveChangesAsync(); // nothing new: nothing dispatched again
        }

        var handled = Assert.Single(_handled.Seen);
        Assert.Equal(dealId, handled.Event.Deal.Id);
        // Read from another connection while the handler ran: the change was already committed.
        Assert.Equal(user.Id, handled.CommittedOwner);
        Assert.Equal(1, await MarkersAsync(dealId));
    }

    [Fact]
    public async Task A_failed_save_dispatches_nothing_and_its_retry_dispatches_once()
    {
        var dealId = await NewDealAsync();
        await using var db = await ContextAsync();
        var deal = await db.Deals.Include(d => d.Contacts).SingleAsync(d => d.Id == dealId);
        deal.AssignOwner(null, DateTimeOffset.UtcNow);
        var version = db.Entry(deal).Property(d => d.Version);
        var loaded = version.OriginalValue;
        version.OriginalValue = loaded + 1; // as if someone had saved in between

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        Assert.Empty(_handled.Seen);

        version.OriginalValue = loaded;
        await db.SaveChangesAsync();
        Assert.Single(_handled.Seen);
        Assert.Equal(1, await MarkersAsync(dealId));
    }

    [Fact]
    public async Task Inside_a_transaction_events_wait_for_its_commit()
    {
        var dealId = await NewDealAsync();
        _handled.Factory = _app.Get<IDbContextFactory<MonfriDbContext>>();
        await using var db = await ContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var deal = await db.Deals.Include(d => d.Contacts).SingleAsync(d => d.Id == dealId);
        var (user, _) = await _app.CreateUserAsync("Later", Domain.Common.Roles.Sales);
        deal.AssignOwner(user.Id, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
        deal.AddTag("second-save", DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();

        Assert.Empty(_handled.Seen);

        await transaction.CommitAsync();
        Assert.Equal(2, _handled.Seen.Count);
        Assert.All(_handled.Seen, h => Assert.Equal(user.Id, h.CommittedOwner));
    }

    [Fact]
    public async Task A_rolled_back_transaction_dispatches_nothing_and_takes_the_before_commit_rows_with_it()
    {
        var dealId = await NewDealAsync();
        await using var db = await ContextAsync();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            (await db.Deals.Include(d => d.Contacts).SingleAsync(d => d.Id == dealId)).AssignOwner(null, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        db.ChangeTracker.Clear(); // what it tracks now holds the rolled-back version

        // A transaction disposed without a commit rolls back too; its events must not ride along with a later commit.
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            (await db.Deals.Include(d => d.Contacts).SingleAsync(d => d.Id == dealId)).AddTag("abandoned", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        db.ChangeTracker.Clear();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await transaction.CommitAsync();
        }

        Assert.Empty(_handled.Seen);
        Assert.Equal(0, await MarkersAsync(dealId));
    }

    [Fact]
    public async Task A_context_straight_from_the_ef_factory_dispatches_nothing()
    {
        var dealId = await NewDealAsync();
        await using (var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync())
        {
            (await db.Deals.Include(d => d.Contacts).SingleAsync(d => d.Id == dealId)).AddTag("fixture", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        Assert.Empty(_handled.Seen);
    }

    [Fact]
    public async Task A_failing_handler_after_commit_leaves_the_change_and_the_other_handlers_alone()
    {
        var dealId = await NewDealAsync();
        _handled.FailNext = true;
        var pipeline = await _app.DefaultPipelineAsync();
        using var board = await _app.RecordPipelineAsync(pipeline.Id);

        await using (var db = await ContextAsync())
        {
            (await db.Deals.Include(d => d.Contacts).SingleAsync(d => d.Id == dealId)).AddTag("still-saved", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        await board.ExpectAsync(DealLive.Updated, dealId);
        await using var check = await ContextAsync();
        Assert.Contains("still-saved", (await check.Deals.SingleAsync(d => d.Id == dealId)).Tags);
    }

    private async Task<Guid> NewDealAsync()
    {
        var deal = await _app.CreateDealAsync(await _app.AdminAsync(), new CreateDealCommand { Name = $"Deal {Guid.NewGuid():N}" });
        _handled.Seen.Clear();
        return deal.Id;
    }

    /// <summary>A context as a use case gets it (dispatching, in a scope of its own).</summary>
    private async Task<MonfriDbContext> ContextAsync() =>
        (MonfriDbContext)await _app.Provider.CreateAsyncScope().ServiceProvider.GetRequiredService<IMonfriDbFactory>().CreateAsync();

    private async Task<int> MarkersAsync(Guid dealId)
    {
        await using var db = await ContextAsync();
        return await db.AuditLog.CountAsync(a => a.RecordId == dealId && a.Summary == Marker);
    }

    /// <summary>Records each <see cref="DealUpdated"/> with the deal's owner as committed when it arrived.</summary>
    public sealed class OwnerChanges : IDomainEventHandler<DealUpdated>
    {
        public ConcurrentQueue<(DealUpdated Event, Guid? CommittedOwner)> Seen { get; } = new();
        public IDbContextFactory<MonfriDbContext>? Factory { get; set; }
        public bool FailNext { get; set; }

        public async ValueTask HandleAsync(DealUpdated domainEvent, CancellationToken cancellationToken)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("A reaction that breaks.");
            }

            Guid? owner = null;
            if (Factory is not null)
            {
                await using var db = await Factory.CreateDbContextAsync(cancellationToken);
                owner = await db.Deals.Where(d => d.Id == domainEvent.Deal.Id).Select(d => d.OwnerId).SingleAsync(cancellationToken);
            }

            Seen.Enqueue((domainEvent, owner));
        }
    }

    /// <summary>Stands in for an outbox row: written by a before-commit handler, it commits or rolls back with the change.</summary>
    public sealed class AuditMarker : IBeforeCommitHandler<DealUpdated>
    {
        public ValueTask HandleAsync(DealUpdated domainEvent, IMonfriDb db, CancellationToken cancellationToken)
        {
            db.AuditLog.Add(AuditEntry.Record(CrmObjectType.Deal, domainEvent.Deal.Id, AuditAction.Updated, [], null, domainEvent.OccurredAt, Marker));
            return ValueTask.CompletedTask;
        }
    }
}
