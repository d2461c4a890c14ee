using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Monfri.Web.Tests.Http;

/// <summary>
/// Sends every operation of the app's own OpenAPI document junk — NUL, lone surrogates, megabyte strings, huge and
/// negative numbers, wrong types — in each query and path parameter and each body field, one at a time. Nothing may
/// answer 500 or hang. Driven by the document, so a new endpoint is fuzzed without anyone listing it here.
/// The seed is fixed (MONFRI_FUZZ_SEED to change it). By default one short round (each field gets NUL, a lone
/// surrogate and one value drawn by the seed); the long run, MONFRI_FUZZ_ROUNDS=20 (or ./monfri.sh fuzz 20),
/// sends every value to every field once and then 19 more seeded rounds.
/// </summary>
public sealed class ApiFuzzTests(MonfriWebFactory factory, ITestOutputHelper output) : IClassFixture<MonfriWebFactory>
{
    private const string LoneSurrogate = "\uD800";
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(20);

    // A URI longer than ~65,000 characters cannot be built, and Kestrel refuses request lines past 8 KB anyway:
    // query strings get a long string, bodies a megabyte.
    private static readonly string LongQuery = new('q', 60_000);
    private static readonly string Megabyte = new('m', 1 << 20);

    [Fact]
    public async Task No_junk_in_any_parameter_or_body_field_makes_the_api_fail_or_hang()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MONFRI_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 20261207;
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("MONFRI_FUZZ_ROUNDS"), CultureInfo.InvariantCulture, out var r) ? r : 1;
        var random = new Random(seed);
        var client = factory.ClientWithToken(MonfriWebFactory.AdminToken);
        client.Timeout = Hang;
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var operations = Operations(document).ToList();
        Assert.True(operations.Count > 50, $"The OpenAPI document lists only {operations.Count} operations.");

        var failures = new List<string>();
        var sent = 0;
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var operation in operations)
            {
                foreach (var request in operation.Mutations(random, exhaustive: rounds > 1 && round == 0))
                {
                    sent++;
                    if (await SendAsync(client, operation, request) is { } failure)
                    {
                        failures.Add(failure);
                    }
                }
            }
        }

        output.WriteLine($"Seed {seed}, {rounds} round(s): {operations.Count} operations, {sent} requests in {clock.Elapsed.TotalSeconds:0.0} s.");
        Assert.True(failures.Count == 0, $"Seed {seed}: {failures.Count} of {sent} requests failed:\n" + string.Join("\n", failures.Take(40)));
    }

    private static async Task<string?> SendAsync(HttpClient client, Operation operation, Request request)
    {
        var message = new HttpRequestMessage(new HttpMethod(operation.Method), request.Url) { Content = request.Body?.Invoke() };
        try
        {
            using var response = await client.SendAsync(message);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                return $"{operation.Method} {operation.Path} [{request.What}] answered {status}: {Shorten(await response.Content.ReadAsStringAsync())}";
            }

            // Every refusal says why in the API's one error shape, so a client can show it.
            if (status >= 400 && !await IsProblemAsync(response))
            {
                return $"{operation.Method} {operation.Path} [{request.What}] answered {status} without a ProblemDetails body " +
                    $"({response.Content.Headers.ContentType?.MediaType ?? "no content type"}): {Shorten(await response.Content.ReadAsStringAsync())}";
            }

            return null;
        }
        catch (TaskCanceledException)
        {
            return $"{operation.Method} {operation.Path} [{request.What}] did not answer within {Hang.TotalSeconds} s.";
        }
    }

    private static async Task<bool> IsProblemAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("status", out var status) && status.GetInt32() == (int)response.StatusCode
            && problem.RootElement.TryGetProperty("title", out _);
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private static IEnumerable<Operation> Operations(JsonNode document)
    {
        var schemas = document["components"]?["schemas"]?.AsObject();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, body) in item!.AsObject())
            {
                if (method is "get" or "post" or "put" or "delete" or "patch")
                {
                    yield return new Operation(method.ToUpperInvariant(), path, body!, schemas);
                }
            }
        }
    }

    private sealed record Request(string What, string Url, Func<HttpContent>? Body);

    private sealed record Parameter(string Name, string In, Kind Kind);

    private enum Kind
    {
        String,
        Guid,
        Integer,
        Number,
        Boolean,
        Date,
        DateTime,
        Array,
        Object,
        Binary,
    }

    /// <summary>One operation of the document: its parameters, a plausible request, and that request spoiled one field at a time.</summary>
    private sealed class Operation
    {
        private readonly JsonObject? _schemas;
        private readonly List<Parameter> _parameters = [];
        private readonly JsonNode? _bodySchema;
        private readonly bool _multipart;

        public Operation(string method, string path, JsonNode operation, JsonObject? schemas)
        {
            (Method, Path, _schemas) = (method, path, schemas);
            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                var at = parameter!["in"]!.GetValue<string>();
                if (at is "query" or "path")
                {
                    _parameters.Add(new Parameter(parameter["name"]!.GetValue<string>(), at, KindOf(parameter["schema"])));
                }
            }

            var content = operation["requestBody"]?["content"]?.AsObject();
            if (content?["application/json"]?["schema"] is { } json)
            {
                _bodySchema = json;
            }
            else if (content?["multipart/form-data"]?["schema"] is { } form)
            {
                (_bodySchema, _multipart) = (form, true);
            }
        }

        public string Method { get; }

        public string Path { get; }

        public IEnumerable<Request> Mutations(Random random, bool exhaustive)
        {
            var values = _parameters.ToDictionary(p => p.Name, p => Plausible(p.Kind));
            var body = _bodySchema is null ? null : Sample(_bodySchema, 0);
            yield return Build("as documented", values, body);

            foreach (var parameter in _parameters)
            {
                foreach (var junk in Pick(random, exhaustive, QueryJunk(parameter.Kind, parameter.In == "path")))
                {
                    var spoiled = new Dictionary<string, string>(values) { [parameter.Name] = junk };
                    yield return Build($"{parameter.Name}={Describe(junk)}", spoiled, body);
                }
            }

            if (body is null)
            {
                yield break;
            }

            foreach (var (field, kind) in Fields(body, _bodySchema!, "", 0))
            {
                if (_multipart && field.Length == 0)
                {
                    // A form is fields, not one value: there is no whole body to replace.
                    continue;
                }

                foreach (var junk in Pick(random, exhaustive, BodyJunk(kind)))
                {
                    var spoiled = body.DeepClone();
                    Replace(ref spoiled, field, junk);
                    yield return Build($"{(field.Length == 0 ? "body" : field)}={Describe(junk)}", values, spoiled);
                }
            }
        }

        // The short run sends each field the two values that must never reach the database (first in each list) and
        // one other drawn by the seed; the long run sends every value.
        private static IEnumerable<T> Pick<T>(Random random, bool exhaustive, IReadOnlyList<T> junk) =>
            exhaustive ? junk : [junk[0], junk[1], junk[2 + random.Next(junk.Count - 2)]];

        private Request Build(string what, Dictionary<string, string> values, JsonNode? body)
        {
            var url = new StringBuilder();
            var rest = Path;
            foreach (var parameter in _parameters.Where(p => p.In == "path"))
            {
                rest = rest.Replace("{" + parameter.Name + "}", Escape(values[parameter.Name]), StringComparison.Ordinal);
            }

            url.Append(rest);
            var separator = '?';
            foreach (var parameter in _parameters.Where(p => p.In == "query"))
            {
                url.Append(separator).Append(Escape(parameter.Name)).Append('=').Append(Escape(values[parameter.Name]));
                separator = '&';
            }

            Func<HttpContent>? content = body is null ? null : _multipart ? () => Form(body) : () => new StringContent(Serialize(body), Encoding.UTF8, "application/json");
            return new Request(what, url.ToString(), content);
        }

        // Uri.EscapeDataString refuses a lone surrogate; as a client would, send the bytes it would have been.
        private static string Escape(string value) =>
            value.Contains(LoneSurrogate, StringComparison.Ordinal)
                ? string.Join("%ED%A0%80", value.Split(LoneSurrogate).Select(Uri.EscapeDataString))
                : Uri.EscapeDataString(value);

        // A writer will not write half a surrogate pair: it goes in as a placeholder and out as the escape a client can send.
        private static string Serialize(JsonNode body) =>
            body.ToJsonString().Replace("@LONE-SURROGATE@", "\\ud800", StringComparison.Ordinal);

        private static MultipartFormDataContent Form(JsonNode body)
        {
            var form = new MultipartFormDataContent();
            foreach (var (name, value) in body.AsObject())
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text) && text == "@FILE@")
                {
                    form.Add(new ByteArrayContent("First name,Email\nAda,ada@fuzz.test\n"u8.ToArray()), name, "fuzz.csv");
                }
                else
                {
                    form.Add(new StringContent(value is JsonValue jv && jv.TryGetValue<string>(out var t) ? t.Replace("@LONE-SURROGATE@", "\uFFFD", StringComparison.Ordinal) : value?.ToJsonString() ?? ""), name);
                }
            }

            return form;
        }

        private static string Describe(object? junk) => junk switch
        {
            null => "null",
            string text when text.Length > 100 => $"\"{text[0]}…\" ({text.Length:N0} chars)",
            string text => JsonSerializer.Serialize(text),
            JsonNode node => Shorten(node.ToJsonString()),
            _ => junk.ToString() ?? "",
        };

        private static string Plausible(Kind kind) => kind switch
        {
            Kind.Guid => Guid.NewGuid().ToString(),
            Kind.Integer or Kind.Number => "1",
            Kind.Boolean => "true",
            Kind.Date => "2030-01-31",
            Kind.DateTime => "2030-01-31T10:00:00Z",
            _ => "fuzz",
        };

        private static IReadOnlyList<string> QueryJunk(Kind kind, bool inPath)
        {
            // A NUL in the path never reaches the app: Kestrel refuses the request line with a 400 of its own, and the
            // test host cannot even send it. In a query string it does reach the app.
            List<string> junk = inPath
                ? ["a" + LoneSurrogate + "b", new string('p', 4_000), "-1"]
                : ["a\0b", "a" + LoneSurrogate + "b", "\0", LongQuery, "", "-1"];
            junk.AddRange(kind switch
            {
                Kind.Integer or Kind.Number => ["2147483647", "-2147483648", "99999999999999999999", "1e308", "NaN", "1.5"],
                Kind.Guid => ["not-a-guid", "00000000-0000-0000-0000-000000000000"],
                Kind.Date or Kind.DateTime => ["9999-12-31", "0001-01-01", "not-a-date"],
                Kind.Boolean => ["maybe"],
                _ => ["%", "' OR 1=1 --", "*:*", "[[[["],
            });
            return junk;
        }

        private static IReadOnlyList<JsonNode?> BodyJunk(Kind kind)
        {
            List<JsonNode?> junk = [JsonValue.Create("a\0b"), JsonValue.Create("a@LONE-SURROGATE@b"), null, JsonValue.Create("\0"), JsonValue.Create(Megabyte), new JsonObject(), new JsonArray(JsonValue.Create("\0"))];
            junk.AddRange(kind switch
            {
                Kind.Integer or Kind.Number => [JsonValue.Create(long.MaxValue), JsonValue.Create(-2147483648L), JsonValue.Create(-1), JsonValue.Create(1e308), JsonValue.Create(decimal.MaxValue)],
                Kind.Boolean => [JsonValue.Create(2)],
                Kind.Array => [JsonValue.Create(true), new JsonArray(Enumerable.Range(0, 2_000).Select(i => (JsonNode?)JsonValue.Create($"x{i}")).ToArray())],
                _ => [JsonValue.Create(123456789), JsonValue.Create(true), JsonValue.Create("9999-12-31T23:59:59Z")],
            });
            return junk;
        }

        private JsonNode? Resolve(JsonNode? schema)
        {
            for (var i = 0; i < 10 && schema is not null; i++)
            {
                if (schema["$ref"]?.GetValue<string>() is { } reference)
                {
                    schema = _schemas?[reference.Split('/')[^1]];
                }
                else if ((schema["oneOf"] ?? schema["anyOf"] ?? schema["allOf"]) is JsonArray choices)
                {
                    schema = choices.FirstOrDefault(c => c?["type"]?.ToString() != "null") ?? choices.FirstOrDefault();
                }
                else
                {
                    return schema;
                }
            }

            return schema;
        }

        private Kind KindOf(JsonNode? schema)
        {
            schema = Resolve(schema);
            var types = schema?["type"] switch
            {
                JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
                JsonValue one => [one.GetValue<string>()],
                _ => schema?["properties"] is null ? [] : new List<string> { "object" },
            };
            var format = schema?["format"]?.GetValue<string>();
            return format switch
            {
                "uuid" => Kind.Guid,
                "date" => Kind.Date,
                "date-time" => Kind.DateTime,
                "binary" => Kind.Binary,
                _ when types.Contains("integer") => Kind.Integer,
                _ when types.Contains("number") => Kind.Number,
                _ when types.Contains("boolean") => Kind.Boolean,
                _ when types.Contains("array") => Kind.Array,
                _ when types.Contains("object") => Kind.Object,
                _ => Kind.String,
            };
        }

        /// <summary>A value the schema allows: enums take their first value, nested records are filled in too.</summary>
        private JsonNode? Sample(JsonNode schema, int depth)
        {
            var resolved = Resolve(schema);
            if (resolved?["enum"] is JsonArray choices && choices.FirstOrDefault(c => c is not null) is { } first)
            {
                return first.DeepClone();
            }

            switch (KindOf(resolved))
            {
                case Kind.Object when depth < 4:
                    var properties = new JsonObject();
                    foreach (var (name, property) in resolved?["properties"]?.AsObject() ?? [])
                    {
                        properties[name] = Sample(property!, depth + 1);
                    }

                    return properties;
                case Kind.Object:
                    return new JsonObject();
                case Kind.Array:
                    return resolved?["items"] is { } items && depth < 4 ? new JsonArray(Sample(items, depth + 1)) : new JsonArray();
                case Kind.Binary:
                    return JsonValue.Create("@FILE@");
                case Kind.Integer or Kind.Number:
                    return JsonValue.Create(1);
                case Kind.Boolean:
                    return JsonValue.Create(false);
                default:
                    return JsonValue.Create(Plausible(KindOf(resolved)));
            }
        }

        /// <summary>Every field of a sampled body by path (<c>stages[0].name</c>), the body itself as "".</summary>
        private IEnumerable<(string Path, Kind Kind)> Fields(JsonNode? node, JsonNode schema, string path, int depth)
        {
            var resolved = Resolve(schema);
            var kind = KindOf(resolved);
            yield return (path, kind);
            if (depth >= 4)
            {
                yield break;
            }

            if (node is JsonObject record)
            {
                foreach (var (name, value) in record)
                {
                    if (resolved?["properties"]?[name] is { } property)
                    {
                        foreach (var field in Fields(value, property, path.Length == 0 ? name : $"{path}.{name}", depth + 1))
                        {
                            yield return field;
                        }
                    }
                }
            }
            else if (node is JsonArray { Count: > 0 } list && resolved?["items"] is { } items)
            {
                foreach (var field in Fields(list[0], items, $"{path}[0]", depth + 1))
                {
                    yield return field;
                }
            }
        }

        private static void Replace(ref JsonNode? body, string path, JsonNode? junk)
        {
            if (path.Length == 0)
            {
                body = junk?.DeepClone();
                return;
            }

            JsonNode parent = body!;
            var steps = path.Replace("[0]", ".[0]", StringComparison.Ordinal).Split('.');
            for (var i = 0; i < steps.Length; i++)
            {
                var last = i == steps.Length - 1;
                var value = junk?.DeepClone();
                if (steps[i] == "[0]")
                {
                    if (last)
                    {
                        parent.AsArray()[0] = value;
                    }
                    else
                    {
                        parent = parent.AsArray()[0]!;
                    }
                }
                else if (last)
                {
                    parent.AsObject()[steps[i]] = value;
                }
                else
                {
                    parent = parent.AsObject()[steps[i]]!;
                }
            }
        }
    }
}
