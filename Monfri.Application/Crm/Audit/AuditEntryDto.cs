using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Audit;

public sealed record AuditEntryDto(long Id, AuditObjectType ObjectType, Guid RecordId, AuditAction Action, IReadOnlyList<FieldChange> Changes, string? Summary, string? UserName, DateTimeOffset At);
