namespace Monfri.Domain.Cdp;

/// <summary>
/// One identifier (type, value) and the one live profile (a row of <c>people</c>) it belongs to. The pair is
/// unique, which is what keeps two workers from creating two profiles for one visitor.
/// </summary>
public sealed class ProfileIdentity
{
    private ProfileIdentity()
    {
    }

    public string Type { get; private set; } = "";
    public string Value { get; private set; } = "";
    public Guid PersonId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static ProfileIdentity Create(string type, string value, Guid personId, DateTimeOffset now) =>
        new() { Type = type, Value = value, PersonId = personId, CreatedAt = now };
}
