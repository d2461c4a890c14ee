using Monfri.Application.Common.Text;

namespace Monfri.Web.Endpoints;

/// <summary>
/// Refuses a query-string parameter that holds text the database cannot store (<c>?search=%00</c>), naming the
/// parameter as the client sent it. The pipeline refuses the same text in every message too, but by the message's
/// field (<c>filter.search</c>); here the client's own name (<c>search</c>, <c>cf</c>) is still known.
/// </summary>
internal sealed class StorableQueryFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        Dictionary<string, string[]>? errors = null;
        foreach (var (name, values) in context.HttpContext.Request.Query)
        {
            var problem = StorableText.Problem(name) is { } inName
                ? "The parameter's name " + char.ToLowerInvariant(inName[0]) + inName[1..]
                : values.Select(v => StorableText.Problem(v)).FirstOrDefault(p => p is not null);
            if (problem is not null)
            {
                errors ??= [];
                errors[Printable(name)] = [problem];
            }
        }

        return errors is null
            ? next(context)
            : ValueTask.FromResult<object?>(TypedResults.ValidationProblem(errors, detail: "A query parameter holds text that cannot be stored."));
    }

    private static string Printable(string name) =>
        StorableText.Problem(name) is null ? name : string.Concat(name.Select(c => c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c));
}
