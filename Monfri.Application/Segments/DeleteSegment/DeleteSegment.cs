using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Conditions;

namespace Monfri.Application.Segments.DeleteSegment;

/// <summary>Deletes a segment and its membership; refused while another segment includes it.</summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record DeleteSegmentCommand(Guid Id) : ICommand<Result>;

public sealed class DeleteSegmentHandler(IMonfriDbFactory dbFactory) : ICommandHandler<DeleteSegmentCommand, Result>
{
    public async ValueTask<Result> Handle(DeleteSegmentCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var segment = await db.Segments.FirstOrDefaultAsync(s => s.Id == command.Id, cancellationToken);
        if (segment is null)
        {
            return Result.NotFound("No such segment.");
        }

        var others = await db.Segments.AsNoTracking().Where(s => s.Id != command.Id).ToListAsync(cancellationToken);
        var users = others.Where(s => ConditionValidator.SegmentReferences(s.Condition).Contains(command.Id)).Select(s => $"'{s.Name}'").ToList();
        if (users.Count > 0)
        {
            return Result.Conflict($"'{segment.Name}' is used by {string.Join(", ", users)}; remove it from {(users.Count == 1 ? "that segment" : "those segments")} first.");
        }

        db.Segments.Remove(segment);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Success();
    }
}
