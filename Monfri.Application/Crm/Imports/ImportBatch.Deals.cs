using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.CustomFields;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Pipelines;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Imports;

/// <summary>
/// What a deal import checks rows against, loaded once per job: the pipelines with their stages, the deal
/// custom fields and the workspace's default currency (the same facts the create form's resolver reads).
/// </summary>
public sealed class DealImportRules
{
    private DealImportRules(List<Pipeline> pipelines, List<CustomFieldDefinition> definitions, string defaultCurrency)
    {
        Pipelines = pipelines;
        Definitions = definitions;
        DefaultCurrency = defaultCurrency;
    }

    public IReadOnlyList<Pipeline> Pipelines { get; }
    public IReadOnlyCollection<CustomFieldDefinition> Definitions { get; }
    public string DefaultCurrency { get; }

    public static async Task<DealImportRules> LoadAsync(IMonfriDb db, CancellationToken cancellationToken)
    {
        var pipelines = await db.Pipelines.AsNoTracking().Include(p => p.Stages).OrderByDescending(p => p.IsDefault).ThenBy(p => p.Order).ToListAsync(cancellationToken);
        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Deal).ToListAsync(cancellationToken);
        var currency = await db.WorkspaceSettings.AsNoTracking().Where(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId).Select(s => s.DefaultCurrency).FirstOrDefaultAsync(cancellationToken) ?? "EUR";
        return new DealImportRules(pipelines, definitions, currency);
    }

    /// <summary>
    /// The stage a row names: <paramref name="stageName"/> within <paramref name="pipelineName"/> (the default
    /// pipeline when empty); without a stage, the pipeline's first open stage. Names compare case-insensitively.
    /// </summary>
    public Result<PipelineStage> Stage(string? pipelineName, string? stageName)
    {
        var pipeline = pipelineName is null
            ? Pipelines.FirstOrDefault()
            : Pipelines.FirstOrDefault(p => string.Equals(p.Name, pipelineName, StringComparison.OrdinalIgnoreCase));
        if (pipeline is null)
        {
            return Result<PipelineStage>.Invalid(
                pipelineName is null ? "There is no pipeline yet; an admin or manager creates one in Settings → Pipelines." : $"There is no pipeline '{pipelineName}'.",
                "pipeline");
        }

        if (stageName is null)
        {
            return pipeline.OpenStages.First();
        }

        var stage = pipeline.Stages.FirstOrDefault(s => string.Equals(s.Name, stageName, StringComparison.OrdinalIgnoreCase));
        return stage is null
            ? Result<PipelineStage>.Invalid($"The pipeline {pipeline.Name} has no stage '{stageName}'.", "stage")
            : stage;
    }

    /// <summary>The fields <paramref name="stage"/> requires that <paramref name="deal"/> lacks, as the form says them.</summary>
    public List<string> Missing(Deal deal, PipelineStage stage) =>
        stage.RequiredFields.Where(f => !deal.HasValue(f))
            .Select(f => $"{PipelineRules.BuiltInFieldLabels.GetValueOrDefault(f) ?? Definitions.FirstOrDefault(d => d.Key == f)?.Label ?? f} is required to enter {stage.Name}.")
            .ToList();
}

/// <summary>The deal shape of the create form, filled from a row so the form's validator judges it.</summary>
internal sealed record ImportedDeal : DealInput;

public static partial class ImportBatch
{
    private static readonly DealInputValidator DealValidator = new();
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-M-d", "yyyy/MM/dd", "dd.MM.yyyy", "d.M.yyyy"];

