using Monfri.Domain.Common;

namespace Monfri.Domain.Crm;

/// <summary>An organisation people work for and deals are made with. Its domain identifies it (unique when set).</summary>
public sealed class Company : Entity, IBulkEditable
{
    private Company()
    {
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>Bare host name, lower-cased, without scheme or "www." (e.g. <c>acme.com</c>).</summary>
    public string? Domain { get; private set; }

    public string? Industry { get; private set; }
    public string? Size { get; private set; }
    public Guid? OwnerId { get; private set; }
    public List<string> Tags { get; private set; } = [];
    public Dictionary<string, object?> CustomFields { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? LastActivityAt { get; private set; }
    public uint Version { get; private set; }

    public static Company Create(CompanyDetails details, DateTimeOffset now)
    {
        var company = new Company { Id = Guid.CreateVersion7(now), CreatedAt = now };
        company.Apply(details, now);
        company.Raise(new CompanyCreated(company.Id, company.Name, company.OwnerId, now));
        return company;
    }

    /// <summary>An edit of the company's fields (<see cref="Apply"/>, announced).</summary>
    public void Update(CompanyDetails details, DateTimeOffset now)
    {
        var previousOwner = OwnerId;
        Apply(details, now);
        Raise(new CompanyUpdated(Id, OwnerId, previousOwner, now));
    }

    /// <summary>
    /// Replaces the editable fields. Not announced: a merge announces itself through <see cref="Absorb"/>, an import as
    /// a job; an edit goes through <see cref="Update"/>.
    /// </summary>
    public void Apply(CompanyDetails details, DateTimeOffset now)
    {
        Name = details.Name.Trim();
        Domain = NormalizeDomain(details.Domain);
        Industry = string.IsNullOrWhiteSpace(details.Industry) ? null : details.Industry.Trim();
        Size = string.IsNullOrWhiteSpace(details.Size) ? null : details.Size.Trim();
        OwnerId = details.OwnerId;
        Tags = details.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        CustomFields = new Dictionary<string, object?>(details.CustomFields);
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
    /// Takes what <paramref name="other"/> has that this company lacks (tags, empty custom fields) when two
    /// records turn out to be one company. Chosen field values were applied before through <see cref="Apply"/>.
    /// </summary>
    public void Absorb(Company other, DateTimeOffset now)
    {
        if (other.Id == Id)
        {
            throw new DomainException("A company cannot absorb itself.");
        }

        Tags = Tags.Concat(other.Tags).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var (key, value) in other.CustomFields)
        {
            CustomFields.TryAdd(key, value);
        }

        if (other.LastActivityAt is { } last && (LastActivityAt is null || last > LastActivityAt))
        {
            LastActivityAt = last;
        }

        CreatedAt = CreatedAt < other.CreatedAt ? CreatedAt : other.CreatedAt;
        UpdatedAt = now;
        Raise(new CompaniesMerged(Id, other.Id, now));
    }

    /// <summary>"https://www.Acme.com/about" → "acme.com"; null when empty.</summary>
    public static string? NormalizeDomain(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim().ToLowerInvariant();
        var host = Uri.TryCreate(text.Contains("://", StringComparison.Ordinal) ? text : $"http://{text}", UriKind.Absolute, out var uri)
            ? uri.Host
            : text;
        return host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
    }
}

public sealed record CompanyDetails(
    string Name,
    string? Domain,
    string? Industry,
    string? Size,
    Guid? OwnerId,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, object?> CustomFields);
