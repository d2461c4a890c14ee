using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Monfri.Web.Endpoints;

/// <summary>Tells API clients (and the browsable reference) that /api/v1 takes a personal API token as a bearer.</summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Monfri API";
        document.Info.Description = "Send a personal API token (Settings → API tokens) as 'Authorization: Bearer mfp_…'. Errors are ProblemDetails.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Personal API token",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
