using FluentValidation;
using Monfri.Domain.Cdp;

namespace Monfri.Application.Cdp.Traits;

/// <summary>A trait definition as the settings page and the REST API show it.</summary>
public sealed record ComputedTraitDto(
    Guid Id,
    string Key,
    string Name,
    TraitKind Kind,
    string? EventType,
    string? EventName,
    string? FilterPath,
    string? FilterValue,
    string? PropertyPath,
    int? WindowDays,
    TraitStatus Status,
    int Progress,
    string? StatusReason,
    long SkippedEvents,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ComputedTraitDto From(ComputedTrait t, long skipped) => new(
        t.Id, t.Key, t.Name, t.Kind, t.EventType, t.EventName, t.FilterPath, t.FilterValue, t.PropertyPath, t.WindowDays,
        t.Status, t.Progress, t.StatusReason, skipped, t.CreatedAt, t.UpdatedAt);

    /// <summary>Why some events did not count, in words (null when all did).</summary>
    public string? SkippedReason => SkippedEvents == 0 || PropertyPath is null
        ? null
        : $"{SkippedEvents:N0} matching event{(SkippedEvents == 1 ? "" : "s")} had no usable value in '{PropertyPath}' "
          + (ComputedTrait.IsNumeric(Kind) ? "(missing, or not a number)" : "(missing, or not a plain value)") + " and did not count.";
}

/// <summary>What a user enters for a trait. The key is only read on creation.</summary>
public sealed record ComputedTraitInput
{
    public string Key { get; init; } = "";
    public string Name { get; init; } = "";
    public TraitKind Kind { get; init; }
    public string? EventType { get; init; }
    public string? EventName { get; init; }
    public string? FilterPath { get; init; }
    public string? FilterValue { get; init; }
    public string? PropertyPath { get; init; }
    public int? WindowDays { get; init; }

    public TraitDefinition Definition => new TraitDefinition(Kind, EventType, EventName, FilterPath, FilterValue, PropertyPath, WindowDays).Normalized();
}

/// <summary>The rules of a definition, for creating and editing alike; field names match the input's (camelCase).</summary>
public sealed class ComputedTraitInputValidator : AbstractValidator<ComputedTraitInput>
{
    public ComputedTraitInputValidator()
    {
        RuleFor(i => i.Name).NotEmpty().WithMessage("Give the trait a name, e.g. Total revenue.").MaximumLength(ComputedTrait.MaxNameLength);
        RuleFor(i => i.Kind).IsInEnum();
        RuleFor(i => i.EventType)
            .Must(t => string.IsNullOrWhiteSpace(t) || ComputedTrait.EventTypes.Contains(t.Trim().ToLowerInvariant()))
            .WithMessage($"The event type is one of {string.Join(", ", ComputedTrait.EventTypes)} (or empty for any).");
        RuleFor(i => i.EventName).MaximumLength(ComputedTrait.MaxEventNameLength);
        RuleFor(i => i.PropertyPath)
            .NotEmpty().When(i => ComputedTrait.NeedsProperty(i.Kind))
            .WithMessage("Say which property to read, e.g. revenue or product.category.");
        RuleFor(i => i.PropertyPath)
            .Must(ComputedTrait.IsValidPath).When(i => ComputedTrait.NeedsProperty(i.Kind) && !string.IsNullOrWhiteSpace(i.PropertyPath))
            .WithMessage("A property path is property names joined by dots, e.g. product.category.");
        RuleFor(i => i.FilterPath)
            .Must(ComputedTrait.IsValidPath).When(i => !string.IsNullOrWhiteSpace(i.FilterPath))
            .WithMessage("A filter property is property names joined by dots, e.g. plan or product.category.");
        RuleFor(i => i.FilterValue).MaximumLength(ComputedTrait.MaxFilterValueLength);
        RuleFor(i => i.FilterValue).NotEmpty().When(i => !string.IsNullOrWhiteSpace(i.FilterPath))
            .WithMessage("Say which value the filter property must have.");
        RuleFor(i => i.WindowDays)
            .InclusiveBetween(1, ComputedTrait.MaxWindowDays).When(i => i.WindowDays is not null)
            .WithMessage($"A window is 1 to {ComputedTrait.MaxWindowDays} days; leave it empty for all time.");
    }
}

/// <summary>One computed trait's value on a profile.</summary>
public sealed record TraitValueDto(Guid TraitId, string Key, string Name, TraitKind Kind, int? WindowDays, TraitStatus Status, System.Text.Json.JsonElement? Value)
{
    /// <summary>The value as a short text for screens: numbers without trailing zeros, strings as they are.</summary>
    public string Display => Value is not { } v ? "—" : v.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => v.GetString() ?? "",
        // Thousands grouped (12,480.5); a number beyond decimal's range in scientific notation rather than 300 digits.
        System.Text.Json.JsonValueKind.Number => v.TryGetDecimal(out var d) ? d.ToString("#,##0.####", System.Globalization.CultureInfo.InvariantCulture)
            : v.TryGetDouble(out var big) ? big.ToString("0.###E+0", System.Globalization.CultureInfo.InvariantCulture) : v.GetRawText(),
        System.Text.Json.JsonValueKind.True => "yes",
        System.Text.Json.JsonValueKind.False => "no",
        System.Text.Json.JsonValueKind.Null => "—",
        _ => v.GetRawText(),
    };
}

/// <summary>Where a person came from one time: a tagged campaign, a search engine, a social network, a referring site or direct.</summary>
public sealed record TouchDto(DateTimeOffset At, string Source, string Medium, string? Campaign)
{
    /// <summary>The marketing channel (<see cref="TouchChannel"/>): "Paid search", "Organic search", "Paid social", "Referral", "Direct" …</summary>
    public string Channel => TouchChannel.Of(Source, Medium);
}

/// <summary>Built-in traits every profile has.</summary>
public sealed record BuiltInTraitsDto(DateTimeOffset? FirstSeenAt, DateTimeOffset? LastSeenAt, long TotalEvents, TouchDto? FirstTouch, TouchDto? LastTouch);

/// <summary>A profile's built-in and computed traits.</summary>
public sealed record PersonTraitsDto(Guid PersonId, BuiltInTraitsDto BuiltIn, IReadOnlyList<TraitValueDto> Computed, IReadOnlyList<IdentifyTraitDto> Identify);

/// <summary>One trait of a person's latest identify calls, its value as text (objects and lists as JSON).</summary>
public sealed record IdentifyTraitDto(string Name, string Value)
{
    public static IReadOnlyList<IdentifyTraitDto> From(string? json)
    {
        if (json is null)
        {
            return [];
        }

        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject()
            .Select(p => new IdentifyTraitDto(p.Name, p.Value.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String => p.Value.GetString()!,
                System.Text.Json.JsonValueKind.Null => "—",
                _ => p.Value.GetRawText(),
            }))
            .OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
