using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Sources.GetSource;

[RequiresPermission(Permission.ManageSources)]
public sealed record GetSourceQuery(Guid Id) : IQuery<Result<SourceDto>>;

public sealed class GetSourceHandler(IMonfriDbFactory dbFactory) : IQueryHandler<GetSourceQuery, Result<SourceDto>>
{
    public async ValueTask<Result<SourceDto>> Handle(GetSourceQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == query.Id, cancellationToken);
        return source is null ? Result<SourceDto>.NotFound("No such source.") : SourceDto.From(source);
    }
}