    /// <summary>
    /// Every valid row creates a deal (deals have no identifying key, so the mode is always create). The row is
    /// judged like the create form: <see cref="DealInputValidator"/>, the stage's required fields and the deal
    /// custom fields; a pipeline, stage, owner or contact it names must exist. Companies are linked by domain or
    /// name and created when missing, as in the contacts import. Each new deal records its first stage-history
    /// entry and goes below the cards already in its column.
    /// </summary>
    private static async Task<ImportBatchResult> PlanDealsAsync(IMonfriDb db, ImportSession session, IReadOnlyList<CsvRecord> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var job = session.Job;
        var rules = session.DealRules!;
        var result = new ImportBatchResult();
        var emails = rows.Select(r => Person.Normalize(session.Cell(r, ImportFields.ContactEmail))).OfType<string>().Distinct().ToList();
        var byEmail = new Dictionary<string, Person>();
        foreach (var person in (await ExistingPeopleAsync(db, emails, tracked: false, cancellationToken)).Where(p => p.IsContact))
        {
            Remember(byEmail, person);
        }

        var companies = await CompanyLookup.LoadAsync(db, rows.Select(r => (session.Cell(r, ImportFields.CompanyName), session.Cell(r, ImportFields.CompanyDomain))), cancellationToken);
        var lastPositions = await db.Deals.AsNoTracking().GroupBy(d => d.StageId)
            .Select(g => new { StageId = g.Key, Position = g.Max(d => d.Position) })
            .ToDictionaryAsync(x => x.StageId, x => x.Position, cancellationToken);

        foreach (var row in rows)
        {
            if (Unreadable(session, row) is { } unreadable)
            {
                Reject(result, job, row, unreadable);
                continue;
            }

            var errors = new List<ResultError>();
            var ownerId = Owner(session, row, errors) ?? job.CreatedById;
            var amount = Parse(session.Cell(row, ImportFields.Amount), ParseAmount, "The amount is not a number.", errors);
            var closeDate = Parse(session.Cell(row, ImportFields.CloseDate), ParseDate, "Enter a real close date (YYYY-MM-DD).", errors);
            var stage = rules.Stage(session.Cell(row, ImportFields.Pipeline), session.Cell(row, ImportFields.Stage));
            errors.AddRange(stage.Errors);
            if (session.Cell(row, ImportFields.LostReason) is { Length: > 500 })
            {
                errors.Add(new ResultError("A lost reason has at most 500 characters.", "lostReason"));
            }

            var contactIds = new List<Guid>();
            if (session.Cell(row, ImportFields.ContactEmail) is { } contactEmail)
            {
                if (byEmail.GetValueOrDefault(Person.Normalize(contactEmail) ?? "") is { } contact)
                {
                    contactIds.Add(contact.Id);
                }
                else
                {
                    errors.Add(new ResultError($"No contact has the email {contactEmail}; import the contact first.", "contact"));
                }
            }

            var input = new ImportedDeal
            {
                Name = session.Cell(row, ImportFields.Name) ?? "",
                Amount = amount,
                Currency = session.Cell(row, ImportFields.Currency),
                CloseDate = closeDate,
                OwnerId = ownerId,
                ContactIds = contactIds,
                Tags = List(session.Cell(row, ImportFields.Tags)),
                CustomFields = session.CustomCells(row),
            };
            errors.AddRange(DealValidator.Validate(input).Errors.Select(e => new ResultError(e.ErrorMessage, e.PropertyName)));
            var (customFields, customErrors) = CustomFieldValues.Normalize(input.CustomFields, rules.Definitions);
            errors.AddRange(customErrors);
            if (errors.Count > 0)
            {
                Reject(result, job, row, string.Join(" ", errors.Select(e => e.Message).Distinct()));
                continue;
            }

            var companyName = session.Cell(row, ImportFields.CompanyName);
            var companyDomain = session.Cell(row, ImportFields.CompanyDomain);
            var currency = string.IsNullOrWhiteSpace(input.Currency) ? rules.DefaultCurrency : input.Currency.Trim().ToUpperInvariant();
            var details = new DealDetails(input.Name.Trim(), amount, currency, closeDate, ownerId, null, contactIds, input.Tags, customFields);

            // The stage's required fields are checked before a company is created for the row, so a rejected row
            // leaves no company behind (the company only needs to be named here).
            var probe = Deal.Create(details with { CompanyId = companyName is null && companyDomain is null ? null : Guid.Empty }, stage.Value, null, 0, now);
            if (rules.Missing(probe, stage.Value) is { Count: > 0 } missing)
            {
                Reject(result, job, row, string.Join(" ", missing));
                continue;
            }

            if (companyName is not null || companyDomain is not null)
            {
                var company = companies.Resolve(companyName, companyDomain, ownerId, job, now, result, CompanyValidator);
                if (!company.IsSuccess)
                {
                    Reject(result, job, row, company.ErrorMessage);
                    continue;
                }

                details = details with { CompanyId = company.Value };
            }

            var position = lastPositions.GetValueOrDefault(stage.Value.Id) + DealPositions.Gap;
            var deal = Deal.Create(details, stage.Value, job.CreatedById, position, now, session.Cell(row, ImportFields.LostReason));
            lastPositions[stage.Value.Id] = position;
            result.NewDeals.Add(deal);
            result.Audit.Add(AuditEntry.Record(CrmObjectType.Deal, deal.Id, AuditAction.Imported, [], job.CreatedById, now, Summary(job)));
            result.Created++;
        }

        return result;
    }

    private static T? Parse<T>(string? cell, Func<string, T?> parse, string error, List<ResultError> errors)
        where T : struct
    {
        if (cell is null)
        {
            return null;
        }

        var value = parse(cell);
        if (value is null)
        {
            errors.Add(new ResultError(error));
        }

        return value;
    }

    /// <summary>"1234.5", "1,234.50", "€ 1234" → 1234.5; decimal point only (a comma is a thousands separator).</summary>
    private static decimal? ParseAmount(string cell)
    {
        var text = new string(cell.Where(c => !char.IsWhiteSpace(c) && !char.IsLetter(c) && !char.IsSymbol(c)).ToArray());
        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : null;
    }

    private static DateOnly? ParseDate(string cell) =>
        DateOnly.TryParseExact(cell, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
