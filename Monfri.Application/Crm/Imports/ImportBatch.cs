using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Text;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Imports;

/// <summary>
/// What one running import knows before its first row: the job, which column holds which field, the rules of
/// the create form (stages, custom fields, active owners) and who may be updated. Loaded once per job, so
/// rows are judged without a query per row.
/// </summary>
public sealed class ImportSession
{
    private readonly Dictionary<string, int> _columns;
    private readonly List<(string Key, int Column)> _customColumns;
    private readonly Dictionary<string, Guid> _users;

    private ImportSession(ImportJob job, IReadOnlyList<string> header, bool ownRecordsOnly, Dictionary<string, Guid> users, ContactRuleSet? contactRules, CompanyRuleSet? companyRules, DealImportRules? dealRules = null)
    {
        DealRules = dealRules;
        Job = job;
        HeaderCount = header.Count;
        Header = header;
        OwnRecordsOnly = ownRecordsOnly;
        _users = users;
        ContactRules = contactRules;
        CompanyRules = companyRules;
        _columns = job.Mapping.Where(m => header.Contains(m.Key)).ToDictionary(m => m.Value, m => header.ToList().IndexOf(m.Key));
        _customColumns = _columns.Where(c => c.Key.StartsWith(CustomFieldValues.FieldPrefix, StringComparison.Ordinal))
            .Select(c => (c.Key[CustomFieldValues.FieldPrefix.Length..], c.Value)).ToList();
    }

    public ImportJob Job { get; }
    public int HeaderCount { get; }

    /// <summary>The file's column names, for naming a column in a row's reason.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The uploader is a rep limited to their own records: rows may update only records they own.</summary>
    public bool OwnRecordsOnly { get; }

    public ContactRuleSet? ContactRules { get; }
    public CompanyRuleSet? CompanyRules { get; }
    public DealImportRules? DealRules { get; }

    public static async Task<ImportSession> LoadAsync(IMonfriDb db, ImportJob job, IReadOnlyList<string> header, IReadOnlyCollection<string> creatorRoles, CancellationToken cancellationToken)
    {
        var ownOnly = CrmAccess.IsSubjectToOwnRecordsRule(creatorRoles.Contains)
            && await db.WorkspaceSettings.AsNoTracking().Where(s => s.Id == Domain.Crm.WorkspaceSettings.SingletonId).Select(s => s.RepsSeeOnlyOwnRecords).FirstOrDefaultAsync(cancellationToken);
        var users = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in await db.UserRefs.Where(u => u.IsActive).ToListAsync(cancellationToken))
        {
            users.TryAdd(user.Email, user.Id);
            users.TryAdd(user.DisplayName, user.Id);
        }

        return job.ObjectType switch
        {
            CrmObjectType.Company => new ImportSession(job, header, ownOnly, users, null, await CompanyRuleSet.LoadAsync(db, cancellationToken)),
            CrmObjectType.Deal => new ImportSession(job, header, ownOnly, users, null, null, await DealImportRules.LoadAsync(db, cancellationToken)),
            _ => new ImportSession(job, header, ownOnly, users, await ContactRuleSet.LoadAsync(db, cancellationToken), null),
        };
    }

    /// <summary>
    /// The trimmed value of <paramref name="field"/> in <paramref name="record"/>, without the apostrophe an export puts
    /// before a formula-like value; null when unmapped or blank.
    /// </summary>
    public string? Cell(CsvRecord record, string field) =>
        _columns.TryGetValue(field, out var column) && column < record.Cells.Length && !string.IsNullOrWhiteSpace(record.Cells[column])
            ? SpreadsheetCells.Unguard(record.Cells[column].Trim())
            : null;

    /// <summary>The custom-field values a row gives (blank cells give none).</summary>
    public Dictionary<string, object?> CustomCells(CsvRecord record)
    {
        var values = new Dictionary<string, object?>();
        foreach (var (key, column) in _customColumns)
        {
            if (column < record.Cells.Length && !string.IsNullOrWhiteSpace(record.Cells[column]))
            {
                values[key] = SpreadsheetCells.Unguard(record.Cells[column].Trim());
            }
        }

        return values;
    }

    /// <summary>An active user named by email or display name.</summary>
    public Guid? FindUser(string emailOrName) => _users.TryGetValue(emailOrName.Trim(), out var id) ? id : null;
}

