namespace Monfri.Infrastructure.Identity;

/// <summary>Monfri:Bootstrap — what a deployment provisions at start-up without clicking.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Monfri:Bootstrap";

    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
    public string? AdminApiToken { get; set; }
}

/// <summary>What start-up did about the first admin, for the console banner.</summary>
public sealed record BootstrapReport(string AdminEmail, string? GeneratedPassword, bool Created, bool PasswordFromConfiguration);
