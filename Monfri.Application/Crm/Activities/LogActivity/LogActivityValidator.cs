using FluentValidation;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities.LogActivity;

public sealed class LogActivityValidator : AbstractValidator<LogActivityCommand>
{
    public LogActivityValidator()
    {
        Include(new ActivityInputValidator());
        // Emails arrive through the email module, never typed in.
        RuleFor(c => c.Type).Must(t => t is ActivityType.Note or ActivityType.Call or ActivityType.Meeting or ActivityType.Task)
            .WithMessage("Log a note, a call, a meeting or a task.");
        RuleFor(c => c.DueAt).NotNull().When(c => c.Type == ActivityType.Task).WithMessage("Give the task a due date.");
    }
}
