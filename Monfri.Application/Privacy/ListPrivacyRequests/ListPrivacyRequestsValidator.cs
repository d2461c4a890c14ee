using FluentValidation;
using Monfri.Application.Common.Paging;

namespace Monfri.Application.Privacy.ListPrivacyRequests;

public sealed class ListPrivacyRequestsValidator : AbstractValidator<ListPrivacyRequestsQuery>
{
    public ListPrivacyRequestsValidator()
    {
        this.RuleForPaging(maxPageSize: 100);
    }
}
