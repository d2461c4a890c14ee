using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Companies.MergeCompanies;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Companies.PreviewCompanyMerge;

/// <summary>Two companies side by side for the merge screen: every field with each one's value, and what each brings along.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record PreviewCompanyMergeQuery(Guid A, Guid B) : IQuery<Result<MergePreview>>;

public sealed class PreviewCompanyMergeHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<PreviewCompanyMergeQuery, Result<MergePreview>>
{
    public async ValueTask<Result<MergePreview>> Handle(PreviewCompanyMergeQuery query, CancellationToken cancellationToken)
    {
        if (query.A == query.B)
        {
            return Result<MergePreview>.Invalid("A company cannot be merged with itself.");
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var companies = await db.Companies.AsNoTracking().Where(c => c.Id == query.A || c.Id == query.B).ToListAsync(cancellationToken);
        var a = companies.FirstOrDefault(c => c.Id == query.A);
        var b = companies.FirstOrDefault(c => c.Id == query.B);
        if (a is null || b is null || !await access.CanSeeAsync(db, a.OwnerId, cancellationToken) || !await access.CanSeeAsync(db, b.OwnerId, cancellationToken))
        {
            return Result<MergePreview>.NotFound("One of the companies does not exist, or you may not see it.");
        }

        var ownerIds = companies.Select(c => c.OwnerId).OfType<Guid>().ToList();
        var owners = await db.UserRefs.Where(u => ownerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Company)
            .OrderBy(d => d.Order).ToListAsync(cancellationToken);

        string? Display(Company company, string key) => CompanyMergeFields.Value(company, key) switch
        {
            null => null,
            Guid id when key == "owner" => owners.GetValueOrDefault(id),
            var value => CustomFieldValues.Display(value),
        };

        var fields = CompanyMergeFields.BuiltIn
            .Concat(definitions.Select(d => (Key: CustomFieldValues.FieldPrefix + d.Key, d.Label)))
            .Select(f => new MergeField(f.Key, f.Label, Display(a, f.Key), Display(b, f.Key)))
            .ToList();
        return new MergePreview(await DescribeAsync(db, a, cancellationToken), await DescribeAsync(db, b, cancellationToken), fields,
        [
            "Tags of both are kept.",
            "Contacts, deals and activities of the merged company move to the one that is kept.",
        ]);
    }

    private static async Task<MergeRecord> DescribeAsync(IMonfriDb db, Company company, CancellationToken cancellationToken)
    {
        var related = new[]
        {
            new MergeMoved(await db.People.CountAsync(p => p.CompanyId == company.Id && p.IsContact, cancellationToken), "contact", "contacts"),
            new MergeMoved(await db.Deals.CountAsync(d => d.CompanyId == company.Id, cancellationToken), "deal", "deals"),
            new MergeMoved(await db.Activities.CountAsync(x => x.CompanyId == company.Id, cancellationToken), "activity", "activities"),
        };
        var tags = company.Tags.Count > 0 ? [$"tags {string.Join(", ", company.Tags)}"] : Array.Empty<string>();
        return new MergeRecord(company.Id, company.Name, company.Domain, company.Version, company.CreatedAt, [.. related.Select(r => r.ToString()), .. tags]);
    }
}
