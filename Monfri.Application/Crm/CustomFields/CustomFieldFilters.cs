using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.CustomFields;

/// <summary>
/// Turns a list's custom-field filters (key → typed text) into JSON fragments for
/// <see cref="DbJson.Contains"/>, typed the way values are stored (so "5" matches the number 5, "yes" the
/// boolean). A list then adds one containment condition per fragment.
/// </summary>
public static class CustomFieldFilters
{
    public static async Task<Result<IReadOnlyList<string>>> ToFragmentsAsync(
        IMonfriDb db, CrmObjectType objectType, IReadOnlyDictionary<string, string> filters, CancellationToken cancellationToken)
    {
        if (filters.Count == 0)
        {
            return Result<IReadOnlyList<string>>.Success([]);
        }

        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == objectType).ToListAsync(cancellationToken);
        var (values, errors) = CustomFieldValues.Normalize(filters.ToDictionary(f => f.Key, f => (object?)f.Value), definitions);
        return errors.Count > 0
            ? Result<IReadOnlyList<string>>.Invalid([.. errors])
            : values.Select(v => JsonSerializer.Serialize(new Dictionary<string, object?> { [v.Key] = v.Value }, JsonSerializerOptions.Web)).ToList();
    }
}
