using Monfri.Application.Common.Live;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Pipelines;
using Monfri.Domain.Crm;

namespace Monfri.Web.Features.Deals;

/// <summary>What a live update means for a board.</summary>
public enum BoardChange
{
    /// <summary>Nothing to do (another pipeline, a change already shown, a card that is not on this board).</summary>
    None,

    /// <summary>A card moved or changed in place.</summary>
    Changed,

    /// <summary>A card left the board (won, lost, deleted, hidden, filtered out).</summary>
    Removed,

    /// <summary>The card must be read again (created, edited, reopened): the update does not carry everything a card shows.</summary>
    NeedsCard,

    /// <summary>The board must be read again (stages changed, or the update was too large to carry).</summary>
    Reload,
}

/// <summary>Column header figures: how many cards, their total and weighted amounts, and their currency (null when mixed).</summary>
public sealed record ColumnTotals(int Count, decimal Amount, decimal Weighted, string? Currency);

/// <summary>
/// The cards of one board and the rules for changing them: loading, optimistic moves and their rollback, and
/// applying live updates. Plain C#, so the page stays about showing and the rules can be read in one place.
/// Cards being dragged or moved by this user are "held": updates about them wait until the move is settled,
/// so a remote change never yanks a card out from under the cursor and our own echo is not mistaken for theirs.
/// </summary>
public sealed class BoardState
{
    private readonly Dictionary<Guid, BoardCard> _cards = [];
    private readonly Dictionary<Guid, List<LiveUpdate>> _held = [];
    private Dictionary<Guid, List<BoardCard>>? _columns;

    /// <param name="board">The board as read from the server.</param>
    /// <param name="previous">The state this one replaces (a reload): its held cards stay held, with what waited for them.</param>
    public BoardState(Board board, BoardState? previous = null)
    {
        if (previous is not null)
        {
            foreach (var (id, waiting) in previous._held)
            {
                _held[id] = waiting;
            }
        }

        Pipeline = board.Pipeline;
        Filter = board.Filter;
        DefaultCurrency = board.DefaultCurrency;
        foreach (var card in board.Cards)
        {
            _cards[card.Id] = card;
        }
    }

    public PipelineDto Pipeline { get; }
    public BoardFilter Filter { get; }
    public string DefaultCurrency { get; }
    public int Count => _cards.Count;

    public BoardCard? Find(Guid id) => _cards.GetValueOrDefault(id);

    public PipelineStageDto? Stage(Guid id) => Pipeline.Stages.FirstOrDefault(s => s.Id == id);

