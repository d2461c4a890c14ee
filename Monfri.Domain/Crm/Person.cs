using Monfri.Domain.Common;

namespace Monfri.Domain.Crm;

/// <summary>
/// One person, the unified profile (DESIGN.md §3). A CRM contact is an identified person
/// (<see cref="IsContact"/>); the CDP adds anonymous people and their events to the same table,
/// so there is never a second copy of someone.
/// </summary>
public sealed class Person : Entity, IBulkEditable
{
    private Person()
    {
    }

    public Guid Id { get; private set; }
    public string? FirstName { get; private set; }
    public string? LastName { get; private set; }

    /// <summary>Primary email, lower-cased; unique among people when set.</summary>
    public string? Email { get; private set; }

    /// <summary>Further emails (lower-cased), e.g. a personal and a work address.</summary>
    public List<string> OtherEmails { get; private set; } = [];

    public string? Phone { get; private set; }
    public string? JobTitle { get; private set; }
    public Guid? CompanyId { get; private set; }
    public Guid? OwnerId { get; private set; }
    public string LifecycleStage { get; private set; } = LifecycleStages.Lead;
    public string? LeadSource { get; private set; }
    public List<string> Tags { get; private set; } = [];
    public Dictionary<string, object?> CustomFields { get; private set; } = [];

    /// <summary>True for people the CRM shows as contacts (identified); false for anonymous visitors.</summary>
    public bool IsContact { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? LastActivityAt { get; private set; }
    public DateTimeOffset? FirstSeenAt { get; private set; }
    public DateTimeOffset? LastSeenAt { get; private set; }

    /// <summary>Optimistic concurrency: a save based on an older version is refused.</summary>
    public uint Version { get; private set; }

    /// <summary>Name, else email, else what the person is: the same words on every screen and in the API.</summary>
    public string DisplayName =>
        PersonName.Display(FirstName, LastName, Email, IsContact);

    public static Person CreateContact(ContactDetails details, DateTimeOffset now)
    {
        var person = new Person { Id = Guid.CreateVersion7(now), CreatedAt = now, UpdatedAt = now, IsContact = true };
        person.Apply(details, now);
        person.Raise(new ContactCreated(person.Id, person.DisplayName, person.OwnerId, now));
        return person;
    }

    /// <summary>An edit of the contact's fields (<see cref="Apply"/>, announced).</summary>
    public void Update(ContactDetails details, DateTimeOffset now)
    {
        var previousOwner = OwnerId;
        Apply(details, now);
        Raise(new ContactUpdated(this, previousOwner, now));
    }

    /// <summary>
    /// Replaces the editable fields; the caller has validated them. Not announced: a merge announces itself through
    /// <see cref="Absorb"/>, an import as a job; an edit goes through <see cref="Update"/>.
    /// </summary>
    public void Apply(ContactDetails details, DateTimeOffset now)
    {
        FirstName = Clean(details.FirstName);
        LastName = Clean(details.LastName);
        Email = Normalize(details.Email);
        OtherEmails = details.OtherEmails.Select(Normalize).OfType<string>().Where(e => e != Email).Distinct().ToList();
        Phone = Clean(details.Phone);
        JobTitle = Clean(details.JobTitle);
        CompanyId = details.CompanyId;
        OwnerId = details.OwnerId;
        LifecycleStage = details.LifecycleStage;
        LeadSource = Clean(details.LeadSource);
        Tags = details.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        CustomFields = new Dictionary<string, object?>(details.CustomFields);
        IsContact = true;
        UpdatedAt = now;
    }

    public void AssignOwner(Guid? ownerId, DateTimeOffset now)
    {
        OwnerId = ownerId;
        UpdatedAt = now;
    }

    public void AddTag(string tag, DateTimeOffset now)
    {
        if (!Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
        {
            Tags = [.. Tags, tag];
            UpdatedAt = now;
        }
    }

    public void TouchActivity(DateTimeOffset at) =>
        LastActivityAt = LastActivityAt is null || at > LastActivityAt ? at : LastActivityAt;

    /// <summary>
    /// Takes what <paramref name="other"/> has that this person lacks (emails, tags, empty fields) when two
    /// records turn out to be one person. Chosen field values were applied before through <see cref="Apply"/>.
    /// </summary>
    public void Absorb(Person other, DateTimeOffset now)
    {
        if (other.Id == Id)
        {
            throw new DomainException("A person cannot absorb itself.");
        }

        OtherEmails = OtherEmails.Concat(other.OtherEmails).Append(other.Email).OfType<string>()
            .Where(e => e != Email).Distinct().ToList();
        Tags = Tags.Concat(other.Tags).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var (key, value) in other.CustomFields)
        {
            CustomFields.TryAdd(key, value);
        }

        FirstSeenAt = Min(FirstSeenAt, other.FirstSeenAt);
        LastSeenAt = Max(LastSeenAt, other.LastSeenAt);
        LastActivityAt = Max(LastActivityAt, other.LastActivityAt);
        CreatedAt = CreatedAt < other.CreatedAt ? CreatedAt : other.CreatedAt;
        UpdatedAt = now;
        Raise(new ContactsMerged(Id, other.Id, now));
    }

    public static string? Normalize(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

/// <summary>The editable fields of a contact, as a form or an import row supplies them.</summary>
public sealed record ContactDetails(
    string? FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> OtherEmails,
    string? Phone,
    string? JobTitle,
    Guid? CompanyId,
    Guid? OwnerId,
    string LifecycleStage,
    string? LeadSource,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, object?> CustomFields);
