using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Xunit;
using Monfri.Application.Common.Live;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Pipelines;
using Monfri.Application.Crm.Pipelines.ListPipelines;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;

namespace Monfri.TestSupport.Crm;

/// <summary>
/// Records the deal tests need that other features create (companies, contacts, custom fields, workspace
/// settings), written straight to the database so these tests depend only on the deal use cases.
/// </summary>
public static class DealWorld
{
    public static async Task<PipelineDto> DefaultPipelineAsync(this MonfriServices app) =>
        (await app.SendAs(await app.AdminAsync(), new ListPipelinesQuery())).Value.Single(p => p.Name == DefaultPipelineSeeder.Name);

    public static PipelineStageDto Stage(this PipelineDto pipeline, string name) => pipeline.Stages.Single(s => s.Name == name);

    public static async Task<DealDetail> CreateDealAsync(this MonfriServices app, ClaimsPrincipal user, CreateDealCommand command)
    {
        var created = await app.SendAs(user, command);
        Assert.True(created.IsSuccess, created.ErrorMessage);
        return created.Value;
    }

    public static async Task<Guid> AddCompanyAsync(this MonfriServices app, string name, Guid? ownerId = null)
    {
        await using var db = await app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        var company = Company.Create(new CompanyDetails(name, $"{name.ToLowerInvariant().Replace(' ', '-')}.example", null, null, ownerId, [], new Dictionary<string, object?>()), DateTimeOffset.UtcNow);
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        return company.Id;
    }

    public static async Task<Guid> AddContactAsync(this MonfriServices app, string firstName, string lastName, Guid? ownerId = null)
    {
        await using var db = await app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        var person = Person.CreateContact(
            new ContactDetails(firstName, lastName, $"{firstName}.{lastName}.{Guid.NewGuid():N}@example.test".ToLowerInvariant(), [], null, null, null, ownerId, LifecycleStages.Lead, null, [], new Dictionary<string, object?>()),
            DateTimeOffset.UtcNow);
        db.People.Add(person);
        await db.SaveChangesAsync();
        return person.Id;
    }

    public static async Task AddDealFieldAsync(this MonfriServices app, string key, string label, CustomFieldType type, params string[] options)
    {
        await using var db = await app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        db.CustomFieldDefinitions.Add(CustomFieldDefinition.Create(CrmObjectType.Deal, key, label, type, options, 0, DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
    }

    /// <summary>Turns "reps see only their own records" on or off for the workspace.</summary>
    public static async Task RepsSeeOnlyOwnRecordsAsync(this MonfriServices app, bool on)
    {
        await using var db = await app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        var settings = await db.WorkspaceSettings.FirstOrDefaultAsync(s => s.Id == WorkspaceSettings.SingletonId);
        if (settings is null)
        {
            settings = WorkspaceSettings.Default();
            db.WorkspaceSettings.Add(settings);
        }

        settings.Update(on, settings.LifecycleStages, settings.DefaultCurrency, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
        // Written behind the use case's back, so tell the live feed's audience rule as the use case would.
        await app.Get<Monfri.Infrastructure.Live.OwnRecordsAudience>().ReloadAsync(CancellationToken.None);
    }

    public static async Task<int> HistoryCountAsync(this MonfriServices app, Guid dealId)
    {
        await using var db = await app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        return await db.DealStageChanges.CountAsync(c => c.DealId == dealId);
    }

    /// <summary>Collects what is published on a pipeline's topic, as <paramref name="viewer"/> (default: the admin) receives it.</summary>
    public static async Task<LiveRecorder> RecordPipelineAsync(this MonfriServices app, Guid pipelineId, ClaimsPrincipal? viewer = null)
    {
        var recorder = new LiveRecorder();
        var subscription = app.Get<ILiveFeed>().Subscribe(LiveTopics.Pipeline(pipelineId), viewer ?? await app.AdminAsync(), update =>
        {
            recorder.Updates.Enqueue(update);
            return ValueTask.CompletedTask;
        });
        recorder.Subscription = subscription.Value;
        return recorder;
    }

    /// <summary>Collects what is published on a person's profile topic (their open contact/profile page), as <paramref name="viewer"/> receives it.</summary>
    public static async Task<LiveRecorder> RecordProfileAsync(this MonfriServices app, Guid personId, ClaimsPrincipal? viewer = null)
    {
        var recorder = new LiveRecorder();
        var subscription = app.Get<ILiveFeed>().Subscribe(LiveTopics.Profile(personId), viewer ?? await app.AdminAsync(), update =>
        {
            recorder.Updates.Enqueue(update);
            return ValueTask.CompletedTask;
        });
        recorder.Subscription = subscription.Value;
        return recorder;
    }
}

public sealed class LiveRecorder : IDisposable
{
    public ConcurrentQueue<LiveUpdate> Updates { get; } = new();
    public IDisposable? Subscription { get; set; }

    /// <summary>Waits until an update of <paramref name="kind"/> about <paramref name="dealId"/> arrived.</summary>
    public async Task<DealSnapshot> ExpectAsync(string kind, Guid dealId)
    {
        for (var i = 0; i < 100; i++)
        {
            if (Updates.FirstOrDefault(u => u.Kind == kind && u.DataAs<DealSnapshot>()?.Id == dealId) is { } update)
            {
                return update.DataAs<DealSnapshot>()!;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"No {kind} for deal {dealId}; got: {string.Join(", ", Updates.Select(u => u.Kind))}");
    }

    public void Dispose() => Subscription?.Dispose();
}
