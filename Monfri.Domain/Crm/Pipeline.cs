using Monfri.Domain.Common;

namespace Monfri.Domain.Crm;

/// <summary>A sales process: ordered stages a deal moves through, with the rules for moving.</summary>
public sealed class Pipeline : Entity
{
    private Pipeline()
    {
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public int Order { get; private set; }
    public bool IsDefault { get; private set; }

    /// <summary>When set, a deal may only move to the next open stage (Managers and Admins may override).</summary>
    public bool NoSkippingStages { get; private set; }

    /// <summary>When set, a deal may not move back to an earlier stage (Managers and Admins may override).</summary>
    public bool NoMovingBackwards { get; private set; }

    public List<PipelineStage> Stages { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public uint Version { get; private set; }

    public IEnumerable<PipelineStage> OpenStages => Stages.Where(s => s.Kind == StageKind.Open).OrderBy(s => s.Order);
    public PipelineStage WonStage => Stages.Single(s => s.Kind == StageKind.Won);
    public PipelineStage LostStage => Stages.Single(s => s.Kind == StageKind.Lost);

    public static Pipeline Create(string name, IEnumerable<(string Name, int Probability, int? RottingDays)> openStages, DateTimeOffset now, int order = 0, bool isDefault = false)
    {
        var pipeline = new Pipeline { Id = Guid.CreateVersion7(now), Name = name.Trim(), CreatedAt = now, Order = order, IsDefault = isDefault };
        var position = 0;
        foreach (var (stageName, probability, rotting) in openStages)
        {
            pipeline.Stages.Add(PipelineStage.Create(pipeline.Id, stageName, position++, probability, StageKind.Open, rotting, now));
        }

        pipeline.Stages.Add(PipelineStage.Create(pipeline.Id, "Won", position++, 100, StageKind.Won, null, now));
        pipeline.Stages.Add(PipelineStage.Create(pipeline.Id, "Lost", position, 0, StageKind.Lost, null, now));
        return pipeline;
    }

    public void Rename(string name) => Name = name.Trim();

    public void SetRules(bool noSkippingStages, bool noMovingBackwards)
    {
        NoSkippingStages = noSkippingStages;
        NoMovingBackwards = noMovingBackwards;
    }

    public void MakeDefault(bool isDefault) => IsDefault = isDefault;

    /// <summary>Adds an open stage after the last open one; Won and Lost always stay at the end.</summary>
    public PipelineStage AddStage(string name, int probability, int? rottingDays, IEnumerable<string> requiredFields, DateTimeOffset now)
    {
        var open = OpenStages.ToList();
        var stage = PipelineStage.Create(Id, name, open.Count, probability, StageKind.Open, rottingDays, now);
        stage.Update(name, open.Count, probability, rottingDays, requiredFields);
        Stages.Add(stage);
        Renumber([.. open, stage]);
        return stage;
    }

    /// <summary>Puts the open stages in the given order (every open stage exactly once).</summary>
    public void ReorderStages(IReadOnlyList<Guid> openStageIds)
    {
        var open = OpenStages.ToList();
        if (openStageIds.Count != open.Count || open.Any(s => !openStageIds.Contains(s.Id)))
        {
            throw new DomainException("A new stage order must list every open stage of the pipeline exactly once.");
        }

        Renumber(openStageIds.Select(id => open.Single(s => s.Id == id)).ToList());
    }

    /// <summary>Removes an open stage; the caller has moved its deals elsewhere first.</summary>
    public void RemoveStage(PipelineStage stage)
    {
        if (stage.Kind != StageKind.Open)
        {
            throw new DomainException("Won and Lost are part of every pipeline and cannot be removed.");
        }

        var open = OpenStages.Where(s => s.Id != stage.Id).ToList();
        if (open.Count == 0)
        {
            throw new DomainException("A pipeline keeps at least one open stage.");
        }

        Stages.Remove(stage);
        Renumber(open);
    }

    private void Renumber(IReadOnlyList<PipelineStage> openInOrder)
    {
        var position = 0;
        foreach (var stage in openInOrder)
        {
            stage.PlaceAt(position++);
        }

        WonStage.PlaceAt(position++);
        LostStage.PlaceAt(position);
    }

    /// <summary>
    /// Why a move from <paramref name="from"/> to <paramref name="to"/> breaks this pipeline's rules, or null
    /// when it is allowed. Won and Lost can always be reached; leaving them reopens the deal.
    /// </summary>
    public string? RuleViolation(PipelineStage from, PipelineStage to)
    {
        if (to.Kind != StageKind.Open || from.Kind != StageKind.Open || from.Id == to.Id)
        {
            return null;
        }

        var open = OpenStages.ToList();
        var fromIndex = open.FindIndex(s => s.Id == from.Id);
        var toIndex = open.FindIndex(s => s.Id == to.Id);
        if (NoMovingBackwards && toIndex < fromIndex)
        {
            return $"Deals in {Name} may not move back from {from.Name} to {to.Name}.";
        }

        if (NoSkippingStages && toIndex > fromIndex + 1)
        {
            return $"Deals in {Name} must go through every stage: {from.Name} is followed by {open[fromIndex + 1].Name}.";
        }

        return null;
    }
}

public enum StageKind
{
    Open,
    Won,
    Lost,
}

/// <summary>One column of a pipeline: its place, the chance a deal here closes, and what it requires.</summary>
public sealed class PipelineStage
{
    private PipelineStage()
    {
    }

    public Guid Id { get; private set; }
    public Guid PipelineId { get; private set; }
    public string Name { get; private set; } = "";
    public int Order { get; private set; }

    /// <summary>Win probability in percent (0–100); weighted amount = amount × probability.</summary>
    public int Probability { get; private set; }

    public StageKind Kind { get; private set; }

    /// <summary>Days in this stage after which a deal is highlighted as rotting; null: never.</summary>
    public int? RottingDays { get; private set; }

    /// <summary>Deal fields (e.g. <c>amount</c>, <c>closeDate</c>, custom field keys) that must be set to enter this stage.</summary>
    public List<string> RequiredFields { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public static PipelineStage Create(Guid pipelineId, string name, int order, int probability, StageKind kind, int? rottingDays, DateTimeOffset now)
    {
        if (probability is < 0 or > 100)
        {
            throw new DomainException("A stage's probability is between 0 and 100.");
        }

        return new PipelineStage
        {
            Id = Guid.CreateVersion7(now),
            PipelineId = pipelineId,
            Name = name.Trim(),
            Order = order,
            Probability = probability,
            Kind = kind,
            RottingDays = rottingDays,
            CreatedAt = now,
        };
    }

    internal void PlaceAt(int order) => Order = order;

    public void Update(string name, int order, int probability, int? rottingDays, IEnumerable<string> requiredFields)
    {
        if (probability is < 0 or > 100)
        {
            throw new DomainException("A stage's probability is between 0 and 100.");
        }

        Name = name.Trim();
        Order = order;
        Probability = probability;
        RottingDays = rottingDays;
        RequiredFields = requiredFields.Distinct().ToList();
    }
}
