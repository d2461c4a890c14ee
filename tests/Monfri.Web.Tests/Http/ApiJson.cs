using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monfri.Web.Tests.Http;

/// <summary>How the API writes JSON (camelCase, enums by name), for tests that read typed answers.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}
