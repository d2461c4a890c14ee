using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;


namespace Monfri.Application.Crm.Imports;

/// <summary>How the import queries read jobs: an import holds people's data from a file only its uploader chose to share.</summary>
internal static class ImportJobReads
{
    public const string Missing = "That import does not exist, or you may not see it.";

    /// <summary>An import holds people's data from a file only its uploader chose to share: the uploader and admins read it.</summary>
    public static IQueryable<ImportJob> Readable(IMonfriDb db, ICurrentUser currentUser)
    {
        var jobs = db.ImportJobs.AsNoTracking();
        if (currentUser.Can(Permission.ViewAllImports))
        {
            return jobs;
        }

        var me = currentUser.Id;
        return jobs.Where(j => j.CreatedById == me);
    }

    public static System.Linq.Expressions.Expression<Func<ImportJob, ImportJobDto>> Project(IMonfriDb db) =>
        j => new ImportJobDto(j.Id, j.ObjectType, j.FileName, j.Mode, j.Status, j.TotalRows, j.ProcessedRows, j.Created, j.Updated, j.Skipped, j.Failed,
            j.CompaniesCreated, j.Error, j.Encoding, j.Delimiter, j.Mapping, j.CreatedById,
            db.UserRefs.Where(u => u.Id == j.CreatedById).Select(u => u.DisplayName).FirstOrDefault(),
            j.CreatedAt, j.StartedAt, j.FinishedAt);

    public static ImportJobDto ToDto(ImportJob j, string? createdByName) =>
        new(j.Id, j.ObjectType, j.FileName, j.Mode, j.Status, j.TotalRows, j.ProcessedRows, j.Created, j.Updated, j.Skipped, j.Failed,
            j.CompaniesCreated, j.Error, j.Encoding, j.Delimiter, j.Mapping, j.CreatedById, createdByName, j.CreatedAt, j.StartedAt, j.FinishedAt);
}
