namespace Monfri.Application.Crm.Companies;

public sealed record CompanyListItem(
    Guid Id,
    string Name,
    string? Domain,
    string? Industry,
    string? Size,
    Guid? OwnerId,
    string? OwnerName,
    int ContactCount,
    int OpenDealCount,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, object?> CustomFields,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastActivityAt);

public sealed record CompanyDetail(
    Guid Id,
    string Name,
    string? Domain,
    string? Industry,
    string? Size,
    Guid? OwnerId,
    string? OwnerName,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, object?> CustomFields,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastActivityAt,
    uint Version,
    IReadOnlyList<CompanyContact> Contacts,
    IReadOnlyList<Contacts.RelatedDeal> Deals);

public sealed record CompanyContact(Guid Id, string DisplayName, string? Email, string? JobTitle);

/// <summary>The editable fields of a company.</summary>
public record CompanyInput
{
    public string Name { get; init; } = "";
    public string? Domain { get; init; }
    public string? Industry { get; init; }
    public string? Size { get; init; }
    public Guid? OwnerId { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyDictionary<string, object?> CustomFields { get; init; } = new Dictionary<string, object?>();
}

/// <summary>A company that may be the same as the one being entered or viewed.</summary>
public sealed record PossibleCompanyDuplicate(Guid Id, string Name, string? Domain, string Reason);
