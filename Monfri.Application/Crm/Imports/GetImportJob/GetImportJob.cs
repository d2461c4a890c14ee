using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;


namespace Monfri.Application.Crm.Imports.GetImportJob;

/// <summary>One import with its progress. Only the user who started it and admins may read it (others: not found).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetImportJobQuery(Guid Id) : IQuery<Result<ImportJobDto>>;

public sealed class GetImportJobHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser)
    : IQueryHandler<GetImportJobQuery, Result<ImportJobDto>>
{
    public async ValueTask<Result<ImportJobDto>> Handle(GetImportJobQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var job = await ImportJobReads.Readable(db, currentUser).Where(j => j.Id == query.Id).Select(ImportJobReads.Project(db)).FirstOrDefaultAsync(cancellationToken);
        return job is null ? Result<ImportJobDto>.NotFound(ImportJobReads.Missing) : job;
    }
}
