using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Contacts.FindContactDuplicates;

/// <summary>
/// Contacts that are likely the same person as the one being entered: the same email (primary or other),
/// or the same name at the same company. The create form and the import both ask before adding.
/// </summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record FindContactDuplicatesQuery(string? Email, string? FirstName, string? LastName, Guid? CompanyId, Guid? ExcludeId = null)
    : IQuery<Result<IReadOnlyList<PossibleDuplicate>>>;

public sealed class FindContactDuplicatesHandler(IMonfriDbFactory dbFactory, CrmAccess access)
    : IQueryHandler<FindContactDuplicatesQuery, Result<IReadOnlyList<PossibleDuplicate>>>
{
    public const string SameEmail = "Same email";

    public async ValueTask<Result<IReadOnlyList<PossibleDuplicate>>> Handle(FindContactDuplicatesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var people = await access.VisibleAsync(db, db.People.AsNoTracking().Where(p => p.IsContact && p.Id != query.ExcludeId), cancellationToken);
        var found = new List<PossibleDuplicate>();

        if (Person.Normalize(query.Email) is { } email)
        {
            found.AddRange(await Describe(db, people.Where(p => p.Email == email || p.OtherEmails.Contains(email)), SameEmail).ToListAsync(cancellationToken));
        }

        var first = query.FirstName?.Trim().ToLowerInvariant();
        var last = query.LastName?.Trim().ToLowerInvariant();
        if (query.CompanyId is { } companyId && !string.IsNullOrEmpty(last))
        {
            // Same last name at the same company, and the same first name or at least its initial ("Bob" / "B.").
            var initial = string.IsNullOrEmpty(first) ? "" : first[..1];
            var sameName = people.Where(p => p.CompanyId == companyId && p.LastName != null && p.LastName.ToLower() == last
                && (initial == "" || (p.FirstName != null && p.FirstName.ToLower().StartsWith(initial))));
            found.AddRange(await Describe(db, sameName, "Similar name at the same company").ToListAsync(cancellationToken));
        }

        return found.DistinctBy(d => d.Id).Take(10).ToList();
    }

    private static IQueryable<PossibleDuplicate> Describe(IMonfriDb db, IQueryable<Person> people, string reason) =>
        (from p in people
         join c in db.Companies on p.CompanyId equals c.Id into companies
         from c in companies.DefaultIfEmpty()
         orderby p.CreatedAt, p.Id
         select new PossibleDuplicate(p.Id, ((p.FirstName ?? "") + " " + (p.LastName ?? "")).Trim(), p.Email, c == null ? null : c.Name, reason))
        .Take(10);
}
