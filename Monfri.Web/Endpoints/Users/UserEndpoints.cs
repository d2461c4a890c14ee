using Mediator;
using Monfri.Application.Users;
using Monfri.Application.Users.CreateUser;
using Monfri.Application.Users.ListUsers;
using Monfri.Application.Users.SetUserActive;
using Monfri.Application.Users.SetUserRoles;

namespace Monfri.Web.Endpoints.Users;

/// <summary>/api/v1/users — account administration (Admin role, enforced by the Mediator pipeline).</summary>
public static class UserEndpoints
{
    public sealed record RolesBody(IReadOnlyCollection<string> Roles);

    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");

        users.MapGet("/", async (IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListUsersQuery(), ct)).ToHttp())
            .WithSummary("List users").Produces<IReadOnlyList<UserDto>>();

        users.MapPost("/", async (CreateUserCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command, ct)).ToHttp(user => TypedResults.Created($"/api/v1/users/{user.Id}", user)))
            .WithSummary("Create a user with roles").Produces<UserDto>(StatusCodes.Status201Created);

        users.MapPut("/{id:guid}/roles", async (Guid id, RolesBody body, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new SetUserRolesCommand(id, body.Roles), ct)).ToHttp())
            .WithSummary("Replace a user's roles");

        users.MapPost("/{id:guid}/deactivate", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new SetUserActiveCommand(id, false), ct)).ToHttp())
            .WithSummary("Deactivate a user: their sessions and API tokens stop working");

        users.MapPost("/{id:guid}/activate", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new SetUserActiveCommand(id, true), ct)).ToHttp())
            .WithSummary("Reactivate a user");
        return api;
    }
}
