using FluentValidation;
using Monfri.Domain.Cdp;

namespace Monfri.Application.Cdp.Sources;

public sealed record SourceDto(
    Guid Id, string Name, SourceKind Kind, string WriteKey, bool Enabled, IReadOnlyList<string> AllowedOrigins, DateTimeOffset CreatedAt)
{
    public static SourceDto From(Source s) => new(s.Id, s.Name, s.Kind, s.WriteKey, s.Enabled, s.AllowedOrigins, s.CreatedAt);
}

/// <summary>The editable fields of a source.</summary>
public sealed record SourceInput(string Name, SourceKind Kind, IReadOnlyList<string>? AllowedOrigins, bool Enabled = true);

public sealed class SourceInputValidator : AbstractValidator<SourceInput>
{
    public SourceInputValidator()
    {
        RuleFor(i => i.Name).NotEmpty().WithMessage("Give the source a name, e.g. the website it tracks.")
            .MaximumLength(Source.MaxNameLength);
        RuleFor(i => i.Kind).IsInEnum();
        RuleForEach(i => i.AllowedOrigins)
            .Must(o => Uri.TryCreate(o, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/")
            .WithMessage("An allowed origin looks like https://www.example.com (scheme, host and optional port, no path).")
            .OverridePropertyName("allowedOrigins");
    }
}
