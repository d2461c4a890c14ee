using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Contacts.MergeContacts;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Contacts.PreviewContactMerge;

/// <summary>Two contacts side by side for the merge screen: every field with each one's value, and what each brings along.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record PreviewContactMergeQuery(Guid A, Guid B) : IQuery<Result<MergePreview>>;

public sealed class PreviewContactMergeHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<PreviewContactMergeQuery, Result<MergePreview>>
{
    public async ValueTask<Result<MergePreview>> Handle(PreviewContactMergeQuery query, CancellationToken cancellationToken)
    {
        if (query.A == query.B)
        {
            return Result<MergePreview>.Invalid("A contact cannot be merged with itself.");
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var people = await db.People.AsNoTracking().Where(p => p.IsContact && (p.Id == query.A || p.Id == query.B)).ToListAsync(cancellationToken);
        var a = people.FirstOrDefault(p => p.Id == query.A);
        var b = people.FirstOrDefault(p => p.Id == query.B);
        if (a is null || b is null || !await access.CanSeeAsync(db, a.OwnerId, cancellationToken) || !await access.CanSeeAsync(db, b.OwnerId, cancellationToken))
        {
            return Result<MergePreview>.NotFound("One of the contacts does not exist, or you may not see it.");
        }

        var companyIds = people.Select(p => p.CompanyId).OfType<Guid>().ToList();
        var companies = await db.Companies.AsNoTracking().Where(c => companyIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var ownerIds = people.Select(p => p.OwnerId).OfType<Guid>().ToList();
        var owners = await db.UserRefs.Where(u => ownerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        var stages = await db.WorkspaceSettings.AsNoTracking().Where(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId).Select(s => s.LifecycleStages).FirstOrDefaultAsync(cancellationToken) ?? [.. LifecycleStages.Defaults];
        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Contact)
            .OrderBy(d => d.Order).ToListAsync(cancellationToken);

        string? Display(Person person, string key) => ContactMergeFields.Value(person, key) switch
        {
            null => null,
            Guid id when key == "company" => companies.GetValueOrDefault(id),
            Guid id when key == "owner" => owners.GetValueOrDefault(id),
            string stage when key == "lifecycleStage" => stages.FirstOrDefault(s => s.Key == stage)?.Label ?? stage,
            var value => CustomFieldValues.Display(value),
        };

        var fields = ContactMergeFields.BuiltIn
            .Concat(definitions.Select(d => (Key: CustomFieldValues.FieldPrefix + d.Key, d.Label)))
            .Select(f => new MergeField(f.Key, f.Label, Display(a, f.Key), Display(b, f.Key)))
            .ToList();
        return new MergePreview(await DescribeAsync(db, a, cancellationToken), await DescribeAsync(db, b, cancellationToken), fields,
        [
            "Other emails of both are kept; an email that is not kept as the primary one becomes another email.",
            "Tags of both are kept.",
            "Activities and deals of the merged contact move to the one that is kept.",
        ]);
    }

    private static async Task<MergeRecord> DescribeAsync(IMonfriDb db, Person person, CancellationToken cancellationToken)
    {
        var activities = await db.Activities.CountAsync(x => x.PersonId == person.Id, cancellationToken);
        var deals = await db.DealContacts.CountAsync(x => x.PersonId == person.Id, cancellationToken);
        var related = new[] { new MergeMoved(activities, "activity", "activities"), new MergeMoved(deals, "deal", "deals") };
        var extra = person.OtherEmails.Count > 0 ? [$"also {string.Join(", ", person.OtherEmails)}"] : Array.Empty<string>();
        var tags = person.Tags.Count > 0 ? [$"tags {string.Join(", ", person.Tags)}"] : Array.Empty<string>();
        return new MergeRecord(person.Id, person.DisplayName, person.Email, person.Version, person.CreatedAt,
            [.. related.Select(r => r.ToString()), .. extra, .. tags]);
    }
}