/// <summary>What one batch of rows comes to: records to insert, issues to record and the counts. Updates are applied to tracked entities.</summary>
public sealed class ImportBatchResult
{
    public List<Company> NewCompanies { get; } = [];
    public List<Person> NewPeople { get; } = [];
    public List<Deal> NewDeals { get; } = [];
    public List<AuditEntry> Audit { get; } = [];
    public List<ImportRowIssue> Issues { get; } = [];
    public int Created { get; internal set; }
    public int Updated { get; internal set; }
    public int Skipped { get; internal set; }
    public int Failed { get; internal set; }
    public int CompaniesCreated => NewCompanies.Count;
}

/// <summary>
/// Judges a batch of rows with the same rules as the create forms (<see cref="ContactInputValidator"/> and
/// <see cref="ContactRuleSet"/>, <see cref="CompanyInputValidator"/> and <see cref="CompanyRuleSet"/>) and decides
/// per row: create, update (mode <see cref="ImportMode.UpdateExisting"/>), skip or reject. Existing records
/// are looked up once per batch (by email for contacts, by domain for companies), so rows that repeat a
/// record earlier in the same file are recognised too. Nothing is written here: the caller inserts the new
/// records, saves the tracked updates and the issues in one transaction.
/// </summary>
public static partial class ImportBatch
{
    private static readonly ContactInputValidator ContactValidator = new();
    private static readonly CompanyInputValidator CompanyValidator = new();

    public static Task<ImportBatchResult> PlanAsync(IMonfriDb db, ImportSession session, IReadOnlyList<CsvRecord> rows, DateTimeOffset now, CancellationToken cancellationToken) =>
        session.Job.ObjectType switch
        {
            CrmObjectType.Company => PlanCompaniesAsync(db, session, rows, now, cancellationToken),
            CrmObjectType.Deal => PlanDealsAsync(db, session, rows, now, cancellationToken),
            _ => PlanContactsAsync(db, session, rows, now, cancellationToken),
        };

    private static async Task<ImportBatchResult> PlanContactsAsync(IMonfriDb db, ImportSession session, IReadOnlyList<CsvRecord> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var job = session.Job;
        var result = new ImportBatchResult();
        var emails = rows.Select(r => Person.Normalize(session.Cell(r, ImportFields.Email))).OfType<string>().Distinct().ToList();
        var byEmail = new Dictionary<string, Person>();
        foreach (var person in await ExistingPeopleAsync(db, emails, tracked: job.Mode == ImportMode.UpdateExisting, cancellationToken))
        {
            Remember(byEmail, person);
        }

        var companies = await CompanyLookup.LoadAsync(db, rows.Select(r => (session.Cell(r, ImportFields.CompanyName), session.Cell(r, ImportFields.CompanyDomain))), cancellationToken);

        foreach (var row in rows)
        {
            if (Unreadable(session, row) is { } unreadable)
            {
                Reject(result, job, row, unreadable);
                continue;
            }

            var email = Person.Normalize(session.Cell(row, ImportFields.Email));
            var match = email is null ? null : byEmail.GetValueOrDefault(email);
            if (match is not null && Duplicate(result, session, row, match.OwnerId, $"A contact with the email {email} already exists.") is false)
            {
                continue;
            }

            var errors = new List<ResultError>();
            var ownerId = Owner(session, row, errors);
            var input = match is null ? NewContact(session, row, ownerId ?? job.CreatedById) : MergedContact(session, row, match, ownerId);
            errors.AddRange(ContactValidator.Validate(input).Errors.Select(e => new ResultError(e.ErrorMessage, e.PropertyName)));
            var resolved = session.ContactRules!.Resolve(input, errors);
            if (!resolved.IsSuccess)
            {
                Reject(result, job, row, resolved.ErrorMessage);
                continue;
            }

            var details = resolved.Value;
            var companyName = session.Cell(row, ImportFields.CompanyName);
            var companyDomain = session.Cell(row, ImportFields.CompanyDomain);
            if (companyName is not null || companyDomain is not null)
            {
                var company = companies.Resolve(companyName, companyDomain, details.OwnerId, job, now, result, CompanyValidator);
                if (!company.IsSuccess)
                {
                    Reject(result, job, row, company.ErrorMessage);
                    continue;
                }

                details = details with { CompanyId = company.Value };
            }

            if (match is null)
            {
                var person = Person.CreateContact(details, now);
                result.NewPeople.Add(person);
                result.Audit.Add(AuditEntry.Record(CrmObjectType.Contact, person.Id, AuditAction.Imported, [], job.CreatedById, now, Summary(job)));
                Remember(byEmail, person);
                result.Created++;
            }
            else
            {
                match.Apply(details with { CustomFields = KeepUndefined(match.CustomFields, details.CustomFields, session.ContactRules.Definitions) }, now);
                Remember(byEmail, match);
                result.Updated++;
            }
        }

        return result;
    }

