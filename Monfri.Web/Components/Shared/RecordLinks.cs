namespace Monfri.Web.Components.Shared;

/// <summary>Where a CRM record's page is. An activity on several records links to its contact, else its deal, else its company.</summary>
public static class RecordLinks
{
    public static string Contact(Guid id) => $"/contacts/{id}";

    public static string Company(Guid id) => $"/companies/{id}";

    public static string Deal(Guid id) => $"/deals/{id}";

    public static string? For(Guid? personId, Guid? dealId, Guid? companyId) =>
        personId is { } p ? Contact(p) : dealId is { } d ? Deal(d) : companyId is { } c ? Company(c) : null;
}
