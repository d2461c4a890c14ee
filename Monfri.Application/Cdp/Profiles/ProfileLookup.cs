using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Profiles;

internal static class ProfileLookup
{
    /// <summary>Identity first; an email also finds a CRM contact that never sent an event; <c>id</c> is the person id.</summary>
    public static async Task<Guid?> FindAsync(IMonfriDb db, string idType, string value, CancellationToken cancellationToken)
    {
        var type = idType.Trim().ToLowerInvariant();
        if (type == "id")
        {
            return Guid.TryParse(value, out var id) && await db.People.AnyAsync(p => p.Id == id, cancellationToken) ? id : null;
        }

        var lookup = type == IdentityTypes.Email ? value.Trim().ToLowerInvariant() : value;
        var found = await db.ProfileIdentities.AsNoTracking().Where(i => i.Type == type && i.Value == lookup)
            .Select(i => (Guid?)i.PersonId).FirstOrDefaultAsync(cancellationToken);
        if (found is null && type == IdentityTypes.Email)
        {
            found = await db.People.AsNoTracking().Where(p => p.Email == lookup).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);
        }

        return found;
    }
}
