using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Contacts;

/// <summary>A row of the contacts list: the columns a user can show.</summary>
public sealed record ContactListItem(
    Guid Id,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? JobTitle,
    Guid? CompanyId,
    string? CompanyName,
    Guid? OwnerId,
    string? OwnerName,
    string LifecycleStage,
    string? LeadSource,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, object?> CustomFields,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastActivityAt)
{
    public string DisplayName => PersonName.Display(FirstName, LastName, Email);
}

/// <summary>A contact with everything its record page shows.</summary>
public sealed record ContactDetail(
    Guid Id,
    string? FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> OtherEmails,
    string? Phone,
    string? JobTitle,
    Guid? CompanyId,
    string? CompanyName,
    Guid? OwnerId,
    string? OwnerName,
    string LifecycleStage,
    string? LeadSource,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, object?> CustomFields,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastActivityAt,
    uint Version,
    IReadOnlyList<RelatedDeal> Deals)
{
    public string DisplayName => PersonName.Display(FirstName, LastName, Email);
}

public sealed record RelatedDeal(Guid Id, string Name, decimal? Amount, string Currency, string Status, string StageName);

/// <summary>The editable fields of a contact as a form or the API sends them.</summary>
public record ContactInput
{
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public IReadOnlyList<string> OtherEmails { get; init; } = [];
    public string? Phone { get; init; }
    public string? JobTitle { get; init; }
    public Guid? CompanyId { get; init; }
    public Guid? OwnerId { get; init; }
    public string? LifecycleStage { get; init; }
    public string? LeadSource { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyDictionary<string, object?> CustomFields { get; init; } = new Dictionary<string, object?>();
}

/// <summary>A record that may be the same person as the one being created or imported.</summary>
public sealed record PossibleDuplicate(Guid Id, string DisplayName, string? Email, string? CompanyName, string Reason);
