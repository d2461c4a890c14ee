using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Sources.GetSourceDebug;

/// <summary>The last events a source received, with their validation result (source debugger).</summary>
[RequiresPermission(Permission.ManageSources)]
public sealed record GetSourceDebugQuery(Guid Id) : IQuery<Result<IReadOnlyList<Collection.DebugEvent>>>;

public sealed class GetSourceDebugHandler(ISourceDebugFeed debug) : IQueryHandler<GetSourceDebugQuery, Result<IReadOnlyList<Collection.DebugEvent>>>
{
    public ValueTask<Result<IReadOnlyList<Collection.DebugEvent>>> Handle(GetSourceDebugQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Result<IReadOnlyList<Collection.DebugEvent>>.Success(debug.Recent(query.Id)));
}
