using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Views;

/// <summary>Names starting with <see cref="ReservedPrefix"/> hold a screen's own state (a board's filter) and are not listed as views.</summary>
public static class SavedViewNames
{
    public const string ReservedPrefix = "@";

    /// <summary>A list's last state is kept as the user's saved view of that list under this reserved name (not listed as a view).</summary>
    public const string ListState = $"{ReservedPrefix}list:last";

    /// <summary>A board's filter is kept as the user's saved view of deals under this reserved name, one per pipeline.</summary>
    public static string Board(Guid pipelineId) => $"{ReservedPrefix}board:{pipelineId}";

    /// <summary>Whether a view definition (or a list's last state) is JSON at all; its shape is the list's to read.</summary>
    public static bool IsJson(string text)
    {
        try
        {
            using var _ = System.Text.Json.JsonDocument.Parse(text);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
