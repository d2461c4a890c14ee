using Monfri.Application.Common.Results;
using Monfri.Application.Users.CreateUser;
using Monfri.Application.Users.ListUsers;
using Monfri.Application.Users.SetUserActive;
using Monfri.Application.Users.SetUserRoles;
using Monfri.Domain.Common;
using Monfri.Infrastructure.Identity;
using Monfri.TestSupport;

namespace Monfri.Application.Tests.Users;

public sealed class UserAdministrationTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(UserAdministrationTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_sales_user_sending_an_admin_only_command_is_forbidden_and_nothing_is_created()
    {
        var (_, sales) = await _app.CreateUserAsync("Sally", Roles.Sales);

        var result = await _app.SendAs(sales, new CreateUserCommand("intruder@example.test", "Intruder", "long-enough-password", [Roles.Admin]));

        ResultAssert.Status(ResultStatus.Forbidden, result);
        var users = await _app.SendAs(await _app.AdminAsync(), new ListUsersQuery());
        Assert.DoesNotContain(users.Value, u => u.Email == "intruder@example.test");
    }

    [Fact]
    public async Task An_anonymous_caller_is_unauthorized_before_validation_runs()
    {
        var result = await _app.SendAs(null, new CreateUserCommand("", "", "", []));

        ResultAssert.Status(ResultStatus.Unauthorized, result);
        Assert.Single(result.Errors);
    }

    [Fact]
    public async Task A_manager_cannot_list_users()
    {
        var (_, manager) = await _app.CreateUserAsync("Mona", Roles.Manager);

        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(manager, new ListUsersQuery()));
    }

    [Fact]
    public async Task An_admin_creates_a_user_with_roles_who_can_then_sign_in_with_the_password()
    {
        var admin = await _app.AdminAsync();

        var result = await _app.SendAs(admin, new CreateUserCommand("  rita@example.test ", "Rita Rep", "a-good-long-password", [Roles.Sales, Roles.Marketing]));

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal("rita@example.test", result.Value.Email);
        Assert.Equal([Roles.Marketing, Roles.Sales], result.Value.Roles);
        await using var scope = _app.Provider.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        var stored = await users.FindByEmailAsync("rita@example.test");
        Assert.NotNull(stored);
        Assert.True(await users.CheckPasswordAsync(stored, "a-good-long-password"));
    }

    [Fact]
    public async Task Invalid_input_is_reported_per_field_and_creates_nothing()
    {
        var admin = await _app.AdminAsync();

        var result = await _app.SendAs(admin, new CreateUserCommand("not-an-email", "", "short", ["Wizard"]));

        ResultAssert.Status(ResultStatus.Invalid, result);
        Assert.Equal(["DisplayName", "Email", "Password", "Roles"], result.Errors.Select(e => e.Field!).Distinct().Order());
        Assert.Contains(result.Errors, e => e.Message.Contains("12 characters", StringComparison.Ordinal));
        Assert.Single((await _app.SendAs(admin, new ListUsersQuery())).Value);
    }

    [Fact]
    public async Task A_second_user_with_the_same_email_is_a_conflict()
    {
        var admin = await _app.AdminAsync();
        await _app.SendAs(admin, new CreateUserCommand("dup@example.test", "First", "a-good-long-password", [Roles.Sales]));

        var second = await _app.SendAs(admin, new CreateUserCommand("dup@example.test", "Second", "a-good-long-password", [Roles.Sales]));

        ResultAssert.Status(ResultStatus.Conflict, second);
    }

    [Fact]
    public async Task Roles_can_be_replaced_but_an_admin_cannot_remove_their_own_admin_role()
    {
        var admin = await _app.AdminAsync();
        var (user, _) = await _app.CreateUserAsync("Max", Roles.Sales);

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(admin, new SetUserRolesCommand(user.Id, [Roles.Manager])));
        var adminId = Guid.Parse(admin.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value);
        var selfDemotion = await _app.SendAs(admin, new SetUserRolesCommand(adminId, [Roles.Sales]));

        ResultAssert.Status(ResultStatus.Invalid, selfDemotion);
        var users = (await _app.SendAs(admin, new ListUsersQuery())).Value;
        Assert.Equal([Roles.Manager], users.Single(u => u.Id == user.Id).Roles);
        Assert.Contains(Roles.Admin, users.Single(u => u.Id == adminId).Roles);
    }

    [Fact]
    public async Task A_deactivated_user_cannot_sign_in_and_fails_the_session_check_until_reactivated()
    {
        var admin = await _app.AdminAsync();
        var (user, _) = await _app.CreateUserAsync("Dora", Roles.Sales);

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(admin, new SetUserActiveCommand(user.Id, false)));

        await using (var scope = _app.Provider.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.SignInManager<AppUser>>();
            var stored = (await signIn.UserManager.FindByIdAsync(user.Id.ToString()))!;
            Assert.False(await signIn.CanSignInAsync(stored));
            Assert.False(await signIn.ValidateSecurityStampAsync(stored, stored.SecurityStamp));
        }

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(admin, new SetUserActiveCommand(user.Id, true)));
        await using (var scope = _app.Provider.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.SignInManager<AppUser>>();
            Assert.True(await signIn.CanSignInAsync((await signIn.UserManager.FindByIdAsync(user.Id.ToString()))!));
        }
    }

    [Fact]
    public async Task An_admin_cannot_deactivate_themselves()
    {
        var admin = await _app.AdminAsync();
        var adminId = Guid.Parse(admin.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value);

        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(admin, new SetUserActiveCommand(adminId, false)));
    }

    [Fact]
    public async Task Changing_an_unknown_user_is_not_found()
    {
        var admin = await _app.AdminAsync();

        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(admin, new SetUserActiveCommand(Guid.NewGuid(), false)));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(admin, new SetUserRolesCommand(Guid.NewGuid(), [Roles.Sales])));
    }
}
