using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Contacts.ListContacts;

/// <summary>What narrows the contacts list (also used by saved views and CSV export).</summary>
public sealed record ContactFilter
{
    public string? Search { get; init; }
    public Guid? OwnerId { get; init; }
    public bool Unowned { get; init; }
    public string? LifecycleStage { get; init; }
    public string? Tag { get; init; }
    public Guid? CompanyId { get; init; }
    public DateTimeOffset? CreatedFrom { get; init; }
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Custom field key → value the field must have (for multi select: must include).</summary>
    public IReadOnlyDictionary<string, string> CustomFields { get; init; } = new Dictionary<string, string>();

    /// <summary>Conditions on computed traits (Settings → Computed traits), all of which must hold.</summary>
    public IReadOnlyList<Cdp.Traits.TraitCondition> Traits { get; init; } = [];

    /// <summary>Only the members of this segment or static list (its materialised membership).</summary>
    public Guid? SegmentId { get; init; }
}

/// <summary>A page of contacts, filtered, searched and sorted on the server (fast at 100,000+ contacts).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListContactsQuery(
    ContactFilter Filter,
    string? SortBy = null,
    SortDirection Direction = SortDirection.Ascending,
    int PageIndex = 0,
    int PageSize = 50) : IQuery<Result<Page<ContactListItem>>>, IPagedQuery;

public sealed class ListContactsValidator : AbstractValidator<ListContactsQuery>
{
    public static readonly string[] SortFields = ["name", "email", "company", "owner", "lifecycleStage", "createdAt", "updatedAt", "lastActivityAt"];

    public ListContactsValidator()
    {
        this.RuleForPaging(maxPageSize: 500);
        RuleFor(q => q.SortBy).Must(s => s is null || SortFields.Contains(s) || ContactQueries.TraitSortKey(s) is not null)
            .WithMessage($"Sort by one of: {string.Join(", ", SortFields)}, or trait:{{key}} for a computed trait (trait:identify.{{name}} for an identify trait).");
    }
}

public sealed class ListContactsHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<ListContactsQuery, Result<Page<ContactListItem>>>
{
    public async ValueTask<Result<Page<ContactListItem>>> Handle(ListContactsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var filtered = await ContactQueries.FilterAsync(db, access, query.Filter, cancellationToken);
        if (!filtered.IsSuccess)
        {
            return Result<Page<ContactListItem>>.From(filtered);
        }

        var people = filtered.Value;
        var total = await people.CountAsync(cancellationToken);
        var rows = ContactQueries.Project(db, people, query.SortBy, query.Direction);
        var items = await rows.Skip(query.PageIndex * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new Page<ContactListItem>(items, query.PageIndex, query.PageSize, total);
    }
}

/// <summary>The contacts list's filtering, sorting and projection, shared by the list, the export and bulk actions.</summary>
public static class ContactQueries
{
    public static async Task<Result<IQueryable<Person>>> FilterAsync(IMonfriDb db, CrmAccess access, ContactFilter filter, CancellationToken cancellationToken)
    {
        var people = await access.VisibleAsync(db, db.People.AsNoTracking().Where(p => p.IsContact), cancellationToken);
        if (SearchTerms.ToPattern(filter.Search) is { } pattern)
        {
            // Companies matching the search (by name or domain) bring their contacts along.
            var companyIds = await db.Companies.Where(c => EF.Functions.Like(EF.Property<string>(c, SearchTerms.Column), pattern, "\\"))
                .OrderBy(c => c.Id).Select(c => c.Id).Take(500).ToListAsync(cancellationToken);
            // A whole email address also finds the contact that has it as another email (e.g. after a merge).
            var address = SearchTerms.AsEmail(filter.Search);
            people = people.Where(p => EF.Functions.Like(EF.Property<string>(p, SearchTerms.Column), pattern, "\\")
                || (p.CompanyId != null && companyIds.Contains(p.CompanyId.Value))
                || (address != null && address.All(a => p.OtherEmails.Contains(a))));
        }

        if (filter.Unowned)
        {
            people = people.Where(p => p.OwnerId == null);
        }
        else if (filter.OwnerId is { } ownerId)
        {
            people = people.Where(p => p.OwnerId == ownerId);
        }

        if (!string.IsNullOrWhiteSpace(filter.LifecycleStage))
        {
            people = people.Where(p => p.LifecycleStage == filter.LifecycleStage);
        }

        if (!string.IsNullOrWhiteSpace(filter.Tag))
        {
            var tag = filter.Tag.Trim();
            people = people.Where(p => p.Tags.Contains(tag));
        }

        if (filter.CompanyId is { } companyId)
        {
            people = people.Where(p => p.CompanyId == companyId);
        }

        if (filter.SegmentId is { } segmentId)
        {
            people = people.Where(p => db.SegmentMembers.Any(m => m.SegmentId == segmentId && m.PersonId == p.Id));
        }

        if (filter.CreatedFrom is { } from)
        {
            people = people.Where(p => p.CreatedAt >= from);
        }

        if (filter.CreatedTo is { } to)
        {
            people = people.Where(p => p.CreatedAt < to);
        }

        var fragments = await CustomFieldFilters.ToFragmentsAsync(db, CrmObjectType.Contact, filter.CustomFields, cancellationToken);
        if (!fragments.IsSuccess)
        {
            return Result<IQueryable<Person>>.From(fragments);
        }

        foreach (var fragment in fragments.Value)
        {
            people = people.Where(p => DbJson.Contains(p.CustomFields, fragment));
        }

        // Identify traits (the latest value an identify call sent): equal to a text, or present.
        foreach (var condition in filter.Traits.Where(t => Domain.Cdp.ProfileIdentifyTraits.NameOf(t.Key) is not null))
        {
            if (condition.AtLeast is not null || condition.AtMost is not null)
            {
                return Result<IQueryable<Person>>.Invalid($"An identify trait ({condition.Key}) is filtered by its value, not by a range.", "traits");
            }

            var (name, text) = (Domain.Cdp.ProfileIdentifyTraits.NameOf(condition.Key)!, condition.Is);
            people = text is null
                ? people.Where(p => db.IdentifyTraits.Any(t => t.PersonId == p.Id && DbJson.Text(t.Traits, name) != null))
                : people.Where(p => db.IdentifyTraits.Any(t => t.PersonId == p.Id && DbJson.Text(t.Traits, name) == text));
        }

        var computed = filter.Traits.Where(t => Domain.Cdp.ProfileIdentifyTraits.NameOf(t.Key) is null).ToList();
        if (computed.Count > 0)
        {
            var keys = computed.Select(t => t.Key).Distinct().ToList();
            var traitIds = await db.ComputedTraits.Where(t => keys.Contains(t.Key)).ToDictionaryAsync(t => t.Key, t => t.Id, cancellationToken);
            if (keys.FirstOrDefault(k => !traitIds.ContainsKey(k)) is { } unknown)
            {
                return Result<IQueryable<Person>>.Invalid($"No computed trait has the key '{unknown}'.", "traits");
            }

            foreach (var condition in computed)
            {
                var (traitId, atLeast, atMost, text) = (traitIds[condition.Key], condition.AtLeast, condition.AtMost, condition.Is);
                people = people.Where(p => db.ComputedTraitValues.Any(v => v.PersonId == p.Id && v.TraitId == traitId
                    && (atLeast == null || v.Number >= atLeast) && (atMost == null || v.Number <= atMost) && (text == null || v.Text == text)));
            }
        }

        return Result<IQueryable<Person>>.Success(people);
    }

