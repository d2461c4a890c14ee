using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;


namespace Monfri.Application.Crm.Imports.StartImport;

/// <summary>
/// Queues a CSV import of contacts or companies. The whole file is checked first (encoding, separator, a header
/// row, parseable records) and so is the mapping (known fields, the required ones present), so nothing is
/// queued that cannot run. Without a mapping, columns are mapped by their names. <see cref="Content"/> must
/// be seekable: it is read once to check and count, then streamed into the job.
/// </summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record StartImportCommand(
    CrmObjectType ObjectType,
    string FileName,
    ImportMode Mode,
    IReadOnlyDictionary<string, string>? Mapping,
    Stream Content) : ICommand<Result<ImportJobDto>>;

public sealed class StartImportValidator : AbstractValidator<StartImportCommand>
{
    public StartImportValidator()
    {
        RuleFor(c => c.ObjectType).Must(t => t is CrmObjectType.Contact or CrmObjectType.Company or CrmObjectType.Deal).WithMessage("Only contacts, companies and deals can be imported.");
        RuleFor(c => c.Mode).IsInEnum();
        // Deals have no key that identifies one (names repeat), so a deal import only creates.
        RuleFor(c => c.Mode).Equal(ImportMode.CreateAll).When(c => c.ObjectType == CrmObjectType.Deal)
            .WithMessage("Deals are imported as new deals only; updating or skipping existing deals is not offered.");
        RuleFor(c => c.FileName).NotEmpty().WithMessage("Choose a file.").MaximumLength(260);
        RuleFor(c => c.Content).Must(c => c.CanSeek && c.Length - c.Position <= ImportCsv.MaxFileBytes)
            .WithName("file").WithMessage($"The file is larger than {ImportCsv.MaxFileBytes / 1024 / 1024} MB. Split it into smaller files.");
    }
}

public sealed class StartImportHandler(IMonfriDbFactory dbFactory, IImportStore store, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<StartImportCommand, Result<ImportJobDto>>
{
    public async ValueTask<Result<ImportJobDto>> Handle(StartImportCommand command, CancellationToken cancellationToken)
    {
        // Importing deals creates deals, so it takes the roles that may create one (marketing may not).
        if (command.ObjectType == CrmObjectType.Deal && !currentUser.Can(Permission.EditDeals))
        {
            return Result<ImportJobDto>.Forbidden("Only admins, managers and sales may import deals.");
        }

        var start = command.Content.Position;
        var preview = await ImportCsv.InspectAsync(command.Content, cancellationToken);
        if (!preview.IsSuccess)
        {
            return Result<ImportJobDto>.From(preview);
        }

        Dictionary<string, string> mapping;
        await using (var db = await dbFactory.CreateAsync(cancellationToken))
        {
            var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == command.ObjectType).ToListAsync(cancellationToken);
            var fields = ImportFields.For(command.ObjectType, definitions);
            var header = preview.Value.Header;
            mapping = command.Mapping is null
                ? ImportFields.SuggestMapping(command.ObjectType, header, fields)
                : command.Mapping.Where(m => !string.IsNullOrWhiteSpace(m.Value)).ToDictionary(m => m.Key, m => m.Value);
            var errors = ImportFields.Check(command.ObjectType, header, mapping, fields);
            if (errors.Count > 0)
            {
                return Result<ImportJobDto>.Invalid([.. errors]);
            }
        }

        var format = preview.Value.Format;
        var job = ImportJob.Queue(command.ObjectType, Path.GetFileName(command.FileName.Trim()), command.Mode, mapping, preview.Value.TotalRows,
            currentUser.Id!.Value, clock.GetUtcNow(), format.Encoding, format.Delimiter);
        command.Content.Position = start;
        await store.SaveAsync(job, command.Content, cancellationToken);
        return ImportJobReads.ToDto(job, MonfriClaims.DisplayNameOf(currentUser.Principal));
    }
}
