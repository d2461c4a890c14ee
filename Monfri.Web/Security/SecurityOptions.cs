namespace Monfri.Web.Security;

/// <summary>Monfri:Security.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Monfri:Security";

    /// <summary>Minutes without activity after which a user is signed out.</summary>
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>How often an open Blazor session re-checks that its user is still active and unchanged.</summary>
    public int RevalidateSeconds { get; set; } = 30;
}
