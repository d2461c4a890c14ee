using System.Text;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.CustomFields;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Imports;

/// <summary>A field a CSV column can be mapped to: a built-in one or a custom field (<c>customFields.{key}</c>).</summary>
public sealed record ImportField(string Key, string Label, bool IsCustom = false);

/// <summary>
/// The fields an import can fill, the names a header usually has for each (so "E-mail" or "Email Address"
/// are mapped to email without the user choosing), and the check that a mapping can import anything at all.
/// </summary>
public static class ImportFields
{
    public const string FirstName = "firstName";
    public const string LastName = "lastName";
    public const string Email = "email";
    public const string OtherEmails = "otherEmails";
    public const string Phone = "phone";
    public const string JobTitle = "jobTitle";
    public const string CompanyName = "companyName";
    public const string CompanyDomain = "companyDomain";
    public const string Owner = "owner";
    public const string LifecycleStage = "lifecycleStage";
    public const string LeadSource = "leadSource";
    public const string Tags = "tags";
    public const string Name = "name";
    public const string Domain = "domain";
    public const string Industry = "industry";
    public const string Size = "size";
    public const string Amount = "amount";
    public const string Currency = "currency";
    public const string CloseDate = "closeDate";
    public const string Pipeline = "pipeline";
    public const string Stage = "stage";
    public const string ContactEmail = "contactEmail";
    public const string LostReason = "lostReason";

    private static readonly (string Key, string Label, string[] Headers)[] ContactFields =
    [
        (FirstName, "First name", ["firstname", "first", "givenname", "forename", "vorname", "prenom", "nombre"]),
        (LastName, "Last name", ["lastname", "last", "surname", "familyname", "nachname", "nom", "nomdefamille", "apellido", "apellidos"]),
        (Email, "Email", ["email", "emailaddress", "mail", "workemail", "primaryemail", "emailadresse", "courriel", "adressemail", "adresseemail", "correo", "correoelectronico"]),
        (OtherEmails, "Other emails", ["otheremails", "otheremail", "secondaryemail", "personalemail", "additionalemails"]),
        (Phone, "Phone", ["phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell", "telefon", "telefono", "portable", "handy", "mobil"]),
        (JobTitle, "Job title", ["jobtitle", "title", "position", "role", "fonction", "poste", "cargo"]),
        (CompanyName, "Company (name)", ["company", "companyname", "organization", "organisation", "account", "accountname", "employer", "firma", "societe", "entreprise", "unternehmen", "empresa"]),
        (CompanyDomain, "Company (domain or website)", ["domain", "website", "companydomain", "companywebsite", "web", "url", "site", "siteweb", "webseite"]),
        (Owner, "Owner (user email or name)", ["owner", "owneremail", "contactowner", "assignedto", "salesrep"]),
        (LifecycleStage, "Lifecycle stage", ["lifecyclestage", "lifecycle", "stage"]),
        (LeadSource, "Lead source", ["leadsource", "source"]),
        (Tags, "Tags", ["tags", "tag", "labels"]),
    ];

    private static readonly (string Key, string Label, string[] Headers)[] CompanyFields =
    [
        (Name, "Name", ["name", "company", "companyname", "organization", "organisation", "account", "accountname", "firma", "societe", "entreprise", "unternehmen", "empresa"]),
        (Domain, "Domain or website", ["domain", "website", "url", "web", "companydomain", "site"]),
        (Industry, "Industry", ["industry", "sector", "branche"]),
        (Size, "Size", ["size", "employees", "companysize", "headcount", "numberofemployees"]),
        (Owner, "Owner (user email or name)", ["owner", "owneremail", "companyowner", "assignedto", "accountowner"]),
        (Tags, "Tags", ["tags", "tag", "labels"]),
    ];

    // Company and contact name the deal's relations (company by domain or name, contact by email), as in the contacts import.
    private static readonly (string Key, string Label, string[] Headers)[] DealFields =
    [
        (Name, "Name", ["name", "deal", "dealname", "title", "opportunity", "opportunityname"]),
        (Amount, "Amount", ["amount", "value", "dealvalue", "dealamount", "revenue", "betrag"]),
        (Currency, "Currency (ISO code)", ["currency", "currencycode", "waehrung"]),
        (CloseDate, "Close date (YYYY-MM-DD)", ["closedate", "expectedclosedate", "closingdate", "close"]),
        (Pipeline, "Pipeline (name)", ["pipeline", "pipelinename"]),
        (Stage, "Stage (name; Won or Lost close the deal)", ["stage", "dealstage", "stagename", "phase"]),
        (Owner, "Owner (user email or name)", ["owner", "owneremail", "dealowner", "assignedto", "salesrep"]),
        (CompanyName, "Company (name)", ["company", "companyname", "organization", "organisation", "account", "accountname", "firma", "societe", "entreprise", "unternehmen", "empresa"]),
        (CompanyDomain, "Company (domain or website)", ["domain", "website", "companydomain", "companywebsite", "web", "url", "site"]),
        (ContactEmail, "Contact (email)", ["contact", "contactemail", "email", "emailaddress", "personemail"]),
        (LostReason, "Lost reason", ["lostreason", "reasonlost", "lossreason"]),
        (Tags, "Tags", ["tags", "tag", "labels"]),
    ];

