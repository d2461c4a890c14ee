using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Merges;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Contacts.GetContact;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Contacts.MergeContacts;

/// <summary>
/// Merges two contacts that are one person. The survivor keeps its id; for every field
/// <see cref="ChosenValues"/> says whose value it keeps (field key → side; a field not listed keeps the
/// survivor's value when set, else the absorbed one's). Other emails and tags of both are kept, the absorbed
/// email becomes another email of the survivor, activities and deal links move, and the absorbed record is
/// deleted — all in one transaction. Both versions are the ones the merge screen loaded: if either record
/// changed since, the merge is refused with a conflict.
/// </summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record MergeContactsCommand(
    Guid SurvivorId,
    Guid AbsorbedId,
    IReadOnlyDictionary<string, MergeSide>? ChosenValues,
    uint SurvivorVersion,
    uint AbsorbedVersion) : ICommand<Result<ContactDetail>>;

public sealed class MergeContactsValidator : AbstractValidator<MergeContactsCommand>
{
    public MergeContactsValidator()
    {
        RuleFor(c => c.SurvivorId).NotEmpty();
        RuleFor(c => c.AbsorbedId).NotEmpty().NotEqual(c => c.SurvivorId).WithMessage("A contact cannot be merged with itself.");
    }
}

public sealed class MergeContactsHandler(
    IMonfriDbFactory dbFactory, IProfileMergeStore merges, IComputedTraitStore traits, CrmAccess access, TimeProvider clock, IMediator mediator)
    : ICommandHandler<MergeContactsCommand, Result<ContactDetail>>
{
    private const string Changed = "One of the contacts was changed by someone else since you opened the merge. Reload and merge again.";

    public async ValueTask<Result<ContactDetail>> Handle(MergeContactsCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var survivor = await db.People.FirstOrDefaultAsync(p => p.Id == command.SurvivorId && p.IsContact, cancellationToken);
        var absorbed = await db.People.FirstOrDefaultAsync(p => p.Id == command.AbsorbedId && p.IsContact, cancellationToken);
        if (survivor is null || absorbed is null
            || !await access.CanSeeAsync(db, survivor.OwnerId, cancellationToken) || !await access.CanSeeAsync(db, absorbed.OwnerId, cancellationToken))
        {
            return Result<ContactDetail>.NotFound("One of the contacts does not exist, or you may not see it.");
        }

        if (survivor.Version != command.SurvivorVersion || absorbed.Version != command.AbsorbedVersion)
        {
            return Result<ContactDetail>.Conflict(Changed);
        }

        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Contact).ToListAsync(cancellationToken);
        var choices = command.ChosenValues ?? new Dictionary<string, MergeSide>();
        var keys = ContactMergeFields.Keys(definitions);
        if (choices.Keys.Where(k => !keys.Contains(k)).ToList() is { Count: > 0 } unknown)
        {
            return Result<ContactDetail>.Invalid([.. unknown.Select(k => new ResultError($"'{k}' is not a field of a contact.", nameof(command.ChosenValues)))]);
        }

        var input = ContactMergeFields.Combine(survivor, absorbed, keys, choices);
        var absorbedName = absorbed.DisplayName;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Recorded like the ingest's merges, snapshot first, so the profile's merge history shows it and an Admin can undo it.
        await merges.RecordByHandAsync(db, survivor.Id, absorbed.Id, absorbed.Email ?? absorbedName,
            "Merged by hand on the contacts' merge screen.", clock.GetUtcNow(), cancellationToken);
        // Everything that points at a person (the same rows the ingest workers move when an event merges two profiles).
        var moved = await merges.MoveToSurvivorAsync(db, absorbed.Id, survivor.Id, clock.GetUtcNow(), cancellationToken);
        // Then the survivor's computed traits and built-in stats are rebuilt from the moved events (a merge by hand
        // is rare enough to afford it, and exact whatever state either side was in).
        await traits.RebuildInTransactionAsync(db, [survivor.Id, absorbed.Id], clock.GetUtcNow(), cancellationToken);

        // The absorbed record goes first: its email may be the one the survivor keeps, and emails are unique.
        db.AuditLog.Add(AuditEntry.Record(CrmObjectType.Contact, absorbed.Id, AuditAction.Deleted, [], access.UserId, clock.GetUtcNow(),
            Merging.AbsorbedSummary(absorbedName, ContactMergeFields.DisplayName(input), survivor.Id)));
        db.Remove(absorbed);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<ContactDetail>.Conflict(Changed);
        }

        var details = await ContactRules.ResolveAsync(db, input, survivor.Id, access, cancellationToken);
        if (!details.IsSuccess)
        {
            return Result<ContactDetail>.From(details);
        }

        var now = clock.GetUtcNow();
        survivor.Apply(details.Value, now);
        survivor.Absorb(absorbed, now);
        db.AuditLog.Add(AuditEntry.Record(CrmObjectType.Contact, survivor.Id, AuditAction.Merged, [], access.UserId, now,
            Merging.Summary(absorbedName, absorbed.Email, absorbed.Id, moved)));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent save of the survivor (version check) or of another contact taking the chosen email.
            return Result<ContactDetail>.Conflict(Changed);
        }

        // Both pages hear of the merge once this commits (ContactLiveUpdates).
        await transaction.CommitAsync(cancellationToken);
        return await mediator.Send(new GetContactQuery(survivor.Id), cancellationToken);
    }
}

