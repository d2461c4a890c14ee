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

/// <summary>Published on <c>workspace</c> after the settings changed (data: the new settings), so every node's live audience rule follows.</summary>
public static class WorkspaceSettingsLive
{
    public const string Changed = "workspace.settings.changed";
}
