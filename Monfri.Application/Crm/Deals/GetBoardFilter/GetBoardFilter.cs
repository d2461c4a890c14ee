using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Views;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals.GetBoardFilter;

/// <summary>The signed-in user's last filter on one pipeline's board (empty when they never set one).</summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record GetBoardFilterQuery(Guid PipelineId) : IQuery<Result<BoardFilter>>;

/// <summary>Board filters are kept as the user's saved views of deals, under a name reserved for the board.</summary>
public sealed class GetBoardFilterHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser)
    : IQueryHandler<GetBoardFilterQuery, Result<BoardFilter>>
{
    public async ValueTask<Result<BoardFilter>> Handle(GetBoardFilterQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var name = SavedViewNames.Board(query.PipelineId);
        var definition = await db.SavedViews.AsNoTracking()
            .Where(v => v.UserId == currentUser.Id && v.ObjectType == CrmObjectType.Deal && v.Name == name)
            .Select(v => v.Definition)
            .FirstOrDefaultAsync(cancellationToken);
        try
        {
            return definition is null ? new BoardFilter() : JsonSerializer.Deserialize<BoardFilter>(definition, LiveJson.Options) ?? new BoardFilter();
        }
        catch (JsonException)
        {
            // A filter saved by an older version that no longer reads is simply forgotten.
            return new BoardFilter();
        }
    }
}
