using Bunit;
using Monfri.Domain.Common;
using Monfri.Web.Features.Users;

namespace Monfri.Web.Tests.Components;

public sealed class RolePickerTests : MudTestContext
{
    public RolePickerTests()
    {
    }

    [Fact]
    public void Shows_every_role_with_what_it_allows_and_reports_a_ticked_box()
    {
        HashSet<string>? reported = null;
        var picker = Render<RolePicker>(p => p
            .Add(c => c.Selected, [Roles.Sales])
            .Add(c => c.SelectedChanged, (HashSet<string> roles) => reported = roles));

        Assert.Equal(4, picker.FindAll("input[type=checkbox]").Count);
        Assert.Contains("Everything, including users", picker.Markup, StringComparison.Ordinal);
        Assert.True(picker.Find("[data-testid=role-Sales] input").HasAttribute("checked") || picker.Find("[data-testid=role-Sales] input").GetAttribute("aria-checked") == "true");

        picker.Find("[data-testid=role-Admin] input").Change(true);

        Assert.NotNull(reported);
        Assert.Equal([Roles.Admin, Roles.Sales], reported.Order());
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("campaign")]
    [InlineData("automation")]
    [InlineData("report")]
    public void Role_descriptions_promise_only_what_monfri_has(string notYetThere)
    {
        var picker = Render<RolePicker>(p => p.Add(c => c.Selected, []));

        Assert.DoesNotContain(notYetThere, picker.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("computed traits", picker.Find("[data-testid=role-Marketing]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Clearing_a_box_removes_that_role()
    {
        HashSet<string>? reported = null;
        var picker = Render<RolePicker>(p => p
            .Add(c => c.Selected, [Roles.Sales, Roles.Marketing])
            .Add(c => c.SelectedChanged, (HashSet<string> roles) => reported = roles));

        picker.Find("[data-testid=role-Sales] input").Change(false);

        Assert.Equal([Roles.Marketing], reported!);
    }
}
