using Monfri.Domain.Crm;
using Riok.Mapperly.Abstractions;

namespace Monfri.Application.Crm.Activities;

[Mapper]
internal static partial class ActivityMapper
{
    // The names live in other tables (users, people, companies, deals); ActivityReader looks them up per page.
    [MapperIgnoreSource(nameof(Activity.RemindedAt))]
    [MapperIgnoreSource(nameof(Activity.DomainEvents))]
    // What the asking user may do with it is not the activity's: ActivityReader sets it from ActivityRules.
    [MapperIgnoreTarget(nameof(ActivityDto.CanEdit))]
    [MapperIgnoreTarget(nameof(ActivityDto.CanComplete))]
    [MapperIgnoreTarget(nameof(ActivityDto.CanDelete))]
    [MapperIgnoreSource(nameof(Activity.Place))]
    public static partial ActivityDto ToDto(
        Activity activity, string? personName, string? companyName, string? dealName, string? authorName, string? assigneeName);
}
