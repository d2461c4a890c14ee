namespace Monfri.Domain.Cdp;

/// <summary>
/// An identifier value an Admin has declared meaningless (e.g. a test account's id shared by every QA run,
/// "guest"), on top of the built-in junk list: events carrying it are resolved as if it were absent.
/// </summary>
public sealed class BlockedIdentifier
{
    private BlockedIdentifier()
    {
    }

    public string Value { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public static BlockedIdentifier Create(string value, DateTimeOffset now) => new() { Value = value.Trim(), CreatedAt = now };
}
