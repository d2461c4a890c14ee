using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monfri.Application.Common.Live;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Settings;
using Monfri.Infrastructure.Persistence;

namespace Monfri.Infrastructure.Live;

/// <summary>
/// "Reps see only their own records" for the live feed (decision 006): a viewer under the rule receives a
/// record-scoped update only when they own the record, and a <see cref="LiveScope.HiddenKind"/> when it was
/// just taken from them; everyone else receives every update of the topics they may read.
/// The workspace switch is held in memory — deciding per update must not cost a query — read at start and
/// kept current by the <see cref="WorkspaceSettingsLive.Changed"/> update, which reaches every node.
/// </summary>
public sealed class OwnRecordsAudience(
    IDbContextFactory<MonfriDbContext> dbFactory,
    LiveFanout fanout,
    ILogger<OwnRecordsAudience> logger) : ILiveAudience, IHostedService
{
    // Until the setting is read, assume it is on: a missed update is repaired by a reload, a leaked one is not.
    private volatile bool _repsSeeOnlyOwnRecords = true;
    private IDisposable? _settingsChanges;

    public bool RepsSeeOnlyOwnRecords => _repsSeeOnlyOwnRecords;

    public LiveUpdate? ForViewer(LiveUpdate update, ClaimsPrincipal viewer)
    {
        if (update.Scope is not { } scope || !_repsSeeOnlyOwnRecords || !CrmAccess.IsSubjectToOwnRecordsRule(viewer.IsInRole))
        {
            return update;
        }

        var me = Guid.TryParse(viewer.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var id) ? id : (Guid?)null;
        if (me is null)
        {
            return null;
        }

        if (scope.OwnerId == me)
        {
            return update;
        }

        return scope.PreviousOwnerId == me
            ? update with { Kind = LiveScope.HiddenKind, Data = LiveJson.ToElement(new { Id = scope.RecordId }), Scope = null, Truncated = false }
            : null;
    }

    public async ValueTask<bool> MayFollowAsync(string topic, ClaimsPrincipal viewer, CancellationToken cancellationToken)
    {
        if (LiveTopics.RecordOf(topic) is not { } record || !_repsSeeOnlyOwnRecords || !CrmAccess.IsSubjectToOwnRecordsRule(viewer.IsInRole))
        {
            return true;
        }

        if (!Guid.TryParse(viewer.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var me))
        {
            return false;
        }

        // One read per subscription, not per update: later owner changes reach the subscriber as scoped updates.
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = record.Prefix == LiveTopics.ProfilePrefix
            ? await db.People.Where(p => p.Id == record.Id).Select(p => p.OwnerId).FirstOrDefaultAsync(cancellationToken)
            : await db.Companies.Where(c => c.Id == record.Id).Select(c => c.OwnerId).FirstOrDefaultAsync(cancellationToken);
        return owner == me;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _settingsChanges = fanout.Add(LiveTopics.Workspace, update =>
        {
            if (update.Kind == WorkspaceSettingsLive.Changed)
            {
                if (!update.Truncated && update.Data.TryGetProperty("repsSeeOnlyOwnRecords", out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    _repsSeeOnlyOwnRecords = value.GetBoolean();
                }
                else
                {
                    return new ValueTask(ReloadAsync(CancellationToken.None));
                }
            }

            return ValueTask.CompletedTask;
        });
        await ReloadAsync(cancellationToken);
    }

    /// <summary>Reads the workspace switch from the database.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            _repsSeeOnlyOwnRecords = await db.WorkspaceSettings.AsNoTracking().Where(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId).Select(s => s.RepsSeeOnlyOwnRecords).FirstOrDefaultAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not read whether reps see only their own records; live updates stay limited to owners until it is known");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _settingsChanges?.Dispose();
        return Task.CompletedTask;
    }
}
