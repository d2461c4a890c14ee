using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Settings.UpdateWorkspaceSettings;

/// <summary>Changes workspace-wide CRM settings, including "reps see only their own records".</summary>
[RequiresPermission(Permission.ManageWorkspace)]
public sealed record UpdateWorkspaceSettingsCommand(bool RepsSeeOnlyOwnRecords, IReadOnlyList<LifecycleStage> LifecycleStages, string DefaultCurrency, uint Version)
    : ICommand<Result<WorkspaceSettingsDto>>;

public sealed class UpdateWorkspaceSettingsValidator : AbstractValidator<UpdateWorkspaceSettingsCommand>
{
    public UpdateWorkspaceSettingsValidator()
    {
        RuleFor(c => c.LifecycleStages).NotEmpty().WithMessage("Keep at least one lifecycle stage.")
            .Must(s => s.Select(x => x?.Key).Distinct().Count() == s.Count).WithMessage("Lifecycle stage keys must be unique.");
        RuleForEach(c => c.LifecycleStages).Must(s => s is not null && !string.IsNullOrWhiteSpace(s.Key) && !string.IsNullOrWhiteSpace(s.Label))
            .WithMessage("Every lifecycle stage needs a key and a label.");
        RuleFor(c => c.DefaultCurrency).NotEmpty().WithMessage("The currency is a 3-letter code such as EUR or USD.").Matches("^[A-Za-z]{3}$").WithMessage("The currency is a 3-letter code such as EUR or USD.");
    }
}

public sealed class UpdateWorkspaceSettingsHandler(IMonfriDbFactory dbFactory, TimeProvider clock, ILiveFeed live)
    : ICommandHandler<UpdateWorkspaceSettingsCommand, Result<WorkspaceSettingsDto>>
{
    public async ValueTask<Result<WorkspaceSettingsDto>> Handle(UpdateWorkspaceSettingsCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var settings = await db.WorkspaceSettings.FirstOrDefaultAsync(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId, cancellationToken);
        if (settings is null)
        {
            settings = WorkspaceSettings.Default();
            db.WorkspaceSettings.Add(settings);
        }
        else if (settings.Version != command.Version)
        {
            return Result<WorkspaceSettingsDto>.Conflict("Another admin changed the settings since you opened them. Reload and try again.");
        }

        settings.Update(command.RepsSeeOnlyOwnRecords, command.LifecycleStages.Select(s => new LifecycleStage(s.Key.Trim(), s.Label.Trim())), command.DefaultCurrency, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Result<WorkspaceSettingsDto>.Conflict("Another admin changed the settings at the same moment. Reload and try again.");
        }

        var saved = WorkspaceSettingsDto.From(settings);
        await live.PublishAsync(LiveTopics.Workspace, WorkspaceSettingsLive.Changed, saved, cancellationToken);
        return saved;
    }
}
