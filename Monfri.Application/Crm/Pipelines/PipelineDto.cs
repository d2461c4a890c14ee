using System.Text.Json.Serialization;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Pipelines;

/// <summary>A pipeline with its stages in board order (open stages, then Won, then Lost).</summary>
public sealed record PipelineDto(
    Guid Id,
    string Name,
    int Order,
    bool IsDefault,
    bool NoSkippingStages,
    bool NoMovingBackwards,
    IReadOnlyList<PipelineStageDto> Stages)
{
    [JsonIgnore]
    public IEnumerable<PipelineStageDto> OpenStages => Stages.Where(s => s.Kind == StageKind.Open);
}

public sealed record PipelineStageDto(
    Guid Id,
    string Name,
    int Order,
    int Probability,
    StageKind Kind,
    int? RottingDays,
    IReadOnlyList<string> RequiredFields);

/// <summary>An open stage as typed into the settings page or the API.</summary>
public sealed record StageInput(string Name, int Probability, int? RottingDays = null, IReadOnlyList<string>? RequiredFields = null);