    private static async Task<ImportBatchResult> PlanCompaniesAsync(IMonfriDb db, ImportSession session, IReadOnlyList<CsvRecord> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var job = session.Job;
        var result = new ImportBatchResult();
        var domains = rows.Select(r => Company.NormalizeDomain(session.Cell(r, ImportFields.Domain))).OfType<string>().Distinct().ToList();
        var companies = job.Mode == ImportMode.UpdateExisting ? db.Companies : db.Companies.AsNoTracking();
        var byDomain = domains.Count == 0
            ? []
            : (await companies.Where(c => c.Domain != null && domains.Contains(c.Domain)).ToListAsync(cancellationToken)).ToDictionary(c => c.Domain!);

        foreach (var row in rows)
        {
            if (Unreadable(session, row) is { } unreadable)
            {
                Reject(result, job, row, unreadable);
                continue;
            }

            var domain = Company.NormalizeDomain(session.Cell(row, ImportFields.Domain));
            var match = domain is null ? null : byDomain.GetValueOrDefault(domain);
            // The existing company is named only to an uploader who may see it (a rep limited to their own records may not).
            if (match is not null && Duplicate(result, session, row, match.OwnerId,
                    session.OwnRecordsOnly && match.OwnerId != job.CreatedById
                        ? $"A company with the domain {domain} already exists, but you cannot see it."
                        : $"A company with the domain {domain} already exists ({match.Name}).") is false)
            {
                continue;
            }

            var errors = new List<ResultError>();
            var ownerId = Owner(session, row, errors);
            var input = match is null
                ? new CompanyInput
                {
                    Name = session.Cell(row, ImportFields.Name) ?? "",
                    Domain = session.Cell(row, ImportFields.Domain),
                    Industry = session.Cell(row, ImportFields.Industry),
                    Size = session.Cell(row, ImportFields.Size),
                    OwnerId = ownerId ?? job.CreatedById,
                    Tags = List(session.Cell(row, ImportFields.Tags)),
                    CustomFields = session.CustomCells(row),
                }
                : new CompanyInput
                {
                    Name = session.Cell(row, ImportFields.Name) ?? match.Name,
                    Domain = match.Domain,
                    Industry = session.Cell(row, ImportFields.Industry) ?? match.Industry,
                    Size = session.Cell(row, ImportFields.Size) ?? match.Size,
                    OwnerId = ownerId ?? match.OwnerId,
                    Tags = [.. match.Tags, .. List(session.Cell(row, ImportFields.Tags))],
                    CustomFields = Overlay(match.CustomFields, session.CustomCells(row), session.CompanyRules!.Definitions),
                };
            errors.AddRange(CompanyValidator.Validate(input).Errors.Select(e => new ResultError(e.ErrorMessage, e.PropertyName)));
            var resolved = session.CompanyRules!.Resolve(input);
            errors.AddRange(resolved.Errors);
            if (errors.Count > 0)
            {
                Reject(result, job, row, string.Join(" ", errors.Select(e => e.Message).Distinct()));
                continue;
            }

            if (match is null)
            {
                var company = Company.Create(resolved.Value, now);
                result.NewCompanies.Add(company);
                result.Audit.Add(AuditEntry.Record(CrmObjectType.Company, company.Id, AuditAction.Imported, [], job.CreatedById, now, Summary(job)));
                if (company.Domain is not null)
                {
                    byDomain[company.Domain] = company;
                }

                result.Created++;
            }
            else
            {
                match.Apply(resolved.Value with { CustomFields = KeepUndefined(match.CustomFields, resolved.Value.CustomFields, session.CompanyRules.Definitions) }, now);
                result.Updated++;
            }
        }

        return result;
    }

