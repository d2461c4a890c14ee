using FluentValidation;

namespace Monfri.Application.Crm.Pipelines.CreatePipeline;

public sealed class CreatePipelineValidator : AbstractValidator<CreatePipelineCommand>
{
    public CreatePipelineValidator()
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("Give the pipeline a name.")
            .MaximumLength(100).WithMessage("A pipeline name has at most 100 characters.");
        RuleFor(c => c.Stages).NotEmpty().WithMessage("A pipeline needs at least one open stage.")
            .Must(s => s.Count <= 30).WithMessage("A pipeline has at most 30 open stages.");
        RuleForEach(c => c.Stages).NotNull().WithMessage("A stage cannot be null.").SetValidator(new StageInputValidator());
    }
}
