using System.Text.Json;
using Monfri.Application.Crm.Companies;
using Monfri.Domain.Crm;
using Npgsql;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>A company an identify (<c>traits.company</c>, a name or Segment's object with <c>name</c>) or a group call (<c>traits.name</c>) names.</summary>
public sealed record EventCompany(string Name, string? Domain);

/// <summary>
/// Links people to the company their identify or group calls name, creating the company when there is none, by
/// the rules a contact import uses: the same domain first, else the same name ignoring case, punctuation and legal
/// form (<see cref="CompanyMatchKeys"/>, as duplicates are flagged), the oldest match winning. Set-based, one round
/// trip per claim — and none for a claim without company data.
/// </summary>
internal static class CompanyLinks
{
    private static readonly CompanyInputValidator Validator = new();

    /// <summary>The company an event names: identify <c>traits.company</c> / <c>companyName</c>; group <c>traits.name</c> (or its website).</summary>
    public static EventCompany? Of(string type, JsonElement? traits)
    {
        if (traits is not { ValueKind: JsonValueKind.Object } t)
        {
            return null;
        }

        string? name = null, domain = null;
        if (type == "identify")
        {
            if (t.TryGetProperty("company", out var company))
            {
                (name, domain) = company.ValueKind switch
                {
                    JsonValueKind.String => (company.GetString(), null),
                    JsonValueKind.Object => (String(company, "name"), String(company, "domain") ?? String(company, "website")),
                    _ => (null, null),
                };
            }

            name ??= String(t, "companyName");
        }
        else if (type == "group")
        {
            (name, domain) = (String(t, "name"), String(t, "domain") ?? String(t, "website"));
        }

        domain = Company.NormalizeDomain(domain);
        name = name?.Trim() is { Length: > 0 } n ? n : domain;
        if (name is null)
        {
            return null;
        }

        name = name.Length > 200 ? name[..200].Trim() : name;
        // A website the form would refuse is dropped; the name still links.
        if (domain is not null && !Validator.Validate(new CompanyInput { Name = name, Domain = domain }).IsValid)
        {
            domain = null;
        }

        return new EventCompany(name, domain);
    }

    private static readonly string Link =
        $"""
        WITH r AS (
            SELECT u.person_id, u.new_id, u.name, u.domain, {CompanyMatchKeys.NameKey("u.name")} AS name_key
            FROM unnest(@p::uuid[], @ids::uuid[], @n::text[], @d::text[]) u(person_id, new_id, name, domain)
        ),
        candidates AS (
            SELECT c.id, c.name, c.domain, c.created_at, {CompanyMatchKeys.NameKey("c.name")} AS name_key
            FROM companies c
            WHERE c.domain IN (SELECT domain FROM r WHERE domain IS NOT NULL)
               OR {CompanyMatchKeys.NameKey("c.name")} IN (SELECT name_key FROM r WHERE name_key <> '')
        ),
        matched AS (
            SELECT r.person_id, r.new_id, r.name, r.domain, r.name_key,
                   (SELECT c.id FROM candidates c
                    WHERE (r.domain IS NOT NULL AND c.domain = r.domain) OR (r.name_key <> '' AND c.name_key = r.name_key)
                    ORDER BY coalesce(c.domain = r.domain, false) DESC, lower(c.name) = lower(r.name) DESC, c.created_at, c.id
                    LIMIT 1) AS company_id
            FROM r
        ),
        -- Not found: one new company per domain (else name) however many people of the claim name it, the first
        -- one's id; a name without a domain that a new company with a domain has is that company.
        pending AS (
            SELECT m.*, coalesce(m.domain, nullif(m.name_key, ''), lower(m.name)) AS k FROM matched m WHERE m.company_id IS NULL
        ),
        missing AS (
            SELECT DISTINCT ON (k) new_id, name, domain, name_key, k FROM pending p
            WHERE p.domain IS NOT NULL
               OR NOT EXISTS (SELECT 1 FROM pending o WHERE o.domain IS NOT NULL AND p.name_key <> '' AND o.name_key = p.name_key)
            ORDER BY k, new_id
        ),
        -- Runs whether or not referenced (a data-modifying WITH always does); the people's foreign key is checked
        -- at the end of the statement, when the new companies are there.
        created AS (
            INSERT INTO companies (id, name, domain, tags, custom_fields, created_at, updated_at)
            SELECT new_id, name, domain, '{"{}"}', '{"{}"}'::jsonb, @now, @now FROM missing ORDER BY new_id
        ),
        chosen AS (
            SELECT m.person_id, coalesce(m.company_id,
                (SELECT x.new_id FROM missing x WHERE x.k = coalesce(m.domain, nullif(m.name_key, ''), lower(m.name))),
                (SELECT x.new_id FROM missing x WHERE x.domain IS NOT NULL AND m.name_key <> '' AND x.name_key = m.name_key ORDER BY x.new_id LIMIT 1)) AS company_id
            FROM matched m
        )
        UPDATE people p SET company_id = c.company_id, updated_at = @now
        FROM chosen c
        WHERE p.id = c.person_id AND p.company_id IS DISTINCT FROM c.company_id
        """;

    /// <summary>
    /// Takes each person's latest company of the claim (later calls win), then finds or creates the companies and
    /// links the people. Two claims naming the same new company queue on an advisory lock of its name and domain
    /// keys, so it is created once. The people rows were locked in id order by the last-seen update before.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<IngestEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<Guid, EventCompany>();
        foreach (var e in events.Where(e => e.Company is not null).OrderBy(e => e.Timestamp))
        {
            latest[e.PersonId] = e.Company!;
        }

        if (latest.Count == 0)
        {
            return;
        }

        var rows = latest.OrderBy(l => l.Key).ToList();
        await using var batch = new NpgsqlBatch(connection);
        var locks = new NpgsqlBatchCommand(
            $"""
            SELECT count(pg_advisory_xact_lock(k)) FROM (
                SELECT DISTINCT hashtextextended('company:' || key, 0) AS k
                FROM unnest(@n::text[], @d::text[]) u(name, domain)
                CROSS JOIN LATERAL (VALUES ({CompanyMatchKeys.NameKey("u.name")}), (u.domain)) x(key)
                WHERE key IS NOT NULL AND key <> ''
                ORDER BY 1) s
            """);
        locks.Parameters.Add(new NpgsqlParameter<string[]>("n", rows.Select(r => r.Value.Name).ToArray()));
        locks.Parameters.Add(new NpgsqlParameter<string?[]>("d", rows.Select(r => r.Value.Domain).ToArray()));
        batch.BatchCommands.Add(locks);

        // A statement of its own after the locks: its snapshot then sees a company another claim just created.
        var link = new NpgsqlBatchCommand(Link);
        link.Parameters.Add(new NpgsqlParameter<Guid[]>("p", rows.Select(r => r.Key).ToArray()));
        link.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", rows.Select(_ => Guid.CreateVersion7(now)).ToArray()));
        link.Parameters.Add(new NpgsqlParameter<string[]>("n", rows.Select(r => r.Value.Name).ToArray()));
        link.Parameters.Add(new NpgsqlParameter<string?[]>("d", rows.Select(r => r.Value.Domain).ToArray()));
        link.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        batch.BatchCommands.Add(link);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