    /// <summary>
    /// The people who have one of <paramref name="emails"/> as their email or as one of their other emails. Two
    /// lookups on purpose: an <c>OR</c> of both, or an array overlap (<c>&amp;&amp;</c>) test, makes PostgreSQL
    /// compare every row's array with the whole batch, so each batch of an import got slower as the table grew
    /// (280 ms per 1,000 rows at 100,000 contacts). Here the primary email is one hashed <c>= ANY</c> (or the
    /// unique index), and other emails are only unnested for the few people who have any.
    /// </summary>
    private static async Task<List<Person>> ExistingPeopleAsync(IMonfriDb db, List<string> emails, bool tracked, CancellationToken cancellationToken)
    {
        if (emails.Count == 0)
        {
            return [];
        }

        var people = tracked ? db.People : db.People.AsNoTracking();
        var byPrimary = people.Where(p => p.Email != null && emails.Contains(p.Email));
        var byOther = people.Where(p => p.OtherEmails.Count > 0)
            .SelectMany(p => p.OtherEmails, (p, other) => new { Person = p, Other = other })
            .Where(x => emails.Contains(x.Other))
            .Select(x => x.Person);
        var found = await byPrimary.ToListAsync(cancellationToken);
        found.AddRange(await byOther.ToListAsync(cancellationToken));
        return found.DistinctBy(p => p.Id).ToList();
    }

    /// <summary>Applies the mode to a row that matches an existing record; false when the row stops here.</summary>
    private static bool Duplicate(ImportBatchResult result, ImportSession session, CsvRecord row, Guid? ownerId, string exists)
    {
        switch (session.Job.Mode)
        {
            case ImportMode.SkipDuplicates:
                result.Issues.Add(new ImportRowIssue(session.Job.Id, row.Row, ImportOutcomes.Skipped, exists));
                result.Skipped++;
                return false;
            case ImportMode.UpdateExisting when session.OwnRecordsOnly && ownerId != session.Job.CreatedById:
                Reject(result, session.Job, row, $"{exists} It belongs to another owner, and you may update only your own records.");
                return false;
            case ImportMode.UpdateExisting:
                return true;
            default:
                Reject(result, session.Job, row, $"{exists} Choose \"update existing\" or \"skip duplicates\" to import such rows.");
                return false;
        }
    }

    private static ContactInput NewContact(ImportSession session, CsvRecord row, Guid ownerId) => new()
    {
        FirstName = session.Cell(row, ImportFields.FirstName),
        LastName = session.Cell(row, ImportFields.LastName),
        Email = session.Cell(row, ImportFields.Email),
        OtherEmails = List(session.Cell(row, ImportFields.OtherEmails)),
        Phone = session.Cell(row, ImportFields.Phone),
        JobTitle = session.Cell(row, ImportFields.JobTitle),
        OwnerId = ownerId,
        LifecycleStage = session.Cell(row, ImportFields.LifecycleStage),
        LeadSource = session.Cell(row, ImportFields.LeadSource),
        Tags = List(session.Cell(row, ImportFields.Tags)),
        CustomFields = session.CustomCells(row),
    };