    /// <summary>The trait key of a <c>trait:{key}</c> sort (a computed trait's key, or <c>identify.{name}</c>), or null.</summary>
    public static string? TraitSortKey(string? sortBy) =>
        sortBy is not null && sortBy.StartsWith("trait:", StringComparison.Ordinal)
        && (Domain.Cdp.ComputedTrait.IsValidKey(sortBy[6..]) || Domain.Cdp.ProfileIdentifyTraits.NameOf(sortBy[6..]) is not null) ? sortBy[6..] : null;

    public static IQueryable<ContactListItem> Project(IMonfriDb db, IQueryable<Person> people, string? sortBy, SortDirection direction)
    {
        if (TraitSortKey(sortBy) is { } traitKey)
        {
            return Domain.Cdp.ProfileIdentifyTraits.NameOf(traitKey) is { } name ? ByIdentifyTrait(db, people, name, direction) : ByTrait(db, people, traitKey, direction);
        }

        var rows =
            from p in people
            join c in db.Companies on p.CompanyId equals c.Id into companies
            from c in companies.DefaultIfEmpty()
            join u in db.UserRefs on p.OwnerId equals u.Id into owners
            from u in owners.DefaultIfEmpty()
            select new { p, CompanyName = c == null ? null : c.Name, OwnerName = u == null ? null : u.DisplayName };

        var descending = direction == SortDirection.Descending;
        var sorted = sortBy switch
        {
            "email" => descending ? rows.OrderByDescending(r => r.p.Email) : rows.OrderBy(r => r.p.Email),
            "company" => descending ? rows.OrderByDescending(r => r.CompanyName) : rows.OrderBy(r => r.CompanyName),
            "owner" => descending ? rows.OrderByDescending(r => r.OwnerName) : rows.OrderBy(r => r.OwnerName),
            "lifecycleStage" => descending ? rows.OrderByDescending(r => r.p.LifecycleStage) : rows.OrderBy(r => r.p.LifecycleStage),
            "createdAt" => descending ? rows.OrderByDescending(r => r.p.CreatedAt) : rows.OrderBy(r => r.p.CreatedAt),
            "updatedAt" => descending ? rows.OrderByDescending(r => r.p.UpdatedAt) : rows.OrderBy(r => r.p.UpdatedAt),
            "lastActivityAt" => descending ? rows.OrderByDescending(r => r.p.LastActivityAt) : rows.OrderBy(r => r.p.LastActivityAt),
            "name" => descending ? rows.OrderByDescending(r => r.p.LastName).ThenByDescending(r => r.p.FirstName) : rows.OrderBy(r => r.p.LastName).ThenBy(r => r.p.FirstName),
            _ => rows.OrderByDescending(r => r.p.CreatedAt),
        };

        // The id breaks ties so paging is stable.
        return sorted.ThenBy(r => r.p.Id).Select(r => new ContactListItem(
            r.p.Id, r.p.FirstName, r.p.LastName, r.p.Email, r.p.Phone, r.p.JobTitle, r.p.CompanyId, r.CompanyName,
            r.p.OwnerId, r.OwnerName, r.p.LifecycleStage, r.p.LeadSource, r.p.Tags, r.p.CustomFields,
            r.p.CreatedAt, r.p.UpdatedAt, r.p.LastActivityAt));
    }

