using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Conditions;
using Monfri.Application.Conditions.Text;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

public sealed class SegmentInputValidator : AbstractValidator<SegmentInput>
{
    public SegmentInputValidator()
    {
        RuleFor(s => s.Name).NotEmpty().WithMessage("A segment needs a name.")
            .MaximumLength(Segment.MaxNameLength).WithMessage($"A segment's name has at most {Segment.MaxNameLength} characters.");
        RuleFor(s => s.Description).MaximumLength(Segment.MaxDescriptionLength)
            .WithMessage($"A description has at most {Segment.MaxDescriptionLength} characters.");
        RuleFor(s => s.Definition).NotNull().When(s => string.IsNullOrWhiteSpace(s.Text))
            .WithMessage("A segment needs a definition: as JSON (definition) or as text (text).");
        RuleFor(s => s.Text).MaximumLength(ConditionText.MaxLength).WithMessage($"A definition's text has at most {ConditionText.MaxLength:N0} characters.");
    }
}
