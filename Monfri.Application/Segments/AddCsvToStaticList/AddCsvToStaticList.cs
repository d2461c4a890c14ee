using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments.AddCsvToStaticList;

/// <summary>
/// Adds the people a CSV file names to a static list: a header row with a column <c>email</c> or <c>id</c> (any case),
/// read like an import file (encoding and separator detected).
/// </summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record AddCsvToStaticListCommand(Guid SegmentId, byte[] Content) : ICommand<Result<StaticListChangeDto>>;

public sealed class AddCsvToStaticListValidator : AbstractValidator<AddCsvToStaticListCommand>
{
    public AddCsvToStaticListValidator() =>
        RuleFor(c => c.Content).Must(c => c is { Length: > 0 and <= StaticListPeople.MaxCsvBytes })
            .WithMessage($"Upload a CSV file of at most {StaticListPeople.MaxCsvBytes / 1024 / 1024} MB.").OverridePropertyName("file");
}

public sealed class AddCsvToStaticListHandler(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access)
    : ICommandHandler<AddCsvToStaticListCommand, Result<StaticListChangeDto>>
{
    public async ValueTask<Result<StaticListChangeDto>> Handle(AddCsvToStaticListCommand command, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(command.Content, writable: false);
        var preview = await ImportCsv.InspectAsync(content, cancellationToken);
        if (!preview.IsSuccess)
        {
            return Result<StaticListChangeDto>.From(preview);
        }

        var header = preview.Value.Header;
        var emailColumn = StaticListPeople.IndexOf(header, "email");
        var idColumn = StaticListPeople.IndexOf(header, "id");
        if (emailColumn < 0 && idColumn < 0)
        {
            return Result<StaticListChangeDto>.Invalid("The file needs a column named 'email' or 'id' saying whom to add.", "file");
        }

        var ids = new List<Guid>();
        var emails = new List<string>();
        var unreadable = 0;
        content.Position = 0;
        await using (var csv = await ImportCsv.OpenAsync(content, preview.Value.Format, cancellationToken))
        {
            while (await csv.ReadAsync(cancellationToken) is { } record)
            {
                var id = idColumn >= 0 && idColumn < record.Cells.Length ? record.Cells[idColumn].Trim() : "";
                var email = emailColumn >= 0 && emailColumn < record.Cells.Length ? record.Cells[emailColumn].Trim() : "";
                if (Guid.TryParse(id, out var personId))
                {
                    ids.Add(personId);
                }
                else if (email.Length > 0)
                {
                    emails.Add(email);
                }
                else
                {
                    unreadable++;
                }
            }
        }

        if (ids.Count + emails.Count > StaticListPeople.MaxPerCall)
        {
            return Result<StaticListChangeDto>.Invalid($"A file adds at most {StaticListPeople.MaxPerCall:N0} people; this one names {ids.Count + emails.Count:N0}.", "file");
        }

        var added = await StaticListPeople.ChangeAsync(dbFactory, engine, access, command.SegmentId, ids, emails, add: true, cancellationToken);
        return added.IsSuccess ? added.Value with { NotFound = added.Value.NotFound + unreadable } : added;
    }
}
