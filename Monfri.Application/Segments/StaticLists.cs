using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

/// <summary>A new static list: a segment whose members are added by hand, from a list selection, a CSV or the API.</summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record CreateStaticListCommand(string Name, string? Description = null) : ICommand<Result<SegmentDto>>;

public sealed class CreateStaticListValidator : AbstractValidator<CreateStaticListCommand>
{
    public CreateStaticListValidator()
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("Give the list a name.")
            .MaximumLength(Segment.MaxNameLength).WithMessage($"A name has at most {Segment.MaxNameLength} characters.");
        RuleFor(c => c.Description).MaximumLength(Segment.MaxDescriptionLength).WithMessage($"A description has at most {Segment.MaxDescriptionLength} characters.");
    }
}

public sealed class CreateStaticListHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<CreateStaticListCommand, Result<SegmentDto>>
{
    public async ValueTask<Result<SegmentDto>> Handle(CreateStaticListCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var name = command.Name.Trim();
        if (await db.Segments.AnyAsync(s => s.Name.ToLower() == name.ToLower(), cancellationToken))
        {
            return Result<SegmentDto>.Invalid($"A segment named '{name}' already exists.", "name");
        }

        var list = Segment.CreateStatic(name, command.Description, currentUser.Id, clock.GetUtcNow());
        db.Segments.Add(list);
        await db.SaveChangesAsync(cancellationToken);
        return SegmentDto.From(list);
    }
}

/// <summary>What adding to or taking from a static list did: how many moved, how many named nobody (or nobody this user may see).</summary>
public sealed record StaticListChangeDto(int Changed, int NotFound, int MemberCount);

/// <summary>
/// Adds people to a static list, by id or by email (either or both). People the caller may not see (a rep limited
/// to own records) are not found, as anywhere else; someone already in the list stays in it once.
/// </summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record AddToStaticListCommand(Guid SegmentId, IReadOnlyList<Guid>? PersonIds = null, IReadOnlyList<string>? Emails = null)
    : ICommand<Result<StaticListChangeDto>>;

/// <summary>Takes people out of a static list, by id or by email.</summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record RemoveFromStaticListCommand(Guid SegmentId, IReadOnlyList<Guid>? PersonIds = null, IReadOnlyList<string>? Emails = null)
    : ICommand<Result<StaticListChangeDto>>;

/// <summary>
/// Adds the people a CSV file names to a static list: a header row with a column <c>email</c> or <c>id</c> (any case),
/// read like an import file (encoding and separator detected).
/// </summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record AddCsvToStaticListCommand(Guid SegmentId, byte[] Content) : ICommand<Result<StaticListChangeDto>>;

public sealed class AddToStaticListValidator : AbstractValidator<AddToStaticListCommand>
{
    public AddToStaticListValidator() =>
        RuleFor(c => c).Must(c => StaticListPeople.Count(c.PersonIds, c.Emails) is > 0 and <= StaticListPeople.MaxPerCall)
            .WithMessage($"Name 1 to {StaticListPeople.MaxPerCall:N0} people (personIds, emails).").OverridePropertyName("personIds");
}

public sealed class RemoveFromStaticListValidator : AbstractValidator<RemoveFromStaticListCommand>
{
    public RemoveFromStaticListValidator() =>
        RuleFor(c => c).Must(c => StaticListPeople.Count(c.PersonIds, c.Emails) is > 0 and <= StaticListPeople.MaxPerCall)
            .WithMessage($"Name 1 to {StaticListPeople.MaxPerCall:N0} people (personIds, emails).").OverridePropertyName("personIds");
}

public sealed class AddCsvToStaticListValidator : AbstractValidator<AddCsvToStaticListCommand>
{
    public AddCsvToStaticListValidator() =>
        RuleFor(c => c.Content).Must(c => c is { Length: > 0 and <= StaticListPeople.MaxCsvBytes })
            .WithMessage($"Upload a CSV file of at most {StaticListPeople.MaxCsvBytes / 1024 / 1024} MB.").OverridePropertyName("file");
}

public sealed class StaticListHandlers(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access)
    : ICommandHandler<AddToStaticListCommand, Result<StaticListChangeDto>>,
      ICommandHandler<RemoveFromStaticListCommand, Result<StaticListChangeDto>>,
      ICommandHandler<AddCsvToStaticListCommand, Result<StaticListChangeDto>>
{
    public ValueTask<Result<StaticListChangeDto>> Handle(AddToStaticListCommand command, CancellationToken cancellationToken) =>
        ChangeAsync(command.SegmentId, command.PersonIds, command.Emails, add: true, cancellationToken);

    public ValueTask<Result<StaticListChangeDto>> Handle(RemoveFromStaticListCommand command, CancellationToken cancellationToken) =>
        ChangeAsync(command.SegmentId, command.PersonIds, command.Emails, add: false, cancellationToken);

    public async ValueTask<Result<StaticListChangeDto>> Handle(AddCsvToStaticListCommand command, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(command.Content, writable: false);
        var preview = await ImportCsv.InspectAsync(content, cancellationToken);
        if (!preview.IsSuccess)
        {
            return Result<StaticListChangeDto>.From(preview);
        }

        var header = preview.Value.Header;
        var emailColumn = IndexOf(header, "email");
        var idColumn = IndexOf(header, "id");
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

        var added = await ChangeAsync(command.SegmentId, ids, emails, add: true, cancellationToken);
        return added.IsSuccess ? added.Value with { NotFound = added.Value.NotFound + unreadable } : added;
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private async ValueTask<Result<StaticListChangeDto>> ChangeAsync(
        Guid segmentId, IReadOnlyList<Guid>? personIds, IReadOnlyList<string>? emails, bool add, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var list = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == segmentId, cancellationToken);
        if (list is null)
        {
            return Result<StaticListChangeDto>.NotFound("No such segment.");
        }

        if (list.Kind != SegmentKind.Static)
        {
            return Result<StaticListChangeDto>.Invalid($"'{list.Name}' is chosen by its conditions; people are added by hand only to a static list.", "segmentId");
        }

        var ids = (personIds ?? []).Distinct().ToArray();
        var addresses = (emails ?? []).Select(e => e.Trim().ToLowerInvariant()).Where(e => e.Length > 0).Distinct().ToArray();
        var people = await access.VisibleAsync(db, db.People.AsNoTracking(), cancellationToken);
        var found = await people
            .Where(p => ids.Contains(p.Id) || (p.Email != null && addresses.Contains(p.Email.ToLower())))
            .Select(p => new { p.Id, p.Email })
            .ToListAsync(cancellationToken);
        var foundEmails = found.Where(p => p.Email != null).Select(p => p.Email!.ToLowerInvariant()).ToHashSet();
        var notFound = ids.Count(id => found.All(p => p.Id != id)) + addresses.Count(a => !foundEmails.Contains(a));
        var who = found.Select(p => p.Id).Distinct().ToList();
        var change = who.Count == 0
            ? new MembershipChange(segmentId, 0, 0, list.MemberCount)
            : add
                ? await engine.AddMembersAsync(segmentId, who, "added by hand", cancellationToken)
                : await engine.RemoveMembersAsync(segmentId, who, "removed by hand", cancellationToken);
        return new StaticListChangeDto(add ? change.Entered : change.Left, notFound, change.MemberCount);
    }
}

internal static class StaticListPeople
{
    public const int MaxPerCall = 10_000;
    public const int MaxCsvBytes = 5 * 1024 * 1024;

    public static int Count(IReadOnlyList<Guid>? ids, IReadOnlyList<string>? emails) => (ids?.Count ?? 0) + (emails?.Count ?? 0);
}
