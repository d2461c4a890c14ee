using System.Text.Json;
using Monfri.Application.Crm.Companies;
using Monfri.Application.Common.Persistence;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;
using Npgsql;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>
/// A company an identify (<c>traits.company</c>, a name or Segment's object with <c>name</c>) or a group call
/// (<c>groupId</c>, <c>traits.name</c>) names. A group call often carries its traits only once: a later call with
/// just the <c>groupId</c> has no name and links to the company the group was linked to before.
/// </summary>
public sealed record EventCompany(string? Name, string? Domain, string? GroupId = null);

/// <summary>
/// Links people to the company their identify or group calls name, creating the company when there is none, by
/// the rules a contact import uses: the same domain first, else the same name ignoring case, punctuation and legal
/// form (<see cref="CompanyMatchKeys"/>, as duplicates are flagged), the oldest match winning. Set-based, one round
/// trip per claim — and none for a claim without company data.
/// </summary>
internal static class CompanyLinks
{
    private static readonly CompanyInputValidator Validator = new();

    /// <summary>The company an event names: identify <c>traits.company</c> / <c>companyName</c>; group its <c>groupId</c> and <c>traits.name</c> (or website).</summary>
    public static EventCompany? Of(string type, JsonElement? traits, string? groupId = null)
    {
        groupId = type == "group" && groupId?.Trim() is { Length: > 0 and <= 200 } g ? g : null;
        if (traits is not { ValueKind: JsonValueKind.Object } t)
        {
            return groupId is null ? null : new EventCompany(null, null, groupId);
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
            return groupId is null ? null : new EventCompany(null, null, groupId);
        }

        name = name.Length > 200 ? name[..200].Trim() : name;
        // A website the form would refuse is dropped; the name still links.
        if (domain is not null && !Validator.Validate(new CompanyInput { Name = name, Domain = domain }).IsValid)
        {
            domain = null;
        }

        return new EventCompany(name, domain, groupId);
    }

    private static readonly string Link =
        $"""
        WITH r AS (
            SELECT u.person_id, u.new_id, u.name, u.domain, u.group_id, {CompanyMatchKeys.NameKey("u.name")} AS name_key
            FROM unnest(@p::uuid[], @ids::uuid[], @n::text[], @d::text[], @g::text[]) u(person_id, new_id, name, domain, group_id)
        ),
        -- Computed once: inlined into the look-up below it was computed again for every person of the claim, the
        -- name key (two regular expressions) of every company each time.
        candidates AS MATERIALIZED (
            SELECT c.id, c.name, c.domain, c.created_at, {CompanyMatchKeys.NameKey("c.name")} AS name_key
            FROM companies c
            WHERE c.domain IN (SELECT domain FROM r WHERE domain IS NOT NULL)
               OR {CompanyMatchKeys.NameKey("c.name")} IN (SELECT name_key FROM r WHERE name_key <> '')
        ),
        -- A group already linked stays with its company (the group id outlives a renamed account).
        matched AS (
            SELECT r.person_id, r.new_id, r.name, r.domain, r.name_key, r.group_id,
                   coalesce(
                       (SELECT g.company_id FROM cdp_company_groups g WHERE g.group_id = r.group_id),
                       (SELECT c.id FROM candidates c
                        WHERE (r.domain IS NOT NULL AND c.domain = r.domain) OR (r.name_key <> '' AND c.name_key = r.name_key)
                        ORDER BY coalesce(c.domain = r.domain, false) DESC, lower(c.name) = lower(r.name) DESC, c.created_at, c.id
                        LIMIT 1)) AS company_id
            FROM r
        ),
        -- Not found: one new company per domain (else name) however many people of the claim name it, the first
        -- one's id; a name without a domain that a new company with a domain has is that company.
        pending AS (
            SELECT m.*, coalesce(m.domain, nullif(m.name_key, ''), lower(m.name)) AS k FROM matched m WHERE m.company_id IS NULL AND m.name IS NOT NULL
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
        ),
        -- A group id seen with a company is remembered for its later calls without traits (first link wins).
        grouped AS (
            INSERT INTO cdp_company_groups (group_id, company_id, linked_at)
            SELECT DISTINCT ON (m.group_id) m.group_id, c.company_id, @now
            FROM matched m JOIN chosen c USING (person_id)
            WHERE m.group_id IS NOT NULL AND c.company_id IS NOT NULL
            ORDER BY m.group_id, m.person_id
            ON CONFLICT (group_id) DO NOTHING
        )
        UPDATE people p SET company_id = c.company_id, updated_at = @now
        FROM chosen c
        WHERE p.id = c.person_id AND c.company_id IS NOT NULL AND p.company_id IS DISTINCT FROM c.company_id
        """;

    /// <summary>
    /// Takes each person's latest company of the claim (later calls win; one with a name over a bare group id),
    /// then finds or creates the companies and links the people. Two claims naming the same new company queue on an
    /// advisory lock of its name and domain keys (and a new group on its id), so it is created once. The people rows
    /// were locked in id order by the last-seen update before.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<IngestEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<Guid, EventCompany>();
        foreach (var e in events.Where(e => e.Company is not null).OrderBy(e => e.Timestamp))
        {
            // A call with only a group id (linked before, or not) does not undo a company named in the same claim.
            if (e.Company!.Name is not null || !latest.TryGetValue(e.PersonId, out var named) || named.Name is null)
            {
                latest[e.PersonId] = e.Company;
            }
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
                SELECT DISTINCT hashtextextended('company:' || key, {AdvisoryLocks.CompanyKeySeed}) AS k
                FROM unnest(@n::text[], @d::text[], @g::text[]) u(name, domain, group_id)
                CROSS JOIN LATERAL (VALUES ({CompanyMatchKeys.NameKey("u.name")}), (u.domain), ('group:' || u.group_id)) x(key)
                WHERE key IS NOT NULL AND key <> ''
                ORDER BY 1) s
            """);
        locks.Parameters.Add(new NpgsqlParameter<string?[]>("n", rows.Select(r => r.Value.Name).ToArray()));
        locks.Parameters.Add(new NpgsqlParameter<string?[]>("d", rows.Select(r => r.Value.Domain).ToArray()));
        locks.Parameters.Add(new NpgsqlParameter<string?[]>("g", rows.Select(r => r.Value.GroupId).ToArray()));
        batch.BatchCommands.Add(locks);

        // A statement of its own after the locks: its snapshot then sees a company another claim just created.
        var link = new NpgsqlBatchCommand(Link);
        link.Parameters.Add(new NpgsqlParameter<Guid[]>("p", rows.Select(r => r.Key).ToArray()));
        link.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", rows.Select(_ => Guid.CreateVersion7(now)).ToArray()));
        link.Parameters.Add(new NpgsqlParameter<string?[]>("n", rows.Select(r => r.Value.Name).ToArray()));
        link.Parameters.Add(new NpgsqlParameter<string?[]>("d", rows.Select(r => r.Value.Domain).ToArray()));
        link.Parameters.Add(new NpgsqlParameter<string?[]>("g", rows.Select(r => r.Value.GroupId).ToArray()));
        link.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        batch.BatchCommands.Add(link);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
