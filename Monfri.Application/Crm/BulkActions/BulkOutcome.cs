using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.BulkActions;

/// <summary>What a bulk action did: how many records changed, and how many of the chosen were not found or hidden.</summary>
public sealed record BulkOutcome(int Changed, int Missing);
