using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace Monfri.Application.Common.Text;

/// <summary>
/// Text that PostgreSQL cannot store: it refuses U+0000 in <c>text</c> and <c>jsonb</c>, and a lone UTF-16
/// surrogate (half of an emoji) has no UTF-8 form, so Npgsql cannot even send it. Either, reaching the
/// database, failed a request with a 500; found here first, it is a field error the sender can act on.
/// </summary>
public static class StorableText
{
    public const string NulProblem = "Contains a NUL character (\\u0000), which cannot be stored; remove it.";
    public const string SurrogateProblem = "Contains a lone UTF-16 surrogate (half of a character such as an emoji), which cannot be stored.";

    // Deeper than any message we send: a guard against walking a cycle, not a limit anyone meets.
    private const int MaxDepth = 16;

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    /// <summary>Why <paramref name="value"/> cannot be stored, or null when it can.</summary>
    public static string? Problem(ReadOnlySpan<char> value)
    {
        if (value.Contains('\0'))
        {
            return NulProblem;
        }

        for (var i = value.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0; i = Next(value, i + 2))
        {
            if (!char.IsHighSurrogate(value[i]) || i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1]))
            {
                return SurrogateProblem;
            }
        }

        return null;

        static int Next(ReadOnlySpan<char> value, int from) =>
            from >= value.Length ? -1 : value[from..].IndexOfAnyInRange('\uD800', '\uDFFF') is var at and >= 0 ? from + at : -1;
    }

    /// <summary>
    /// Every string in a message (its properties, nested records, lists, dictionary keys and values, JSON values)
    /// that cannot be stored, by field path as validators name fields (<c>Filter.Search</c>, <c>Tags[2]</c>,
    /// <c>CustomFields[tier]</c>).
    /// </summary>
    public static IReadOnlyList<(string Field, string Problem)> FindIn(object message)
    {
        var found = new List<(string, string)>();
        Walk(message, "", found, 0);
        return found;
    }

    private static void Walk(object? value, string path, List<(string, string)> found, int depth)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                Add(Problem(text), path, found);
                return;
            case JsonElement json:
                WalkJson(json, path, found);
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = entry.Key as string ?? Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    if (Problem(key) is { } keyProblem)
                    {
                        Add("A key " + char.ToLowerInvariant(keyProblem[0]) + keyProblem[1..], path, found);
                        continue;
                    }

                    Walk(entry.Value, $"{path}[{key}]", found, depth + 1);
                }

                return;
        }

        var type = value.GetType();
        // An array of numbers (a file's bytes) holds no text, and walking it item by item would box each one.
        if (type.IsPrimitive || type.IsEnum || depth > MaxDepth || type.GetElementType() is { IsPrimitive: true })
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var index = 0;
            foreach (var item in items)
            {
                Walk(item, $"{path}[{index++}]", found, depth + 1);
            }

            return;
        }

        // Only our own messages, filters and DTOs are walked: a Guid, a date or a Stream holds no text to store.
        if (type.Namespace?.StartsWith("Monfri.", StringComparison.Ordinal) != true)
        {
            return;
        }

        foreach (var property in Properties.GetOrAdd(type, Readable))
        {
            Walk(property.GetValue(value), path.Length == 0 ? property.Name : $"{path}.{property.Name}", found, depth + 1);
        }
    }

    private static void WalkJson(JsonElement json, string path, List<(string, string)> found)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                Add(JsonStringProblem(json), path, found);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in json.EnumerateArray())
                {
                    WalkJson(item, $"{path}[{index++}]", found);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    if (Problem(property.Name) is { } keyProblem)
                    {
                        Add("A key " + char.ToLowerInvariant(keyProblem[0]) + keyProblem[1..], path, found);
                        continue;
                    }

                    WalkJson(property.Value, $"{path}.{property.Name}", found);
                }

                break;
        }
    }

    private static string? JsonStringProblem(JsonElement json)
    {
        try
        {
            return Problem(json.GetString());
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") parses as JSON but cannot become a .NET string.
            return SurrogateProblem;
        }
    }

    private static void Add(string? problem, string path, List<(string, string)> found)
    {
        if (problem is not null)
        {
            found.Add((path, problem));
        }
    }

    private static PropertyInfo[] Readable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.GetMethod!.IsPublic
                // A record's compiler-made EqualityContract is protected; a computed property that reaches for services is not ours to call.
                && p.Name != "EqualityContract")
            .ToArray();
}
