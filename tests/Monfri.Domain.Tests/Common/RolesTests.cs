using Monfri.Domain.Common;

namespace Monfri.Domain.Tests.Common;

public sealed class RolesTests
{
    [Fact]
    public void The_workspace_has_exactly_the_four_roles()
    {
        Assert.Equal(["Admin", "Manager", "Sales", "Marketing"], Roles.All);
    }

    [Theory]
    [InlineData("Admin", true)]
    [InlineData("Sales", true)]
    [InlineData("admin", false)]
    [InlineData("Owner", false)]
    [InlineData("", false)]
    public void Only_known_roles_are_accepted_and_case_matters(string role, bool known) =>
        Assert.Equal(known, Roles.IsKnown(role));
}
