using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Settings;

public sealed record WorkspaceSettingsDto(bool RepsSeeOnlyOwnRecords, IReadOnlyList<LifecycleStage> LifecycleStages, string DefaultCurrency, uint Version)
{
    public static WorkspaceSettingsDto From(WorkspaceSettings s) => new(s.RepsSeeOnlyOwnRecords, s.LifecycleStages, s.DefaultCurrency, s.Version);
}