    /// <summary>
    /// Sorted by a computed trait's value (numbers by number, text by text); people without a value come last
    /// either way, so "highest revenue first" starts with revenue.
    /// </summary>
    private static IQueryable<ContactListItem> ByTrait(IMonfriDb db, IQueryable<Person> people, string traitKey, SortDirection direction)
    {
        var traitId = db.ComputedTraits.Where(t => t.Key == traitKey).Select(t => t.Id);
        var rows =
            from p in people
            join c in db.Companies on p.CompanyId equals c.Id into companies
            from c in companies.DefaultIfEmpty()
            join u in db.UserRefs on p.OwnerId equals u.Id into owners
            from u in owners.DefaultIfEmpty()
            join v in db.ComputedTraitValues.Where(v => traitId.Contains(v.TraitId)) on p.Id equals v.PersonId into values
            from v in values.DefaultIfEmpty()
            select new
            {
                p, CompanyName = c == null ? null : c.Name, OwnerName = u == null ? null : u.DisplayName,
                Number = v == null ? null : v.Number, Text = v == null ? null : v.Text,
            };
        var sorted = direction == SortDirection.Descending
            ? rows.OrderBy(r => r.Number == null && r.Text == null).ThenByDescending(r => r.Number).ThenByDescending(r => r.Text)
            : rows.OrderBy(r => r.Number == null && r.Text == null).ThenBy(r => r.Number).ThenBy(r => r.Text);
        return sorted.ThenBy(r => r.p.Id).Select(r => new ContactListItem(
            r.p.Id, r.p.FirstName, r.p.LastName, r.p.Email, r.p.Phone, r.p.JobTitle, r.p.CompanyId, r.CompanyName,
            r.p.OwnerId, r.OwnerName, r.p.LifecycleStage, r.p.LeadSource, r.p.Tags, r.p.CustomFields,
            r.p.CreatedAt, r.p.UpdatedAt, r.p.LastActivityAt));
    }

    /// <summary>Sorted by an identify trait's value as text; people without it come last either way.</summary>
    private static IQueryable<ContactListItem> ByIdentifyTrait(IMonfriDb db, IQueryable<Person> people, string name, SortDirection direction)
    {
        var rows =
            from p in people
            join c in db.Companies on p.CompanyId equals c.Id into companies
            from c in companies.DefaultIfEmpty()
            join u in db.UserRefs on p.OwnerId equals u.Id into owners
            from u in owners.DefaultIfEmpty()
            join t in db.IdentifyTraits on p.Id equals t.PersonId into traits
            from t in traits.DefaultIfEmpty()
            select new
            {
                p, CompanyName = c == null ? null : c.Name, OwnerName = u == null ? null : u.DisplayName,
                Text = t == null ? null : DbJson.Text(t.Traits, name),
            };
        var sorted = direction == SortDirection.Descending
            ? rows.OrderBy(r => r.Text == null).ThenByDescending(r => r.Text)
            : rows.OrderBy(r => r.Text == null).ThenBy(r => r.Text);
        return sorted.ThenBy(r => r.p.Id).Select(r => new ContactListItem(
            r.p.Id, r.p.FirstName, r.p.LastName, r.p.Email, r.p.Phone, r.p.JobTitle, r.p.CompanyId, r.CompanyName,
            r.p.OwnerId, r.OwnerName, r.p.LifecycleStage, r.p.LeadSource, r.p.Tags, r.p.CustomFields,
            r.p.CreatedAt, r.p.UpdatedAt, r.p.LastActivityAt));
    }
}
