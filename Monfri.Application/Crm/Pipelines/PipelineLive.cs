namespace Monfri.Application.Crm.Pipelines;

/// <summary>Published on <c>pipeline:{id}</c> when the pipeline's stages or rules changed: open boards read it again.</summary>
public static class PipelineLive
{
    public const string Changed = "pipeline.changed";
}
