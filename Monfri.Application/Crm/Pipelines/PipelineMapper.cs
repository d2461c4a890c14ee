using Monfri.Domain.Crm;
using Riok.Mapperly.Abstractions;

namespace Monfri.Application.Crm.Pipelines;

[Mapper]
public static partial class PipelineMapper
{
    public static PipelineDto ToDto(this Pipeline pipeline) => new(
        pipeline.Id,
        pipeline.Name,
        pipeline.Order,
        pipeline.IsDefault,
        pipeline.NoSkippingStages,
        pipeline.NoMovingBackwards,
        pipeline.Stages.OrderBy(s => s.Order).Select(ToDto).ToList());

    [MapperIgnoreSource(nameof(PipelineStage.PipelineId))]
    [MapperIgnoreSource(nameof(PipelineStage.CreatedAt))]
    public static partial PipelineStageDto ToDto(this PipelineStage stage);
}
