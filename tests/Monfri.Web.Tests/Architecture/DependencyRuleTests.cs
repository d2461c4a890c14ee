using NetArchTest.Rules;

namespace Monfri.Web.Tests.Architecture;

/// <summary>Dependencies point inward only (DESIGN.md §1): Web → Application/Infrastructure → Domain.</summary>
public sealed class DependencyRuleTests
{
    private static readonly System.Reflection.Assembly Domain = typeof(Monfri.Domain.Common.Entity).Assembly;
    private static readonly System.Reflection.Assembly Application = typeof(Monfri.Application.DependencyInjection).Assembly;
    private static readonly System.Reflection.Assembly Infrastructure = typeof(Monfri.Infrastructure.DependencyInjection).Assembly;
    private static readonly System.Reflection.Assembly Web = typeof(Monfri.Web.DependencyInjection).Assembly;

    private static void AssertNoDependency(System.Reflection.Assembly assembly, params string[] forbidden)
    {
        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful, $"{assembly.GetName().Name} depends on {string.Join(", ", forbidden)} in: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Domain_references_nothing_of_ours_and_no_framework_plumbing()
    {
        AssertNoDependency(Domain, "Monfri.Application", "Monfri.Infrastructure", "Monfri.Web", "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Npgsql");
        Assert.DoesNotContain(Domain.GetReferencedAssemblies(), a => a.Name!.StartsWith("Monfri", StringComparison.Ordinal));
    }

    [Fact]
    public void Application_references_only_the_domain()
    {
        AssertNoDependency(Application, "Monfri.Infrastructure", "Monfri.Web", "Microsoft.AspNetCore", "Npgsql", "MudBlazor");
        Assert.Equal(["Monfri.Domain"], Application.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Monfri", StringComparison.Ordinal)));
    }

    [Fact]
    public void Infrastructure_never_references_the_web_layer()
    {
        AssertNoDependency(Infrastructure, "Monfri.Web", "MudBlazor");
        Assert.DoesNotContain(Infrastructure.GetReferencedAssemblies(), a => a.Name == "Monfri.Web");
    }

    [Fact]
    public void Every_use_case_message_lives_in_the_application_layer()
    {
        var messages = Types.InAssembly(Web).That().ImplementInterface(typeof(global::Mediator.IMessage)).GetTypes();
        Assert.Empty(messages);
    }

    [Fact]
    public void Every_command_and_query_returns_a_result()
    {
        var wrong = Application.GetTypes()
            .Where(t => !t.IsAbstract)
            .SelectMany(t => t.GetInterfaces().Where(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(global::Mediator.ICommand<>) || i.GetGenericTypeDefinition() == typeof(global::Mediator.IQuery<>))).Select(i => (t, i)))
            .Where(x => !typeof(Monfri.Application.Common.Results.Result).IsAssignableFrom(x.i.GetGenericArguments()[0]))
            .Select(x => x.t.Name)
            .ToList();
        Assert.Empty(wrong);
    }
}
