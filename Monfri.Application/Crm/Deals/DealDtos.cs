using Monfri.Application.Crm.Pipelines;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals;

/// <summary>One row of the deals list.</summary>
public sealed record DealListItem(
    Guid Id,
    string Name,
    decimal? Amount,
    string Currency,
    DateOnly? CloseDate,
    DealStatus Status,
    Guid PipelineId,
    string PipelineName,
    Guid StageId,
    string StageName,
    int Probability,
    decimal WeightedAmount,
    Guid? OwnerId,
    string? OwnerName,
    Guid? CompanyId,
    string? CompanyName,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, object?> CustomFields,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    uint Version);

/// <summary>A deal with everything its page shows.</summary>
public sealed record DealDetail(
    Guid Id,
    string Name,
    decimal? Amount,
    string Currency,
    DateOnly? CloseDate,
    DealStatus Status,
    string? LostReason,
    PipelineDto Pipeline,
    PipelineStageDto Stage,
    decimal WeightedAmount,
    DealPerson? Owner,
    DealLink? Company,
    IReadOnlyList<DealLink> Contacts,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, object?> CustomFields,
    IReadOnlyList<DealStageVisit> StageHistory,
    DateTimeOffset StageEnteredAt,
    bool IsRotting,
    DateTimeOffset? ClosedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    double Position,
    uint Version)
{
    /// <summary>Whether the viewer may edit, move, win, lose or delete it (<see cref="Monfri.Application.Common.Security.Permission.EditDeals"/>).</summary>
    public bool CanEdit { get; init; }

    /// <summary>Whether the viewer may move it past the pipeline's stage rules (<see cref="Monfri.Application.Common.Security.Permission.OverrideStageRules"/>).</summary>
    public bool CanOverrideStageRules { get; init; }
}

/// <summary>A company or contact linked from a deal; <see cref="Detail"/> is a contact's email or a company's domain.</summary>
public sealed record DealLink(Guid Id, string Name, string? Detail);

public sealed record DealPerson(Guid Id, string Name, string Email);

/// <summary>
/// One stay of the deal in a stage, oldest first: entered at <see cref="EnteredAt"/>, left at <see cref="LeftAt"/>
/// (null: still there). A stage deleted since then is named "(deleted stage)".
/// </summary>
public sealed record DealStageVisit(
    Guid StageId,
    string StageName,
    Guid? FromStageId,
    string? FromStageName,
    DateTimeOffset EnteredAt,
    DateTimeOffset? LeftAt,
    TimeSpan TimeInStage,
    string? ChangedBy);

/// <summary>
/// What boards and lists need to apply a change without a reload; also the live-feed payload of every
/// <c>deal.*</c> update on <c>pipeline:{id}</c>.
/// </summary>
public sealed record DealSnapshot(
    Guid Id,
    string Name,
    Guid PipelineId,
    Guid StageId,
    DealStatus Status,
    Guid? OwnerId,
    decimal? Amount,
    double Position,
    uint Version,
    DateTimeOffset StageEnteredAt)
{
    public static DealSnapshot Of(Deal deal) =>
        new(deal.Id, deal.Name, deal.PipelineId, deal.StageId, deal.Status, deal.OwnerId, deal.Amount, deal.Position, deal.Version, deal.StageEnteredAt);
}

/// <summary>What the deal form offers: pipelines with stages, possible owners, deal custom fields.</summary>
public sealed record DealFormOptions(
    IReadOnlyList<PipelineDto> Pipelines,
    IReadOnlyList<DealPerson> Owners,
    IReadOnlyList<DealCustomField> CustomFields,
    string DefaultCurrency)
{
    /// <summary>Whether the viewer may create, import and change deals (<see cref="Monfri.Application.Common.Security.Permission.EditDeals"/>).</summary>
    public bool CanEditDeals { get; init; }
}

public sealed record DealCustomField(string Key, string Label, CustomFieldType Type, IReadOnlyList<string> Options);