    /// <summary>An update fills what the row gives and keeps the rest: a blank cell never erases a value.</summary>
    private static ContactInput MergedContact(ImportSession session, CsvRecord row, Person match, Guid? ownerId) => new()
    {
        FirstName = session.Cell(row, ImportFields.FirstName) ?? match.FirstName,
        LastName = session.Cell(row, ImportFields.LastName) ?? match.LastName,
        Email = match.Email ?? session.Cell(row, ImportFields.Email),
        OtherEmails = [.. match.OtherEmails, .. List(session.Cell(row, ImportFields.OtherEmails))],
        Phone = session.Cell(row, ImportFields.Phone) ?? match.Phone,
        JobTitle = session.Cell(row, ImportFields.JobTitle) ?? match.JobTitle,
        CompanyId = match.CompanyId,
        OwnerId = ownerId ?? match.OwnerId,
        LifecycleStage = session.Cell(row, ImportFields.LifecycleStage) ?? match.LifecycleStage,
        LeadSource = session.Cell(row, ImportFields.LeadSource) ?? match.LeadSource,
        Tags = [.. match.Tags, .. List(session.Cell(row, ImportFields.Tags))],
        CustomFields = Overlay(match.CustomFields, session.CustomCells(row), session.ContactRules!.Definitions),
    };

    private static Guid? Owner(ImportSession session, CsvRecord row, List<ResultError> errors)
    {
        if (session.Cell(row, ImportFields.Owner) is not { } owner)
        {
            return null;
        }

        var id = session.FindUser(owner);
        if (id is null)
        {
            errors.Add(new ResultError($"No active user '{owner}' can own this record (use a user's email or name).", "owner"));
        }

        return id;
    }

    /// <summary>The stored values of defined fields, with the row's values over them (values of deleted fields are left out of the check).</summary>
    private static Dictionary<string, object?> Overlay(Dictionary<string, object?> stored, Dictionary<string, object?> row, IReadOnlyCollection<CustomFieldDefinition> definitions)
    {
        var values = stored.Where(v => definitions.Any(d => d.Key == v.Key)).ToDictionary(v => v.Key, v => v.Value);
        foreach (var (key, value) in row)
        {
            values[key] = value;
        }

        return values;
    }

    /// <summary>Values of fields deleted since they were stored stay on the record, as a form save keeps them.</summary>
    private static Dictionary<string, object?> KeepUndefined(Dictionary<string, object?> stored, IReadOnlyDictionary<string, object?> resolved, IReadOnlyCollection<CustomFieldDefinition> definitions)
    {
        var values = new Dictionary<string, object?>(resolved);
        foreach (var (key, value) in stored.Where(v => definitions.All(d => d.Key != v.Key)))
        {
            values[key] = value;
        }

        return values;
    }

    /// <summary>Why a row cannot be read as a record at all (before any field rule), or null.</summary>
    private static string? Unreadable(ImportSession session, CsvRecord row) =>
        Misaligned(session, row) ?? Unstorable(session, row);

    private static string? Misaligned(ImportSession session, CsvRecord row) =>
        row.Cells.Length > session.HeaderCount && row.Cells.Skip(session.HeaderCount).Any(c => !string.IsNullOrWhiteSpace(c))
            ? $"This row has {row.Cells.Length} values but the header has {session.HeaderCount} columns; a value probably contains the separator ('{(session.Job.Delimiter == '\t' ? "tab" : session.Job.Delimiter.ToString())}') without quotes around it."
            : null;

    // The upload refuses a file with NUL in its first 8 KB as binary; one further down would fail the whole batch's
    // COPY (PostgreSQL refuses U+0000 in text), so the row is rejected on its own instead.
    private static string? Unstorable(ImportSession session, CsvRecord row)
    {
        for (var i = 0; i < row.Cells.Length; i++)
        {
            if (StorableText.Problem(row.Cells[i]) is { } problem)
            {
                var column = i < session.Header.Count ? session.Header[i] : $"column {i + 1}";
                return $"{column}: {problem}";
            }
        }

        return null;
    }

