using FluentValidation;

namespace Monfri.Application.Privacy.ListPrivacyRequests;

public sealed class ListPrivacyRequestsValidator : AbstractValidator<ListPrivacyRequestsQuery>
{
    public ListPrivacyRequestsValidator()
    {
        RuleFor(q => q.PageSize).InclusiveBetween(1, 100);
        RuleFor(q => q.PageIndex).GreaterThanOrEqualTo(0);
    }
}