    /// <summary>The cards of a stage, in board order (position, then id so equal positions stay stable).</summary>
    public IReadOnlyList<BoardCard> CardsIn(Guid stageId)
    {
        _columns ??= _cards.Values
            .GroupBy(c => c.StageId)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.Position).ThenBy(c => c.Id).ToList());
        return _columns.GetValueOrDefault(stageId) ?? [];
    }

    public ColumnTotals Totals(PipelineStageDto stage)
    {
        var cards = CardsIn(stage.Id);
        var currencies = cards.Where(c => c.Amount is not null).Select(c => c.Currency).Distinct().Take(2).ToList();
        return new ColumnTotals(
            cards.Count,
            cards.Sum(c => c.Amount ?? 0m),
            cards.Sum(c => c.WeightedAmount(stage)),
            currencies.Count switch { 0 => DefaultCurrency, 1 => currencies[0], _ => null });
    }

    /// <summary>Puts a card as read from the server: shown when it is open, in this pipeline and matches the filter; otherwise dropped.</summary>
    public BoardChange Put(BoardCard card)
    {
        if (card.PipelineId != Pipeline.Id || Stage(card.StageId) is not { Kind: StageKind.Open } || !Filter.Matches(card))
        {
            return Remove(card.Id);
        }

        _cards[card.Id] = card;
        _columns = null;
        return BoardChange.Changed;
    }

    public BoardChange Remove(Guid id)
    {
        if (!_cards.Remove(id))
        {
            return BoardChange.None;
        }

        _columns = null;
        return BoardChange.Removed;
    }

    /// <summary>
    /// Where a card dropped into <paramref name="stageId"/> goes: just before <paramref name="beforeId"/>, or
    /// after the last card. Only the moved card gets a new position.
    /// </summary>
    public double PositionFor(Guid movingId, Guid stageId, Guid? beforeId)
    {
        var others = CardsIn(stageId).Where(c => c.Id != movingId).ToList();
        var index = beforeId is { } id ? others.FindIndex(c => c.Id == id) : -1;
        if (index < 0)
        {
            return DealPositions.Between(others.Count > 0 ? others[^1].Position : null, null);
        }

        return DealPositions.Between(index > 0 ? others[index - 1].Position : null, others[index].Position);
    }

    /// <summary>Shows a move before the server confirmed it; returns the card as it was, to roll back to.</summary>
    public BoardCard MoveOptimistically(BoardCard card, PipelineStageDto stage, double position, DateTimeOffset now)
    {
        Hold(card.Id);
        if (stage.Kind == StageKind.Open)
        {
            _cards[card.Id] = card with { StageId = stage.Id, Position = position, StageEnteredAt = stage.Id == card.StageId ? card.StageEnteredAt : now };
        }
        else
        {
            _cards.Remove(card.Id);
        }

        _columns = null;
        return card;
    }

    /// <summary>Updates about this card wait (it is being dragged or its move is on its way).</summary>
    public void Hold(Guid id) => _held.TryAdd(id, []);

    public bool IsHeld(Guid id) => _held.ContainsKey(id);

    /// <summary>Ends a hold and hands back the updates that waited, to apply now in their order.</summary>
    public IReadOnlyList<LiveUpdate> Release(Guid id) => _held.Remove(id, out var waiting) ? waiting : [];

    /// <summary>Works out what a live update means for this board and applies what it can on its own.</summary>
    /// <returns>What happened, and to which deal.</returns>
    public (BoardChange Change, Guid DealId) Apply(LiveUpdate update)
    {
        if (update.Truncated || update.Kind is PipelineLive.Changed)
        {
            return (BoardChange.Reload, Guid.Empty);
        }

        if (update.Kind is DealLive.Deleted or LiveScope.HiddenKind)
        {
            return update.Data.TryGetProperty("id", out var idValue) && idValue.TryGetGuid(out var id)
                ? (Held(id, update) ? BoardChange.None : Remove(id), id)
                : (BoardChange.None, Guid.Empty);
        }

        if (!update.Kind.StartsWith("deal.", StringComparison.Ordinal) || update.DataAs<DealSnapshot>() is not { } deal)
        {
            return (BoardChange.None, Guid.Empty);
        }

        if (Held(deal.Id, update))
        {
            return (BoardChange.None, deal.Id);
        }

        if (deal.PipelineId != Pipeline.Id || deal.Status != DealStatus.Open)
        {
            return (Remove(deal.Id), deal.Id);
        }

        var card = Find(deal.Id);
        if (card is not null && !IsNewer(deal.Version, card.Version))
        {
            // Already showing this version (our own move coming back), or the update is older than what we read.
            return (BoardChange.None, deal.Id);
        }

        if (card is null || update.Kind is DealLive.Created or DealLive.Updated || card.OwnerId != deal.OwnerId)
        {
            return (BoardChange.NeedsCard, deal.Id);
        }

        return (Put(card with
        {
            Name = deal.Name,
            StageId = deal.StageId,
            Position = deal.Position,
            Amount = deal.Amount,
            OwnerId = deal.OwnerId,
            StageEnteredAt = deal.StageEnteredAt,
            Version = deal.Version,
        }), deal.Id);
    }

    /// <summary>
    /// Row versions are PostgreSQL transaction ids: they grow with every change and wrap around after 2^32,
    /// so "newer" is a signed distance, not a plain comparison.
    /// </summary>
    private static bool IsNewer(uint version, uint than) => unchecked((int)(version - than)) > 0;

    private bool Held(Guid id, LiveUpdate update)
    {
        if (_held.TryGetValue(id, out var waiting))
        {
            waiting.Add(update);
            return true;
        }

        return false;
    }
}