    /// <summary>The fields of <paramref name="objectType"/> in the order a mapping menu lists them.</summary>
    public static IReadOnlyList<ImportField> For(CrmObjectType objectType, IEnumerable<CustomFieldDefinition> customFields) =>
    [
        .. Builtin(objectType).Select(f => new ImportField(f.Key, f.Label)),
        .. customFields.Where(d => d.ObjectType == objectType).OrderBy(d => d.Order)
            .Select(d => new ImportField(CustomFieldValues.FieldPrefix + d.Key, d.Label, IsCustom: true)),
    ];

    /// <summary>The field a column named <paramref name="header"/> most likely holds, or null.</summary>
    public static string? Suggest(CrmObjectType objectType, string header, IReadOnlyList<ImportField> fields)
    {
        var name = Simplify(header);
        if (name.Length == 0)
        {
            return null;
        }

        // A custom field's own key or label wins over a synonym ("Source" may be a custom field of its own).
        var custom = fields.FirstOrDefault(f => f.IsCustom && (Simplify(f.Key[CustomFieldValues.FieldPrefix.Length..]) == name || Simplify(f.Label) == name));
        if (custom is not null)
        {
            return custom.Key;
        }

        return Builtin(objectType).FirstOrDefault(f => f.Headers.Contains(name) || Simplify(f.Label) == name).Key;
    }

    /// <summary>A suggestion for every column of <paramref name="header"/>; a field is suggested for one column only.</summary>
    public static Dictionary<string, string> SuggestMapping(CrmObjectType objectType, IReadOnlyList<string> header, IReadOnlyList<ImportField> fields)
    {
        var mapping = new Dictionary<string, string>();
        foreach (var column in header)
        {
            if (Suggest(objectType, column, fields) is { } key && !mapping.ContainsValue(key))
            {
                mapping[column] = key;
            }
        }

        return mapping;
    }

    /// <summary>Why <paramref name="mapping"/> cannot import <paramref name="header"/>'s file; empty when it can.</summary>
    public static List<ResultError> Check(CrmObjectType objectType, IReadOnlyList<string> header, IReadOnlyDictionary<string, string> mapping, IReadOnlyList<ImportField> fields)
    {
        var errors = new List<ResultError>();
        var used = mapping.Where(m => !string.IsNullOrEmpty(m.Value)).ToList();
        foreach (var (column, field) in used)
        {
            if (!header.Contains(column))
            {
                errors.Add(new ResultError($"The file has no column '{column}'.", "mapping"));
            }

            if (fields.All(f => f.Key != field))
            {
                errors.Add(new ResultError($"'{field}' is not a field of {Plural(objectType)} (column '{column}').", "mapping"));
            }
        }

        foreach (var twice in used.GroupBy(m => m.Value).Where(g => g.Count() > 1))
        {
            var label = fields.FirstOrDefault(f => f.Key == twice.Key)?.Label ?? twice.Key;
            errors.Add(new ResultError($"{label} is mapped from several columns ({string.Join(", ", twice.Select(m => $"'{m.Key}'"))}); choose one.", "mapping"));
        }

        var mapped = used.Select(m => m.Value).ToHashSet();
        if (objectType == CrmObjectType.Contact && !mapped.Overlaps([FirstName, LastName, Email]))
        {
            errors.Add(new ResultError("Map at least one column to first name, last name or email: a contact needs a name or an email address.", "mapping"));
        }
        else if (objectType == CrmObjectType.Company && !mapped.Contains(Name))
        {
            errors.Add(new ResultError("Map a column to the company name: every company needs one.", "mapping"));
        }
        else if (objectType == CrmObjectType.Deal && !mapped.Contains(Name))
        {
            errors.Add(new ResultError("Map a column to the deal name: every deal needs one.", "mapping"));
        }

        return errors;
    }

    private static (string Key, string Label, string[] Headers)[] Builtin(CrmObjectType objectType) => objectType switch
    {
        CrmObjectType.Contact => ContactFields,
        CrmObjectType.Company => CompanyFields,
        CrmObjectType.Deal => DealFields,
        _ => [],
    };

    private static string Plural(CrmObjectType objectType) => objectType switch
    {
        CrmObjectType.Company => "companies",
        CrmObjectType.Deal => "deals",
        _ => "contacts",
    };

    /// <summary>
    /// "E-mail Address " → "emailaddress", "Prénom" → "prenom": case, accents, spaces and punctuation do not matter in
    /// headers ("ß" is spelled out: it has no decomposed form).
    /// </summary>
    private static string Simplify(string text) =>
        new(text.Replace("ß", "ss", StringComparison.Ordinal).Normalize(NormalizationForm.FormD)
            .Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
