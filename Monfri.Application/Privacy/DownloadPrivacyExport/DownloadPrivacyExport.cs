using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.Domain.Privacy;

namespace Monfri.Application.Privacy.DownloadPrivacyExport;

/// <summary>The JSON document of a completed export, opened as a stream (the caller disposes it).</summary>
[RequiresPermission(Permission.ManagePrivacy)]
public sealed record DownloadPrivacyExportQuery(Guid Id) : IQuery<Result<PrivacyExportFile>>;

public sealed record PrivacyExportFile(string FileName, long Length, Stream Content);

public sealed class DownloadPrivacyExportHandler(IMonfriDbFactory dbFactory, IPrivacyRequestStore store)
    : IQueryHandler<DownloadPrivacyExportQuery, Result<PrivacyExportFile>>
{
    public async ValueTask<Result<PrivacyExportFile>> Handle(DownloadPrivacyExportQuery query, CancellationToken cancellationToken)
    {
        PrivacyRequest? request;
        await using (var db = await dbFactory.CreateAsync(cancellationToken))
        {
            request = await db.PrivacyRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == query.Id, cancellationToken);
        }

        if (request is null)
        {
            return Result<PrivacyExportFile>.NotFound("There is no such privacy request.");
        }

        if (request.Kind != PrivacyRequestKind.Export || request.Status != PrivacyRequestStatus.Completed || request.ExportBytes is not { } length)
        {
            return Result<PrivacyExportFile>.NotFound(request.Kind != PrivacyRequestKind.Export
                ? "Only export requests have a document to download."
                : request.Status == PrivacyRequestStatus.Completed
                    ? "This export was erased when the person was deleted."
                    : "This export has no document (yet).");
        }

        var content = await store.OpenExportAsync(request.Id, cancellationToken);
        return content is null
            ? Result<PrivacyExportFile>.NotFound("This export was erased when the person was deleted.")
            : new PrivacyExportFile($"privacy-export-{request.RequestedAt:yyyyMMdd-HHmm}-{request.Id:N}.json", length, content);
    }
}
