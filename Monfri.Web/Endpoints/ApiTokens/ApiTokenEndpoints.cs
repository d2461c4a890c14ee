using Mediator;
using Monfri.Application.ApiTokens;
using Monfri.Application.ApiTokens.CreateApiToken;
using Monfri.Application.ApiTokens.ListApiTokens;
using Monfri.Application.ApiTokens.RevokeApiToken;
using Monfri.Application.Common.Security;

namespace Monfri.Web.Endpoints.ApiTokens;

/// <summary>/api/v1/me and /api/v1/tokens — the caller's own account and personal API tokens.</summary>
public static class ApiTokenEndpoints
{
    public sealed record MeDto(Guid? Id, string? Email, IReadOnlyList<string> Roles);

    public static RouteGroupBuilder MapApiTokenEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me", (ICurrentUser user) =>
                TypedResults.Ok(new MeDto(user.Id, user.Email, Domain.Common.Roles.All.Where(user.IsInRole).ToList())))
            .WithTags("Account").WithSummary("Who the token or cookie belongs to, with roles");

        var tokens = api.MapGroup("/tokens").WithTags("Account");
        tokens.MapGet("/", async (IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ListApiTokensQuery(), ct)).ToHttp())
            .WithSummary("List your API tokens").Produces<IReadOnlyList<ApiTokenDto>>();

        tokens.MapPost("/", async (CreateApiTokenCommand command, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(command, ct)).ToHttp(created => TypedResults.Created($"/api/v1/tokens/{created.Token.Id}", created)))
            .WithSummary("Create an API token; the secret is in the answer and never shown again")
            .Produces<CreatedApiToken>(StatusCodes.Status201Created);

        tokens.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new RevokeApiTokenCommand(id), ct)).ToHttp())
            .WithSummary("Revoke one of your API tokens");
        return api;
    }
}
