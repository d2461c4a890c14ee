using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Settings.GetWorkspaceSettings;

/// <summary>The CRM settings every form needs (lifecycle stages, currency); everyone reads them.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetWorkspaceSettingsQuery : IQuery<Result<WorkspaceSettingsDto>>;

public sealed class GetWorkspaceSettingsHandler(IMonfriDbFactory dbFactory)
    : IQueryHandler<GetWorkspaceSettingsQuery, Result<WorkspaceSettingsDto>>
{
    public async ValueTask<Result<WorkspaceSettingsDto>> Handle(GetWorkspaceSettingsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var settings = await db.WorkspaceSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId, cancellationToken) ?? WorkspaceSettings.Default();
        return WorkspaceSettingsDto.From(settings);
    }
}
