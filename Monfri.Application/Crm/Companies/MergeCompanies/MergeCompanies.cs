using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Companies.GetCompany;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Companies.MergeCompanies;

/// <summary>
/// Merges two companies that are one. The survivor keeps its id; <see cref="ChosenValues"/> says per field whose
/// value it keeps (unlisted: the survivor's when set, else the absorbed one's). Tags of both are kept; the
/// absorbed company's contacts, deals and activities move to the survivor, and the absorbed company is deleted —
/// in one transaction. If either record changed since the versions were read, the merge is a conflict.
/// </summary>
[RequiresPermission(Permission.EditContacts)]
public sealed record MergeCompaniesCommand(
    Guid SurvivorId,
    Guid AbsorbedId,
    IReadOnlyDictionary<string, MergeSide>? ChosenValues,
    uint SurvivorVersion,
    uint AbsorbedVersion) : ICommand<Result<CompanyDetail>>;

public sealed class MergeCompaniesValidator : AbstractValidator<MergeCompaniesCommand>
{
    public MergeCompaniesValidator()
    {
        RuleFor(c => c.SurvivorId).NotEmpty();
        RuleFor(c => c.AbsorbedId).NotEmpty().NotEqual(c => c.SurvivorId).WithMessage("A company cannot be merged with itself.");
    }
}

public sealed class MergeCompaniesHandler(
    IMonfriDbFactory dbFactory, ICompanyMergeStore merges, CrmAccess access, TimeProvider clock, IMediator mediator)
    : ICommandHandler<MergeCompaniesCommand, Result<CompanyDetail>>
{
    private const string Changed = "One of the companies was changed by someone else since you opened the merge. Reload and merge again.";

    public async ValueTask<Result<CompanyDetail>> Handle(MergeCompaniesCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var survivor = await db.Companies.FirstOrDefaultAsync(c => c.Id == command.SurvivorId, cancellationToken);
        var absorbed = await db.Companies.FirstOrDefaultAsync(c => c.Id == command.AbsorbedId, cancellationToken);
        if (survivor is null || absorbed is null
            || !await access.CanSeeAsync(db, survivor.OwnerId, cancellationToken) || !await access.CanSeeAsync(db, absorbed.OwnerId, cancellationToken))
        {
            return Result<CompanyDetail>.NotFound("One of the companies does not exist, or you may not see it.");
        }

        if (survivor.Version != command.SurvivorVersion || absorbed.Version != command.AbsorbedVersion)
        {
            return Result<CompanyDetail>.Conflict(Changed);
        }

        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == CrmObjectType.Company).ToListAsync(cancellationToken);
        var choices = command.ChosenValues ?? new Dictionary<string, MergeSide>();
        var keys = CompanyMergeFields.Keys(definitions);
        if (choices.Keys.Where(k => !keys.Contains(k)).ToList() is { Count: > 0 } unknown)
        {
            return Result<CompanyDetail>.Invalid([.. unknown.Select(k => new ResultError($"'{k}' is not a field of a company.", nameof(command.ChosenValues)))]);
        }

        var input = CompanyMergeFields.Combine(survivor, absorbed, keys, choices);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = new List<MergeMoved>();
        foreach (var participant in CompanyMergeFields.Participants)
        {
            moved.Add(await participant(db, absorbed.Id, survivor.Id, cancellationToken));
        }

        // Group calls linked to the absorbed company (by their groupId, CompanyLinks in ingest) now link to the survivor.
        await merges.MoveGroupLinksAsync(db, absorbed.Id, survivor.Id, cancellationToken);

        // The absorbed company goes first: its domain may be the one the survivor keeps, and domains are unique.
        db.AuditLog.Add(AuditEntry.Record(CrmObjectType.Company, absorbed.Id, AuditAction.Deleted, [], access.UserId, clock.GetUtcNow(),
            Merging.AbsorbedSummary(absorbed.Name, input.Name.Trim(), survivor.Id)));
        db.Remove(absorbed);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<CompanyDetail>.Conflict(Changed);
        }

        var details = await CompanyRules.ResolveAsync(db, input, survivor.Id, access, cancellationToken);
        if (!details.IsSuccess)
        {
            return Result<CompanyDetail>.From(details);
        }

        var now = clock.GetUtcNow();
        survivor.Apply(details.Value, now);
        survivor.Absorb(absorbed, now);
        db.AuditLog.Add(AuditEntry.Record(CrmObjectType.Company, survivor.Id, AuditAction.Merged, [], access.UserId, now,
            Merging.Summary(absorbed.Name, absorbed.Domain, absorbed.Id, moved)));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Result<CompanyDetail>.Conflict(Changed);
        }

        // Both pages hear of the merge once this commits (CompanyLiveUpdates).
        await transaction.CommitAsync(cancellationToken);
        return await mediator.Send(new GetCompanyQuery(survivor.Id), cancellationToken);
    }
}

