using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Pipelines;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals.GetDealFormOptions;

/// <summary>Everything a deal form offers to choose from: pipelines and stages, active users as owners, deal custom fields.</summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record GetDealFormOptionsQuery : IQuery<Result<DealFormOptions>>;

public sealed class GetDealFormOptionsHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser) : IQueryHandler<GetDealFormOptionsQuery, Result<DealFormOptions>>
{
    public async ValueTask<Result<DealFormOptions>> Handle(GetDealFormOptionsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var pipelines = await db.Pipelines.AsNoTracking().OrderBy(p => p.Order).ThenBy(p => p.CreatedAt).ToListAsync(cancellationToken);
        var owners = await db.UserRefs.Where(u => u.IsActive).OrderBy(u => u.DisplayName)
            .Select(u => new DealPerson(u.Id, u.DisplayName, u.Email)).ToListAsync(cancellationToken);
        var fields = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Deal).OrderBy(d => d.Order).ToListAsync(cancellationToken);
        var currency = await db.WorkspaceSettings.AsNoTracking().Where(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId).Select(s => s.DefaultCurrency).FirstOrDefaultAsync(cancellationToken) ?? "EUR";
        return new DealFormOptions(
            pipelines.Select(p => p.ToDto()).ToList(),
            owners,
            fields.Select(f => new DealCustomField(f.Key, f.Label, f.Type, f.Options)).ToList(),
            currency)
        {
            CanEditDeals = currentUser.Can(Permission.EditDeals),
        };
    }
}