/// <summary>The fields a contact merge chooses between.</summary>
internal static class ContactMergeFields
{
    public static readonly IReadOnlyList<(string Key, string Label)> BuiltIn =
    [
        ("firstName", "First name"), ("lastName", "Last name"), ("email", "Email"), ("phone", "Phone"), ("jobTitle", "Job title"),
        ("company", "Company"), ("owner", "Owner"), ("lifecycleStage", "Lifecycle stage"), ("leadSource", "Lead source"),
    ];

    public static HashSet<string> Keys(IEnumerable<CustomFieldDefinition> definitions) =>
        [.. BuiltIn.Select(f => f.Key), .. definitions.Select(d => CustomFieldValues.FieldPrefix + d.Key)];

    public static object? Value(Person person, string key) => key switch
    {
        "firstName" => person.FirstName,
        "lastName" => person.LastName,
        "email" => person.Email,
        "phone" => person.Phone,
        "jobTitle" => person.JobTitle,
        "company" => person.CompanyId,
        "owner" => person.OwnerId,
        "lifecycleStage" => person.LifecycleStage,
        "leadSource" => person.LeadSource,
        _ => person.CustomFields.GetValueOrDefault(key[CustomFieldValues.FieldPrefix.Length..]),
    };

    /// <summary>The survivor's fields after the merge, as input for the same rules an edit goes through.</summary>
    public static ContactInput Combine(Person survivor, Person absorbed, IReadOnlyCollection<string> keys, IReadOnlyDictionary<string, MergeSide> choices)
    {
        object? Pick(string key)
        {
            var (mine, theirs) = (Value(survivor, key), Value(absorbed, key));
            var side = Merging.Resolve(choices.TryGetValue(key, out var chosen) ? chosen : null, Merging.HasValue(mine), Merging.HasValue(theirs));
            return side == MergeSide.Survivor ? mine : theirs;
        }

        var custom = keys.Where(k => k.StartsWith(CustomFieldValues.FieldPrefix, StringComparison.Ordinal))
            .ToDictionary(k => k[CustomFieldValues.FieldPrefix.Length..], Pick);
        return new ContactInput
        {
            FirstName = (string?)Pick("firstName"),
            LastName = (string?)Pick("lastName"),
            Email = (string?)Pick("email"),
            // No address is lost: the primary email that is not kept as primary stays as another email.
            OtherEmails = [.. survivor.OtherEmails, .. absorbed.OtherEmails, .. new[] { survivor.Email, absorbed.Email }.OfType<string>()],
            Phone = (string?)Pick("phone"),
            JobTitle = (string?)Pick("jobTitle"),
            CompanyId = (Guid?)Pick("company"),
            OwnerId = (Guid?)Pick("owner"),
            LifecycleStage = (string?)Pick("lifecycleStage"),
            LeadSource = (string?)Pick("leadSource"),
            Tags = survivor.Tags,
            CustomFields = custom,
        };
    }

    /// <summary>The survivor's name once the merge is done (as <see cref="Person.DisplayName"/> will show it).</summary>
    public static string DisplayName(ContactInput input) =>
        PersonName.Display(input.FirstName?.Trim(), input.LastName?.Trim(), input.Email);
}
