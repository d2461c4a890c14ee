using System.Text.Json;

namespace Monfri.Application.Common.Live;

/// <summary>
/// One change pushed to screens: <see cref="Kind"/> says what happened (e.g. <c>deal.moved</c>),
/// <see cref="Data"/> carries what a screen needs to apply it without a reload. When <see cref="Data"/>
/// could not be carried (too large for the cross-node transport) <see cref="Truncated"/> is set and the
/// screen reloads its state instead. <see cref="Scope"/> names the owned record an update is about, so viewers
/// limited to their own records only receive their own (see <see cref="ILiveAudience"/>).
/// </summary>
public sealed record LiveUpdate(
    string Topic,
    string Kind,
    JsonElement Data,
    DateTimeOffset PublishedAt,
    bool Truncated = false,
    LiveScope? Scope = null)
{
    public T? DataAs<T>() => Truncated ? default : Data.Deserialize<T>(LiveJson.Options);
}

public static class LiveJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static JsonElement ToElement(object? data) =>
        data is JsonElement element ? element : JsonSerializer.SerializeToElement(data, Options);
}
