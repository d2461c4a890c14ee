using FluentValidation;
using Monfri.Application.Common.Paging;

namespace Monfri.Application.Jobs.ListJobs;

public sealed class ListJobsValidator : AbstractValidator<ListJobsQuery>
{
    public ListJobsValidator()
    {
        this.RuleForPaging(maxPageSize: 200);
        RuleFor(q => q.State).IsInEnum().WithMessage("State is one of Queued, Running, Succeeded, Failed, Dead.");
    }
}
