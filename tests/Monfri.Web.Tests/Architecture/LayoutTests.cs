using Monfri.TestSupport;

namespace Monfri.Web.Tests.Architecture;

/// <summary>
/// One layout (decision 019): a use case is a folder under its feature, holding one file named after it with its
/// message, validator, result and the one handler; a feature has one name in Application, Web/Features and
/// Web/Endpoints. A reader who knows one feature's folders knows every feature's.
/// </summary>
public sealed class LayoutTests
{
    /// <summary>Application folders that group features rather than being one (the CRM and event collection).</summary>
    public static readonly HashSet<string> Modules = ["Crm", "Cdp"];

    /// <summary>Web folders with no use cases behind them: sign-in pages and the home dashboards read other features.</summary>
    public static readonly HashSet<string> WebOnlyFeatures = ["Account", "Home"];

    private static readonly System.Reflection.Assembly Application = typeof(Monfri.Application.DependencyInjection).Assembly;

    /// <summary>A handler as the rule sees it: its type, the messages it handles, and whether its file is where the rule puts it.</summary>
    public sealed record HandlerShape(string Name, string Namespace, IReadOnlyList<(string Name, string Namespace)> Messages, bool FileExists);

    /// <summary>What is wrong with where the handlers are; empty when every one follows the convention.</summary>
    public static IReadOnlyList<string> HandlerProblems(IEnumerable<HandlerShape> handlers)
    {
        var problems = new List<string>();
        var list = handlers.ToList();
        foreach (var h in list)
        {
            if (h.Messages.Count != 1)
            {
                problems.Add($"{h.Namespace}.{h.Name} handles {h.Messages.Count} messages ({string.Join(", ", h.Messages.Select(m => m.Name))}); one handler per use case.");
                continue;
            }

            var message = h.Messages[0];
            var useCase = UseCaseOf(message.Name);
            if (useCase is null)
            {
                problems.Add($"{message.Namespace}.{message.Name} is named neither …Command nor …Query.");
                continue;
            }

            if (h.Name != useCase + "Handler")
            {
                problems.Add($"{h.Namespace}.{h.Name} handles {message.Name}; name it {useCase}Handler.");
            }

            if (h.Namespace != message.Namespace)
            {
                problems.Add($"{h.Name} ({h.Namespace}) and {message.Name} ({message.Namespace}) live apart; a use case's message and handler share one file.");
            }

            var segments = h.Namespace.Split('.');
            var feature = segments.Length >= 4 ? segments[^2] : null;
            var featureDepthOk = segments.Length == 4 && !Modules.Contains(segments[2])
                                 || segments.Length == 5 && Modules.Contains(segments[2]);
            if (segments[^1] != useCase || !featureDepthOk || feature is null or "Common" || Modules.Contains(feature))
            {
                problems.Add($"{h.Namespace}.{h.Name} is not in a use-case folder: expected Monfri.Application[.Crm|.Cdp].<Feature>.{useCase}.");
            }
            else if (!h.FileExists)
            {
                problems.Add($"{h.Name} is not in {string.Join('/', segments.Skip(1))}/{useCase}.cs; the file is named after its use case.");
            }
        }

        problems.AddRange(list.GroupBy(h => h.Namespace).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} holds {g.Count()} handlers ({string.Join(", ", g.Select(h => h.Name))}); a use-case folder holds one."));
        return problems;
    }

    /// <summary>What is wrong with the Web folder names; empty when each names a feature of the Application layer.</summary>
    public static IReadOnlyList<string> FeatureFolderProblems(IReadOnlySet<string> applicationFeatures, IEnumerable<string> webFolders) =>
        webFolders
            .Where(folder => !applicationFeatures.Contains(Path.GetFileName(folder)) && !WebOnlyFeatures.Contains(Path.GetFileName(folder)))
            .Select(folder => $"{folder} names no feature of Monfri.Application; use the feature's name in every layer ({string.Join(", ", applicationFeatures.Order())}).")
            .ToList();

    private static string? UseCaseOf(string messageName) =>
        messageName.EndsWith("Command", StringComparison.Ordinal) ? messageName[..^"Command".Length]
        : messageName.EndsWith("Query", StringComparison.Ordinal) ? messageName[..^"Query".Length]
        : null;

