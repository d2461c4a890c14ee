using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Roles = Monfri.Domain.Common.Roles;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Search.GlobalSearch;

public enum SearchHitKind
{
    Contact,
    Company,
    Deal,

    /// <summary>An anonymous visitor found by one of their ids (anonymous id, or a user id not yet a contact).</summary>
    Visitor,
}

/// <summary>One result of the global search (Ctrl+K): what it is, its title, a hint, and where it opens.</summary>
public sealed record SearchHit(SearchHitKind Kind, Guid Id, string Title, string? Subtitle)
{
    public string Url => Kind switch
    {
        SearchHitKind.Contact => $"/contacts/{Id}",
        SearchHitKind.Company => $"/companies/{Id}",
        SearchHitKind.Visitor => $"/people/{Id}",
        _ => $"/deals/{Id}",
    };
}

/// <summary>
/// Finds contacts, companies and deals by name, email or domain, and people by an exact user id or anonymous id
/// (what support staff paste from a log or a cookie), among the records the user may see.
/// </summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GlobalSearchQuery(string Text, int PerKind = 5) : IQuery<Result<IReadOnlyList<SearchHit>>>;

public sealed class GlobalSearchValidator : AbstractValidator<GlobalSearchQuery>
{
    public GlobalSearchValidator()
    {
        RuleFor(q => q.Text).MaximumLength(200);
        RuleFor(q => q.PerKind).InclusiveBetween(1, 20);
    }
}

public sealed class GlobalSearchHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GlobalSearchQuery, Result<IReadOnlyList<SearchHit>>>
{
    public async ValueTask<Result<IReadOnlyList<SearchHit>>> Handle(GlobalSearchQuery query, CancellationToken cancellationToken)
    {
        if (query.Text.Trim().Length < 2 || SearchTerms.ToPattern(query.Text) is not { } pattern)
        {
            return Result<IReadOnlyList<SearchHit>>.Success([]);
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var people = await access.VisibleAsync(db, db.People.AsNoTracking().Where(p => p.IsContact), cancellationToken);
        var address = SearchTerms.AsEmail(query.Text);
        var contacts = await people
            .Where(p => EF.Functions.Like(EF.Property<string>(p, SearchTerms.Column), pattern, "\\") || (address != null && address.All(a => p.OtherEmails.Contains(a))))
            .OrderBy(p => p.LastName).ThenBy(p => p.FirstName)
            .Take(query.PerKind)
            .Select(p => new SearchHit(SearchHitKind.Contact, p.Id, ((p.FirstName ?? "") + " " + (p.LastName ?? "")).Trim(), p.Email))
            .ToListAsync(cancellationToken);
        var companies = await (await access.VisibleAsync(db, db.Companies.AsNoTracking(), cancellationToken))
            .Where(c => EF.Functions.Like(EF.Property<string>(c, SearchTerms.Column), pattern, "\\"))
            .OrderBy(c => c.Name)
            .Take(query.PerKind)
            .Select(c => new SearchHit(SearchHitKind.Company, c.Id, c.Name, c.Domain))
            .ToListAsync(cancellationToken);
        var deals = await (await access.VisibleAsync(db, db.Deals.AsNoTracking(), cancellationToken))
            .Where(d => EF.Functions.Like(EF.Property<string>(d, SearchTerms.Column), pattern, "\\"))
            .OrderByDescending(d => d.UpdatedAt)
            .Take(query.PerKind)
            .Select(d => new SearchHit(SearchHitKind.Deal, d.Id, d.Name, d.Status.ToString()))
            .ToListAsync(cancellationToken);

        var byId = await ByIdentifierAsync(db, query.Text.Trim(), cancellationToken);
        return byId.Concat(contacts.Where(c => byId.All(b => b.Id != c.Id)))
            .Select(c => c with { Title = PersonName.OrFallback(c.Title, c.Subtitle) })
            .Concat(companies).Concat(deals).ToList();
    }

    /// <summary>
    /// The person holding this exact user id or anonymous id (primary-key look-ups of the identity). A contact only
    /// when the user may see it (own records rule); an anonymous visitor belongs to no one.
    /// </summary>
    private async Task<List<SearchHit>> ByIdentifierAsync(IMonfriDb db, string text, CancellationToken cancellationToken)
    {
        var found = await (
                from i in db.ProfileIdentities.AsNoTracking()
                where (i.Type == Domain.Cdp.IdentityTypes.UserId || i.Type == Domain.Cdp.IdentityTypes.AnonymousId) && i.Value == text
                join p in db.People.AsNoTracking() on i.PersonId equals p.Id
                orderby i.Type descending
                select new { Person = p, i.Type })
            .ToListAsync(cancellationToken);
        var hits = new List<SearchHit>();
        foreach (var (person, type) in found.DistinctBy(f => f.Person.Id).Select(f => (f.Person, f.Type)))
        {
            var how = $"{(type == Domain.Cdp.IdentityTypes.UserId ? "user id" : "anonymous id")} {text}";
            if (!person.IsContact)
            {
                hits.Add(new SearchHit(SearchHitKind.Visitor, person.Id, PersonName.AnonymousVisitor, how));
            }
            else if (await access.CanSeeAsync(db, person.OwnerId, cancellationToken))
            {
                hits.Add(new SearchHit(SearchHitKind.Contact, person.Id, person.DisplayName, how));
            }
        }

        return hits;
    }
}