/// <summary>The fields a company merge chooses between, and the data that follows the survivor.</summary>
internal static class CompanyMergeFields
{
    public static readonly IReadOnlyList<(string Key, string Label)> BuiltIn =
        [("name", "Name"), ("domain", "Domain"), ("industry", "Industry"), ("size", "Size"), ("owner", "Owner")];

    /// <summary>Everything that points at a company; data added later that belongs to companies joins this list.</summary>
    public static readonly IReadOnlyList<MergeParticipant> Participants = [MoveContactsAsync, MoveDealsAsync, MoveActivitiesAsync];

    public static HashSet<string> Keys(IEnumerable<CustomFieldDefinition> definitions) =>
        [.. BuiltIn.Select(f => f.Key), .. definitions.Select(d => CustomFieldValues.FieldPrefix + d.Key)];

    public static object? Value(Company company, string key) => key switch
    {
        "name" => company.Name,
        "domain" => company.Domain,
        "industry" => company.Industry,
        "size" => company.Size,
        "owner" => company.OwnerId,
        _ => company.CustomFields.GetValueOrDefault(key[CustomFieldValues.FieldPrefix.Length..]),
    };

    public static CompanyInput Combine(Company survivor, Company absorbed, IReadOnlyCollection<string> keys, IReadOnlyDictionary<string, MergeSide> choices)
    {
        object? Pick(string key)
        {
            var (mine, theirs) = (Value(survivor, key), Value(absorbed, key));
            var side = Merging.Resolve(choices.TryGetValue(key, out var chosen) ? chosen : null, Merging.HasValue(mine), Merging.HasValue(theirs));
            return side == MergeSide.Survivor ? mine : theirs;
        }

        return new CompanyInput
        {
            Name = (string?)Pick("name") ?? survivor.Name,
            Domain = (string?)Pick("domain"),
            Industry = (string?)Pick("industry"),
            Size = (string?)Pick("size"),
            OwnerId = (Guid?)Pick("owner"),
            Tags = survivor.Tags,
            CustomFields = keys.Where(k => k.StartsWith(CustomFieldValues.FieldPrefix, StringComparison.Ordinal))
                .ToDictionary(k => k[CustomFieldValues.FieldPrefix.Length..], Pick),
        };
    }

    private static async Task<MergeMoved> MoveContactsAsync(IMonfriDb db, Guid absorbedId, Guid survivorId, CancellationToken cancellationToken) =>
        new(await db.People.Where(p => p.CompanyId == absorbedId).ExecuteUpdateAsync(s => s.SetProperty(p => p.CompanyId, survivorId), cancellationToken),
            "contact", "contacts");

    private static async Task<MergeMoved> MoveDealsAsync(IMonfriDb db, Guid absorbedId, Guid survivorId, CancellationToken cancellationToken) =>
        new(await db.Deals.Where(d => d.CompanyId == absorbedId).ExecuteUpdateAsync(s => s.SetProperty(d => d.CompanyId, survivorId), cancellationToken),
            "deal", "deals");

    private static async Task<MergeMoved> MoveActivitiesAsync(IMonfriDb db, Guid absorbedId, Guid survivorId, CancellationToken cancellationToken) =>
        new(await db.Activities.Where(a => a.CompanyId == absorbedId).ExecuteUpdateAsync(s => s.SetProperty(a => a.CompanyId, survivorId), cancellationToken),
            "activity", "activities");
}