    private static void Reject(ImportBatchResult result, ImportJob job, CsvRecord row, string reason)
    {
        result.Issues.Add(new ImportRowIssue(job.Id, row.Row, ImportOutcomes.Rejected, Limit(reason)));
        result.Failed++;
    }

    private static string Limit(string reason) => reason.Length <= 1000 ? reason : reason[..997] + "…";

    private static void Remember(Dictionary<string, Person> byEmail, Person person)
    {
        foreach (var email in person.OtherEmails.Prepend(person.Email).OfType<string>())
        {
            byEmail[email] = person;
        }
    }

    /// <summary>"vip; partner" or "vip, partner" → two values.</summary>
    private static List<string> List(string? cell) =>
        cell is null ? [] : [.. cell.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string Summary(ImportJob job) => $"Imported from {job.FileName}";

    /// <summary>Companies a contacts batch names, by domain and by name; a missing one is created once and then reused.</summary>
    private sealed class CompanyLookup
    {
        private readonly Dictionary<string, Guid> _byDomain = [];
        private readonly Dictionary<string, Guid> _byName = new(StringComparer.OrdinalIgnoreCase);

        public static async Task<CompanyLookup> LoadAsync(IMonfriDb db, IEnumerable<(string? Name, string? Domain)> references, CancellationToken cancellationToken)
        {
            var list = references.ToList();
            var domains = list.Select(r => Company.NormalizeDomain(r.Domain)).OfType<string>().Distinct().ToList();
            var names = list.Select(r => r.Name?.ToLowerInvariant()).OfType<string>().Distinct().ToList();
            var lookup = new CompanyLookup();
            if (domains.Count == 0 && names.Count == 0)
            {
                return lookup;
            }

            var found = await db.Companies.AsNoTracking()
                .Where(c => (c.Domain != null && domains.Contains(c.Domain)) || names.Contains(c.Name.ToLower()))
                .OrderBy(c => c.CreatedAt).Select(c => new { c.Id, c.Name, c.Domain }).ToListAsync(cancellationToken);
            foreach (var company in found)
            {
                lookup.Add(company.Id, company.Name, company.Domain);
            }

            return lookup;
        }

        /// <summary>The company a row names: by domain first, then by name; created when there is none (counted by the caller).</summary>
        public Result<Guid> Resolve(string? name, string? domainText, Guid? ownerId, ImportJob job, DateTimeOffset now, ImportBatchResult result, CompanyInputValidator validator)
        {
            var domain = Company.NormalizeDomain(domainText);
            if (domain is not null && _byDomain.TryGetValue(domain, out var id))
            {
                return id;
            }

            if (name is not null && _byName.TryGetValue(name.Trim(), out id))
            {
                return id;
            }

            var input = new CompanyInput { Name = name ?? domain ?? "", Domain = domainText, OwnerId = ownerId };
            var invalid = validator.Validate(input);
            if (!invalid.IsValid)
            {
                return Result<Guid>.Invalid($"Company: {string.Join(" ", invalid.Errors.Select(e => e.ErrorMessage))}", "company");
            }

            var company = Company.Create(new CompanyDetails(input.Name, domain, null, null, ownerId, [], new Dictionary<string, object?>()), now);
            result.NewCompanies.Add(company);
            result.Audit.Add(AuditEntry.Record(CrmObjectType.Company, company.Id, AuditAction.Imported, [], job.CreatedById, now, $"Created by the {(job.ObjectType == CrmObjectType.Deal ? "deal" : "contact")} import of {job.FileName}"));
            Add(company.Id, company.Name, company.Domain);
            return company.Id;
        }

        private void Add(Guid id, string name, string? domain)
        {
            if (domain is not null)
            {
                _byDomain.TryAdd(domain, id);
            }

            _byName.TryAdd(name.Trim(), id);
        }
    }
}
