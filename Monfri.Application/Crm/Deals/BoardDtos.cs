using Monfri.Application.Crm.Pipelines;

namespace Monfri.Application.Crm.Deals;

/// <summary>A pipeline's board: its stages and the open deals the viewer may see, matching the filter.</summary>
public sealed record Board(PipelineDto Pipeline, IReadOnlyList<BoardCard> Cards, BoardFilter Filter, string DefaultCurrency)
{
    /// <summary>Whether the viewer may move, add and edit deals on it (<see cref="Monfri.Application.Common.Security.Permission.EditDeals"/>).</summary>
    public bool CanEdit { get; init; }

    /// <summary>Whether the viewer may move a deal past the pipeline's stage rules (<see cref="Monfri.Application.Common.Security.Permission.OverrideStageRules"/>).</summary>
    public bool CanOverrideStageRules { get; init; }
}

/// <summary>One card: an open deal with what the board shows on it.</summary>
public sealed record BoardCard(
    Guid Id,
    string Name,
    Guid PipelineId,
    Guid StageId,
    double Position,
    decimal? Amount,
    string Currency,
    DateOnly? CloseDate,
    Guid? OwnerId,
    string? OwnerName,
    Guid? CompanyId,
    string? CompanyName,
    IReadOnlyList<string> Tags,
    DateTimeOffset StageEnteredAt,
    BoardTask? NextTask,
    uint Version)
{
    /// <summary>Whether the deal has been in its stage longer than the stage allows (<see cref="PipelineStageDto.RottingDays"/>).</summary>
    public bool IsRotting(PipelineStageDto stage, DateTimeOffset now) =>
        stage.RottingDays is { } days && now - StageEnteredAt > TimeSpan.FromDays(days);

    public decimal WeightedAmount(PipelineStageDto stage) => (Amount ?? 0m) * stage.Probability / 100m;
}

/// <summary>The deal's open task due first.</summary>
public sealed record BoardTask(Guid Id, string Subject, DateTimeOffset? DueAt);

/// <summary>
/// What narrows a board. The board query applies it in the database; <see cref="Matches"/> applies the same
/// rules to one card, so a board can decide whether a live change keeps, adds or drops a card.
/// </summary>
public sealed record BoardFilter
{
    public Guid? OwnerId { get; init; }
    public DateOnly? CloseDateFrom { get; init; }
    public DateOnly? CloseDateTo { get; init; }
    public decimal? AmountMin { get; init; }
    public decimal? AmountMax { get; init; }
    public string? Tag { get; init; }

    /// <summary>Part of the deal's name.</summary>
    public string? Search { get; init; }

    public bool IsEmpty => this == new BoardFilter();

    public bool Matches(BoardCard card) =>
        (OwnerId is null || card.OwnerId == OwnerId)
        && (CloseDateFrom is null || card.CloseDate >= CloseDateFrom)
        && (CloseDateTo is null || card.CloseDate <= CloseDateTo)
        && (AmountMin is null || card.Amount >= AmountMin)
        && (AmountMax is null || card.Amount <= AmountMax)
        && (string.IsNullOrWhiteSpace(Tag) || card.Tags.Contains(Tag.Trim(), StringComparer.Ordinal))
        && (string.IsNullOrWhiteSpace(Search) || card.Name.Contains(Search.Trim(), StringComparison.OrdinalIgnoreCase));
}
