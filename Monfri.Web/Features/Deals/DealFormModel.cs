using System.Globalization;
using Monfri.Application.Crm.CustomFields;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.UpdateDeal;

namespace Monfri.Web.Features.Deals;

/// <summary>What the deal form edits; turns into the create or update command, which do all the checking.</summary>
public sealed class DealFormModel
{
    public string Name { get; set; } = "";
    public decimal? Amount { get; set; }
    public string Currency { get; set; } = "";
    public DateOnly? CloseDate { get; set; }
    public Guid? OwnerId { get; set; }
    public DealLink? Company { get; set; }
    public List<DealLink> Contacts { get; set; } = [];
    public string Tags { get; set; } = "";

    /// <summary>Custom field values as typed (text); the use case converts them to the field's type.</summary>
    public Dictionary<string, string?> CustomFields { get; set; } = [];

    public static DealFormModel From(DealDetail deal) => new()
    {
        Name = deal.Name,
        Amount = deal.Amount,
        Currency = deal.Currency,
        CloseDate = deal.CloseDate,
        OwnerId = deal.Owner?.Id,
        Company = deal.Company,
        Contacts = [.. deal.Contacts],
        Tags = string.Join(", ", deal.Tags),
        CustomFields = deal.CustomFields.ToDictionary(f => f.Key, f => StoredText(f.Value)),
    };

    public CreateDealCommand ToCreate(Guid? pipelineId, Guid? stageId) => Fill(new CreateDealCommand { PipelineId = pipelineId, StageId = stageId });

    public UpdateDealCommand ToUpdate(Guid id, uint version) => Fill(new UpdateDealCommand { Id = id, Version = version });

    private T Fill<T>(T command) where T : DealInput => command with
    {
        Name = Name,
        Amount = Amount,
        Currency = Currency,
        CloseDate = CloseDate,
        OwnerId = OwnerId,
        CompanyId = Company?.Id,
        ContactIds = Contacts.Select(c => c.Id).ToList(),
        Tags = Tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        CustomFields = CustomFields.Where(f => !string.IsNullOrWhiteSpace(f.Value)).ToDictionary(f => f.Key, f => (object?)f.Value),
    };

    // Booleans come back as "true"/"false" so the checkbox and the converter agree; lists as "a; b".
    private static string? StoredText(object? value) => CustomFieldValues.Unwrap(value) switch
    {
        null => null,
        bool b => b ? "true" : "false",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        IEnumerable<object?> list => string.Join("; ", list.Select(CustomFieldValues.Display)),
        var other => CustomFieldValues.Display(other),
    };
}
