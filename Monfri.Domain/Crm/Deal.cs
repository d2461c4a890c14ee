using Monfri.Domain.Common;

namespace Monfri.Domain.Crm;

public enum DealStatus
{
    Open,
    Won,
    Lost,
}

/// <summary>
/// A sales opportunity. It sits in one stage of one pipeline; every stage change is recorded in
/// <see cref="StageHistory"/> so time-in-stage and velocity can be reported.
/// </summary>
public sealed class Deal : Entity, IBulkEditable
{
    private Deal()
    {
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public decimal? Amount { get; private set; }
    public string Currency { get; private set; } = "EUR";
    public DateOnly? CloseDate { get; private set; }
    public Guid? OwnerId { get; private set; }
    public Guid PipelineId { get; private set; }
    public Guid StageId { get; private set; }
    public DealStatus Status { get; private set; }
    public string? LostReason { get; private set; }
    public Guid? CompanyId { get; private set; }

    /// <summary>Order within its column; a move writes only this card (a gap-splitting float).</summary>
    public double Position { get; private set; }

    public DateTimeOffset StageEnteredAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public List<string> Tags { get; private set; } = [];
    public Dictionary<string, object?> CustomFields { get; private set; } = [];
    public List<DealContact> Contacts { get; private set; } = [];
    public List<DealStageChange> StageHistory { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? LastActivityAt { get; private set; }
    public uint Version { get; private set; }

    /// <param name="lostReason">Kept only when <paramref name="stage"/> is the Lost stage (an imported lost deal).</param>
    public static Deal Create(DealDetails details, PipelineStage stage, Guid? createdBy, double position, DateTimeOffset now, string? lostReason = null)
    {
        var deal = new Deal
        {
            Id = Guid.CreateVersion7(now),
            CreatedAt = now,
            PipelineId = stage.PipelineId,
            StageId = stage.Id,
            Status = StatusFor(stage.Kind),
            StageEnteredAt = now,
            ClosedAt = stage.Kind == StageKind.Open ? null : now,
            Position = position,
        };
        deal.Set(details, now);
        deal.LostReason = stage.Kind == StageKind.Lost && !string.IsNullOrWhiteSpace(lostReason) ? lostReason.Trim() : null;
        deal.StageHistory.Add(new DealStageChange(deal.Id, null, stage.Id, now, createdBy));
        deal.Raise(new DealCreated(deal, now));
        return deal;
    }

    /// <summary>Replaces the editable fields (the caller has validated them).</summary>
    public void Update(DealDetails details, DateTimeOffset now)
    {
        var previousOwner = OwnerId;
        var previousContacts = ContactIds();
        Set(details, now);
        Raise(new DealUpdated(this, previousOwner, previousContacts, now));
    }

    /// <summary>Marks the deal deleted; the caller then removes it from the store (its contact links go with it).</summary>
    public void Delete(DateTimeOffset now) => Raise(new DealDeleted(this, ContactIds(), now));

    private List<Guid> ContactIds() => [.. Contacts.Select(c => c.PersonId)];

    private void Set(DealDetails details, DateTimeOffset now)
    {
        if (details.Amount < 0)
        {
            throw new DomainException("A deal's amount cannot be negative.");
        }

        Name = details.Name.Trim();
        Amount = details.Amount;
        Currency = details.Currency.Trim().ToUpperInvariant();
        CloseDate = details.CloseDate;
        OwnerId = details.OwnerId;
        CompanyId = details.CompanyId;
        Tags = details.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        CustomFields = new Dictionary<string, object?>(details.CustomFields);
        var wanted = details.ContactIds.Distinct().ToHashSet();
        Contacts.RemoveAll(c => !wanted.Contains(c.PersonId));
        foreach (var personId in wanted.Where(id => Contacts.All(c => c.PersonId != id)))
        {
            Contacts.Add(new DealContact(Id, personId));
        }

        UpdatedAt = now;
    }

    /// <summary>
    /// Moves the deal to <paramref name="stage"/> (same pipeline) at <paramref name="position"/>, recording the
    /// change. Entering Won or Lost closes the deal; leaving them reopens it.
    /// </summary>
    public void MoveToStage(PipelineStage stage, double position, Guid? by, DateTimeOffset now, string? lostReason = null) =>
        Move(stage, position, by, now, lostReason, stageRemoved: false);

    /// <summary>
    /// Moves the deal out of a stage that is being deleted into <paramref name="stage"/> (an open stage of the same
    /// pipeline): a move like any other, told apart so boards reload the changed pipeline rather than follow each card.
    /// </summary>
    public void LeaveRemovedStage(PipelineStage stage, double position, Guid? by, DateTimeOffset now) =>
        Move(stage, position, by, now, null, stageRemoved: true);

    private void Move(PipelineStage stage, double position, Guid? by, DateTimeOffset now, string? lostReason, bool stageRemoved)
    {
        if (stage.PipelineId != PipelineId)
        {
            throw new DomainException("A deal moves only between stages of its own pipeline.");
        }

        var from = StageId;
        Position = position;
        UpdatedAt = now;
        if (stage.Id != StageId)
        {
            StageHistory.Add(new DealStageChange(Id, StageId, stage.Id, now, by));
            StageId = stage.Id;
            StageEnteredAt = now;
            Status = StatusFor(stage.Kind);
            ClosedAt = Status == DealStatus.Open ? null : now;
            LostReason = Status == DealStatus.Lost ? lostReason?.Trim() : null;
        }

        Raise(new DealMoved(this, from, stage.Id, Status, stageRemoved, now));
        if (from != stage.Id && Status == DealStatus.Won)
        {
            Raise(new DealWon(Id, Amount, Currency, OwnerId, now));
        }
        else if (from != stage.Id && Status == DealStatus.Lost)
        {
            Raise(new DealLost(Id, LostReason, OwnerId, now));
        }
    }

    /// <summary>Moves the deal into another pipeline (its first open stage or the given one).</summary>
    public void MoveToPipeline(PipelineStage stage, double position, Guid? by, DateTimeOffset now)
    {
        PipelineId = stage.PipelineId;
        StageHistory.Add(new DealStageChange(Id, StageId, stage.Id, now, by));
        StageId = stage.Id;
        StageEnteredAt = now;
        Status = StatusFor(stage.Kind);
        ClosedAt = Status == DealStatus.Open ? null : now;
        Position = position;
        UpdatedAt = now;
    }

    public void AssignOwner(Guid? ownerId, DateTimeOffset now)
    {
        var previousOwner = OwnerId;
        OwnerId = ownerId;
        UpdatedAt = now;
        Raise(new DealUpdated(this, previousOwner, ContactIds(), now));
    }

    public void AddTag(string tag, DateTimeOffset now)
    {
        if (!Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
        {
            Tags = [.. Tags, tag];
            UpdatedAt = now;
        }

        // Raised even when the deal had the tag: a bulk tagging has always told every chosen deal's screens.
        Raise(new DealUpdated(this, OwnerId, ContactIds(), now));
    }

    public void ReplaceContact(Guid from, Guid to)
    {
        if (Contacts.RemoveAll(c => c.PersonId == from) > 0 && Contacts.All(c => c.PersonId != to))
        {
            Contacts.Add(new DealContact(Id, to));
        }
    }

    public void ChangeCompany(Guid? companyId) => CompanyId = companyId;

    public void TouchActivity(DateTimeOffset at) =>
        LastActivityAt = LastActivityAt is null || at > LastActivityAt ? at : LastActivityAt;

    /// <summary>Amount × probability of its stage, the pipeline's expected value.</summary>
    public decimal WeightedAmount(PipelineStage stage) => (Amount ?? 0m) * stage.Probability / 100m;

    /// <summary>The value of a required field, as stage rules see it (null or empty: missing).</summary>
    public bool HasValue(string field) => field switch
    {
        DealFields.Amount => Amount is not null,
        DealFields.CloseDate => CloseDate is not null,
        DealFields.Owner => OwnerId is not null,
        DealFields.Company => CompanyId is not null,
        DealFields.Contacts => Contacts.Count > 0,
        _ => CustomFields.TryGetValue(field, out var value) && value is not null && value.ToString() is { Length: > 0 },
    };

    private static DealStatus StatusFor(StageKind kind) => kind switch
    {
        StageKind.Won => DealStatus.Won,
        StageKind.Lost => DealStatus.Lost,
        _ => DealStatus.Open,
    };
}

/// <summary>Names of the built-in deal fields that stage rules can require.</summary>
public static class DealFields
{
    public const string Amount = "amount";
    public const string CloseDate = "closeDate";
    public const string Owner = "owner";
    public const string Company = "company";
    public const string Contacts = "contacts";

    public static IReadOnlyList<string> BuiltIn { get; } = [Amount, CloseDate, Owner, Company, Contacts];
}

public sealed record DealDetails(
    string Name,
    decimal? Amount,
    string Currency,
    DateOnly? CloseDate,
    Guid? OwnerId,
    Guid? CompanyId,
    IReadOnlyList<Guid> ContactIds,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, object?> CustomFields);

/// <summary>A person involved in a deal.</summary>
public sealed class DealContact(Guid dealId, Guid personId)
{
    public Guid DealId { get; private set; } = dealId;
    public Guid PersonId { get; private set; } = personId;
}

/// <summary>One stage change of a deal (the first entry has no <see cref="FromStageId"/>: the deal was created there).</summary>
public sealed class DealStageChange(Guid dealId, Guid? fromStageId, Guid toStageId, DateTimeOffset changedAt, Guid? changedById)
{
    public long Id { get; private set; }
    public Guid DealId { get; private set; } = dealId;
    public Guid? FromStageId { get; private set; } = fromStageId;
    public Guid ToStageId { get; private set; } = toStageId;
    public DateTimeOffset ChangedAt { get; private set; } = changedAt;
    public Guid? ChangedById { get; private set; } = changedById;
}
