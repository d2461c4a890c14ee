using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Conditions;
using Monfri.Application.Conditions.Text;
using Monfri.Domain.Conditions;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

internal static class SegmentChecks
{
    /// <summary>The definition the input means (its JSON, or its text read) and every problem with it and the name.</summary>
    public static async Task<(Condition? Definition, List<ResultError> Problems)> ProblemsAsync(
        IMonfriDbFactory dbFactory, ConditionCatalog catalog, SegmentInput input, Guid? self, CancellationToken cancellationToken)
    {
        var (definition, problems) = Definition(input, catalog);
        if (definition is not null)
        {
            problems.AddRange(ConditionValidator.Validate(definition, catalog, self));
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var name = input.Name.Trim();
        if (await db.Segments.AnyAsync(s => s.Id != self && s.Name.ToLower() == name.ToLower(), cancellationToken))
        {
            problems.Insert(0, new ResultError($"A segment named '{name}' already exists.", "name"));
        }

        return (definition, problems);
    }

    /// <summary>
    /// The JSON definition, or the text read into one; when both are sent they must say the same, so a client that
    /// changed one and sent back the other unchanged is told rather than guessed at.
    /// </summary>
    private static (Condition? Definition, List<ResultError> Problems) Definition(SegmentInput input, ConditionCatalog catalog)
    {
        if (string.IsNullOrWhiteSpace(input.Text))
        {
            return (input.Definition, []);
        }

        var read = ConditionText.Parse(input.Text, catalog);
        if (!read.IsSuccess)
        {
            return (null, [new ResultError($"Text: {read.Error!.Message}", "text")]);
        }

        if (input.Definition is not null && ConditionJson.Serialize(input.Definition) != ConditionJson.Serialize(read.Condition!))
        {
            return (null, [new ResultError(
                $"The definition and the text say different things (the definition reads as: {ConditionText.Print(input.Definition, catalog)}); send one of them.",
                "text")]);
        }

        return (read.Condition, []);
    }

    public static async Task<Result<SegmentDto>> ReadAsync(IMonfriDbFactory dbFactory, IConditionCatalogSource catalogs, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return segment is null ? Result<SegmentDto>.NotFound("No such segment.") : SegmentDto.From(segment, await catalogs.LoadAsync(cancellationToken));
    }
}
