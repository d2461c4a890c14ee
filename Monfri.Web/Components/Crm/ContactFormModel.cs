using Monfri.Application.Crm.Contacts;

namespace Monfri.Web.Components.Crm;

/// <summary>A contact as a form edits it (tags and other emails as comma-separated text).</summary>
public sealed class ContactFormModel
{
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? OtherEmails { get; set; }
    public string? Phone { get; set; }
    public string? JobTitle { get; set; }
    public CompanyOption? Company { get; set; }
    public Guid? OwnerId { get; set; }
    public string? LifecycleStage { get; set; }
    public string? LeadSource { get; set; }
    public string? Tags { get; set; }
    public Dictionary<string, object?> CustomFields { get; set; } = [];

    public static ContactFormModel From(ContactDetail c) => new()
    {
        FirstName = c.FirstName,
        LastName = c.LastName,
        Email = c.Email,
        OtherEmails = string.Join(", ", c.OtherEmails),
        Phone = c.Phone,
        JobTitle = c.JobTitle,
        Company = c.CompanyId is { } id ? new CompanyOption(id, c.CompanyName ?? "") : null,
        OwnerId = c.OwnerId,
        LifecycleStage = c.LifecycleStage,
        LeadSource = c.LeadSource,
        Tags = string.Join(", ", c.Tags),
        CustomFields = new Dictionary<string, object?>(c.CustomFields),
    };

    public T ToInput<T>(T input) where T : ContactInput => input with
    {
        FirstName = FirstName,
        LastName = LastName,
        Email = Email,
        OtherEmails = Split(OtherEmails),
        Phone = Phone,
        JobTitle = JobTitle,
        CompanyId = Company?.Id,
        OwnerId = OwnerId,
        LifecycleStage = LifecycleStage,
        LeadSource = LeadSource,
        Tags = Split(Tags),
        CustomFields = CustomFields,
    };

    public static IReadOnlyList<string> Split(string? text) =>
        (text ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A company in a picker.</summary>
public sealed record CompanyOption(Guid Id, string Name)
{
    public override string ToString() => Name;
}
