using System.ComponentModel;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.TestSupport;
using RouteAttribute = Microsoft.AspNetCore.Components.RouteAttribute;

namespace Monfri.Web.Tests.Architecture;

/// <summary>
/// Rights are data: one role → permission table (<see cref="RolePermissions"/>), one permission per message, page and
/// live topic. docs/security.md is that matrix, generated here; these tests keep it and the code in step.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private const string WriteDocVariable = "MONFRI_WRITE_SECURITY_DOC";

    private static readonly Assembly Application = typeof(Monfri.Application.DependencyInjection).Assembly;
    private static readonly Assembly Web = typeof(Monfri.Web.DependencyInjection).Assembly;

    private static string DocPath => Path.Combine(RepoPaths.Root, "docs", "security.md");

    private static IEnumerable<Type> Messages() =>
        Application.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(global::Mediator.IMessage).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    private static IEnumerable<Type> Pages() =>
        Web.GetTypes()
            .Where(t => t.GetCustomAttributes<RouteAttribute>().Any())
            .OrderBy(t => t.GetCustomAttributes<RouteAttribute>().First().Template, StringComparer.Ordinal);

    [Fact]
    public void Every_message_names_exactly_one_permission_or_says_out_loud_that_any_user_may_send_it()
    {
        var messages = Messages().ToList();
        Assert.NotEmpty(messages);
        var wrong = messages
            .Select(m => (Message: m, Markers: new object?[]
            {
                m.GetCustomAttribute<RequiresPermissionAttribute>(),
                m.GetCustomAttribute<AllowAnyUserAttribute>(),
                m.GetCustomAttribute<Monfri.Application.Common.Security.AllowAnonymousAttribute>(),
            }.Count(a => a is not null)))
            .Where(x => x.Markers != 1 || x.Message.GetCustomAttribute<RequiresRoleAttribute>() is not null)
            .Select(x => x.Message.GetCustomAttribute<RequiresRoleAttribute>() is not null
                ? $"{x.Message.Name} (still [RequiresRole]: say which [RequiresPermission] it needs)"
                : $"{x.Message.Name} ({x.Markers} markers)")
            .ToList();
        Assert.True(wrong.Count == 0, "Each message needs exactly one of [RequiresPermission], [AllowAnyUser], [AllowAnonymous]: " + string.Join(", ", wrong));
    }

    [Fact]
    public void Pages_name_a_permission_rather_than_a_list_of_roles()
    {
        var byRoles = Pages()
            .Where(p => p.GetCustomAttributes<AuthorizeAttribute>().Any(a => a.Roles is not null))
            .Select(p => p.Name)
            .ToList();
        Assert.Empty(byRoles);

        var unknown = Pages()
            .SelectMany(p => p.GetCustomAttributes<AuthorizeAttribute>().Select(a => a.Policy).OfType<string>())
            .Where(policy => !Enum.TryParse<Permission>(policy, out _))
            .ToList();
        Assert.Empty(unknown);
    }

    [Fact]
    public void Every_role_in_the_workspace_has_a_row_in_the_table_and_admins_hold_every_permission()
    {
        Assert.Equal(Roles.All.Order(StringComparer.Ordinal), RolePermissions.Table.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Enum.GetValues<Permission>(), RolePermissions.Table[Roles.Admin].Order());
        Assert.All(Enum.GetValues<Permission>(), p => Assert.NotNull(typeof(Permission).GetField(p.ToString())!.GetCustomAttribute<DescriptionAttribute>()));
    }

    [Fact]
    public void The_security_doc_is_the_matrix_the_permission_table_makes()
    {
        var expected = Matrix();
        if (Environment.GetEnvironmentVariable(WriteDocVariable) == "1")
        {
            File.WriteAllText(DocPath, expected);
        }

        var actual = File.Exists(DocPath) ? File.ReadAllText(DocPath).ReplaceLineEndings("\n") : "(missing)";
        Assert.True(
            expected == actual,
            $"docs/security.md differs from the permission table and the code. Regenerate it: {WriteDocVariable}=1 dotnet test tests/Monfri.Web.Tests -c Release --filter \"FullyQualifiedName~AuthorizationMatrixTests\"");
    }

    private static string Matrix()
    {
        var roles = Roles.All;
        var md = new StringBuilder();
        md.Append("""
            # Security: who may do what

            Generated from the role → permission table (`Monfri.Application/Common/Security/RolePermissions.cs`) and the
            code by `AuthorizationMatrixTests` (tests/Monfri.Web.Tests/Architecture); do not edit by hand. After changing
            the table, a permission or a message, regenerate it:
            `MONFRI_WRITE_SECURITY_DOC=1 dotnet test tests/Monfri.Web.Tests -c Release --filter "FullyQualifiedName~AuthorizationMatrixTests"`.
            The test fails while this file and the code disagree.

            A user holds every permission of each of their roles. Work Monfri does on its own behalf (start-up, background
            jobs) holds them all. Every check reads the same table: the Mediator authorization behaviour for each message
            (whoever sends it: a page, the REST API, the hub), `ICurrentUser.Can(...)` inside handlers, the pages' policies,
            the live topics, and the `Can…` flags that DTOs carry so pages show only the buttons that work.
            Record-level rules come on top: with "reps see only their own records" on, a Sales user without
            `SeeAllRecords` sees only records they own; an activity is edited by its author, its assignee or someone with
            `ManageAnyActivity`.

            ## Roles × permissions


            """);
        md.Append("| Permission | ").Append(string.Join(" | ", roles)).Append(" | What it allows |\n");
        md.Append("| --- |").Append(string.Concat(roles.Select(_ => " :-: |"))).Append(" --- |\n");
        foreach (var permission in Enum.GetValues<Permission>())
        {
            var granted = RolePermissions.RolesWith(permission);
            md.Append("| `").Append(permission).Append("` | ")
                .Append(string.Join(" | ", roles.Select(r => granted.Contains(r) ? "✓" : "")))
                .Append(" | ").Append(Describe(permission)).Append(" |\n");
        }

        md.Append("""

            ## Messages (commands and queries)

            Each REST endpoint under `/api/v1` needs a signed-in user (cookie or API token) and sends one of these messages,
            so it needs that message's permission; a refusal is `403` with the roles that would allow it. The event collection
            endpoints (`/v1/…` for the tracking SDKs) are public and authenticate with a source's write key instead.


            """);
        md.Append("| Message | Needs |\n| --- | --- |\n");
        foreach (var message in Messages())
        {
            md.Append("| `").Append(message.FullName!["Monfri.Application.".Length..]).Append("` | ").Append(MessageNeeds(message)).Append(" |\n");
        }

        md.Append("\n## Pages\n\n| Page | Needs |\n| --- | --- |\n");
        foreach (var page in Pages())
        {
            var templates = string.Join(", ", page.GetCustomAttributes<RouteAttribute>().Select(r => $"`{r.Template}`"));
            md.Append("| ").Append(templates).Append(" | ").Append(PageNeeds(page)).Append(" |\n");
        }

        md.Append("\n## Live topics\n\n| Topic | Who may follow it |\n| --- | --- |\n");
        foreach (var (prefix, permission, ownOnly) in LiveTopics.Rules)
        {
            var topic = prefix.EndsWith(':') ? $"{prefix}{{id}}" : prefix;
            var who = ownOnly ? "only the user whose id it is" : permission is { } p ? $"`{p}`" : "any signed-in user";
            md.Append("| `").Append(topic).Append("` | ").Append(who).Append(" |\n");
        }

        return md.ToString();
    }

    private static string Describe(Permission permission) =>
        typeof(Permission).GetField(permission.ToString())!.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";

    private static string MessageNeeds(Type message) =>
        message.GetCustomAttribute<RequiresPermissionAttribute>() is { } required ? $"`{required.Permission}`"
        : message.GetCustomAttribute<AllowAnyUserAttribute>() is not null ? "any signed-in user"
        : message.GetCustomAttribute<Monfri.Application.Common.Security.AllowAnonymousAttribute>() is not null ? "anyone"
        : "(not declared)";

    private static string PageNeeds(Type page)
    {
        if (page.GetCustomAttribute<Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute>() is not null)
        {
            return "anyone";
        }

        var policies = page.GetCustomAttributes<AuthorizeAttribute>().Select(a => a.Policy).OfType<string>().ToList();
        return policies.Count > 0 ? string.Join(", ", policies.Select(p => $"`{p}`"))
            : page.GetCustomAttributes<AuthorizeAttribute>().Any() ? "any signed-in user"
            : "anyone";
    }
}
