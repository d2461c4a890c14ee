using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Conditions;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

internal static class SegmentChecks
{
    public static async Task<List<ResultError>> ProblemsAsync(
        IMonfriDbFactory dbFactory, ConditionCatalog catalog, SegmentInput input, Guid? self, CancellationToken cancellationToken)
    {
        var problems = ConditionValidator.Validate(input.Definition, catalog, self).ToList();
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var name = input.Name.Trim();
        if (await db.Segments.AnyAsync(s => s.Id != self && s.Name.ToLower() == name.ToLower(), cancellationToken))
        {
            problems.Insert(0, new ResultError($"A segment named '{name}' already exists.", "name"));
        }

        return problems;
    }

    public static async Task<Result<SegmentDto>> ReadAsync(IMonfriDbFactory dbFactory, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return segment is null ? Result<SegmentDto>.NotFound("No such segment.") : SegmentDto.From(segment);
    }
}
