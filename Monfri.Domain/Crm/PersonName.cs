namespace Monfri.Domain.Crm;

/// <summary>
/// How a person is named on every screen, in the API and in history entries: their name, else their email, else
/// what they are. One function, so a list, a link and a record page never disagree about the same person.
/// </summary>
public static class PersonName
{
    public const string UnnamedContact = "Unnamed contact";
    public const string AnonymousVisitor = "Anonymous visitor";

    /// <summary>First and last name, else the email, else "Unnamed contact" (or "Anonymous visitor" for someone who is not a contact).</summary>
    public static string Display(string? firstName, string? lastName, string? email, bool isContact = true) =>
        OrFallback($"{firstName} {lastName}".Trim(), email, isContact);

    /// <summary>A name already put together (e.g. by a query); when empty, the email, else what the person is.</summary>
    public static string OrFallback(string name, string? email, bool isContact = true) =>
        name.Length > 0 ? name : email ?? (isContact ? UnnamedContact : AnonymousVisitor);
}