    private static IEnumerable<HandlerShape> ApplicationHandlers() =>
        Application.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .Select(t => (Type: t, Messages: t.GetInterfaces()
                .Where(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(global::Mediator.ICommandHandler<,>) || i.GetGenericTypeDefinition() == typeof(global::Mediator.IQueryHandler<,>)))
                .Select(i => i.GetGenericArguments()[0]).Distinct().ToList()))
            .Where(x => x.Messages.Count > 0)
            .Select(x => new HandlerShape(x.Type.Name, x.Type.Namespace!, x.Messages.Select(m => (m.Name, m.Namespace!)).ToList(), DeclaredInItsFile(x.Type)));

    private static bool DeclaredInItsFile(Type handler)
    {
        var segments = handler.Namespace!.Split('.');
        var file = Path.Combine([RepoPaths.Root, "Monfri.Application", .. segments.Skip(2), segments[^1] + ".cs"]);
        return File.Exists(file) && File.ReadAllText(file).Contains($"class {handler.Name}(", StringComparison.Ordinal);
    }

    private static IReadOnlySet<string> ApplicationFeatures()
    {
        var root = Path.Combine(RepoPaths.Root, "Monfri.Application");
        var features = new HashSet<string>();
        foreach (var dir in Folders(root))
        {
            var name = Path.GetFileName(dir);
            if (Modules.Contains(name))
            {
                features.UnionWith(Folders(dir).Select(Path.GetFileName).Where(n => n != "Common")!);
            }
            else if (name != "Common")
            {
                features.Add(name);
            }
        }

        return features;
    }

    // A folder with no source left in it (a move leaves it behind in a working copy; git does not keep it) is no feature.
    private static IEnumerable<string> Folders(string path) =>
        Directory.EnumerateDirectories(path)
            .Where(d => Path.GetFileName(d) is not ("bin" or "obj" or "Properties")
                        && Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Any(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)));

    [Fact]
    public void Every_handler_sits_alone_in_the_folder_of_its_use_case()
    {
        var handlers = ApplicationHandlers().ToList();
        Assert.NotEmpty(handlers);
        Assert.Empty(HandlerProblems(handlers));
    }

    [Fact]
    public void Every_web_feature_folder_is_named_as_its_application_feature()
    {
        var web = Path.Combine(RepoPaths.Root, "Monfri.Web");
        var folders = new[] { "Features", "Endpoints" }
            .SelectMany(layer => Folders(Path.Combine(web, layer)).Select(d => $"Monfri.Web/{layer}/{Path.GetFileName(d)}"));
        Assert.Empty(FeatureFolderProblems(ApplicationFeatures(), folders));
    }

    [Fact]
    public void A_flat_file_a_use_cases_bundle_and_a_misnamed_handler_are_each_reported()
    {
        var problems = HandlerProblems([
            new("SaveSegmentHandler", "Monfri.Application.Segments", [("SaveSegmentCommand", "Monfri.Application.Segments")], true),
            new("SourceUseCases", "Monfri.Application.Cdp.Sources.ListSources",
                [("ListSourcesQuery", "Monfri.Application.Cdp.Sources.ListSources"), ("GetSourceQuery", "Monfri.Application.Cdp.Sources.ListSources")], true),
            new("Handler", "Monfri.Application.Crm.Deals.GetBoard", [("GetBoardQuery", "Monfri.Application.Crm.Deals.GetBoard")], true),
            new("ListJobsHandler", "Monfri.Application.Jobs.ListJobs", [("ListJobsQuery", "Monfri.Application.Jobs.ListJobs")], false),
        ]);

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("SaveSegmentHandler is not in a use-case folder", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("SourceUseCases handles 2 messages", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("name it GetBoardHandler", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Jobs/ListJobs/ListJobs.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_handlers_in_one_use_case_folder_are_reported()
    {
        var problems = HandlerProblems([
            new("GetBoardHandler", "Monfri.Application.Crm.Deals.GetBoard", [("GetBoardQuery", "Monfri.Application.Crm.Deals.GetBoard")], true),
            new("GetBoardHandler", "Monfri.Application.Crm.Deals.GetBoard", [("GetBoardQuery", "Monfri.Application.Crm.Deals.GetBoard")], true),
        ]);

        Assert.Equal(["Monfri.Application.Crm.Deals.GetBoard holds 2 handlers (GetBoardHandler, GetBoardHandler); a use-case folder holds one."], problems);
    }

    [Fact]
    public void A_web_folder_named_differently_from_its_feature_is_reported()
    {
        var problems = FeatureFolderProblems(new HashSet<string> { "Imports", "Deals" },
            ["Monfri.Web/Features/Import", "Monfri.Web/Features/Deals", "Monfri.Web/Endpoints/Imports", "Monfri.Web/Features/Home"]);

        Assert.Equal(["Monfri.Web/Features/Import names no feature of Monfri.Application; use the feature's name in every layer (Deals, Imports)."], problems);
    }
}
