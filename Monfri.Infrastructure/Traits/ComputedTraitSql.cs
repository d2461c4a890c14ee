using Monfri.Application.Common.Persistence;

namespace Monfri.Infrastructure.Traits;

/// <summary>
/// The SQL that keeps computed traits current, in one place: the ingest workers (Npgsql), the backfill, the
/// ageing job and a merge by hand (EF) all run these texts, so a value never depends on which path computed it.
/// <para>
/// State is kept as daily buckets per (trait, person, day of the event's own timestamp), so a late event lands
/// where it belongs and a window ("last 30 days") is a filter on days. Buckets combine associatively (counts and
/// sums add, min/max/first/last compare), which makes adding a claim's events and moving a merged profile's
/// buckets the same upsert. The value a screen reads is materialised per (person, trait) in
/// <c>cdp_trait_values</c> and recomputed from the buckets for exactly the pairs a change touched.
/// </para>
/// Parameters: <c>@persons uuid[]</c>, <c>@today date</c> (UTC, from the app's clock), <c>@now timestamptz</c>,
/// <c>@trait uuid</c>, <c>@since timestamptz</c>, <c>@winner</c>/<c>@loser uuid</c>.
/// </summary>
public static class ComputedTraitSql
{
    /// <summary>Kinds that need a number; a value that is not one is skipped (and counted) per event.</summary>
    private const string NumericKinds = "('Sum', 'Average', 'Min', 'Max')";

    /// <summary>A day inside a trait's window: today and the <c>window_days − 1</c> days before it.</summary>
    private const string InWindow = "(t.window_days IS NULL OR {0} > @today - t.window_days)";

    /// <summary>
    /// Per-person locks for trait work, in one sorted order: a claim, a backfill chunk, the ageing job and a
    /// merge never compute the same person's values from different snapshots at once.
    /// </summary>
    public static readonly string LockPersons =
        $"SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtextextended(p::text, {AdvisoryLocks.TraitPersonSeed}) AS k FROM unnest(@persons::uuid[]) p ORDER BY 1) s";

    /// <summary>
    /// What a backfill chunk, the ageing job and a rebuild take before touching people's traits: first the people
    /// rows (key share, sorted) — so an ingest merge holding one of them for update finishes first instead of
    /// deadlocking with the foreign key checks of our inserts — then the same per-person locks as ingest.
    /// </summary>
    public static readonly IReadOnlyList<string> LockPeople =
    [
        "SELECT count(*) FROM (SELECT id FROM people WHERE id = ANY(@persons::uuid[]) ORDER BY id FOR KEY SHARE) s",
        LockPersons,
    ];

    /// <summary>
    /// Events matched to traits, one row per (event, trait), with the property read as JSON, as a number (JSON
    /// numbers and numeric strings) and as text. <paramref name="source"/> yields
    /// <c>(person_id, ts, type, event, properties)</c>.
    /// </summary>
    private static string Matched(string source, string traitCondition) =>
        $$"""
        e AS ({{source}}),
        x AS (
            SELECT t.id AS trait_id, t.kind, e.person_id, (e.ts AT TIME ZONE 'UTC')::date AS day, e.ts, v.v, v.num, v.txt,
                   CASE WHEN t.kind = 'EventCount' THEN true
                        WHEN t.kind IN {{NumericKinds}} THEN v.num IS NOT NULL
                        WHEN t.kind IN ('FirstValue', 'LastValue') THEN v.v IS NOT NULL
                        ELSE v.txt IS NOT NULL END AS ok
            FROM e
            JOIN cdp_computed_traits t ON (t.event_type IS NULL OR t.event_type = e.type)
                AND (t.event_name IS NULL OR t.event_name = e.event)
                AND (t.filter_path IS NULL OR e.properties #>> string_to_array(t.filter_path, '.') = t.filter_value)
                AND {{string.Format(System.Globalization.CultureInfo.InvariantCulture, InWindow, "(e.ts AT TIME ZONE 'UTC')::date")}}
                {{traitCondition}}
            CROSS JOIN LATERAL (SELECT nullif(e.properties #> string_to_array(t.property_path, '.'), 'null'::jsonb) AS v) p
            CROSS JOIN LATERAL (SELECT p.v AS v,
                CASE WHEN jsonb_typeof(p.v) = 'number' THEN (p.v #>> '{}')::numeric
                     WHEN jsonb_typeof(p.v) = 'string' AND (p.v #>> '{}') ~ '^\s*[-+]?([0-9]{1,30}(\.[0-9]{0,30})?|\.[0-9]{1,30})\s*$'
                         THEN trim(p.v #>> '{}')::numeric END AS num,
                CASE WHEN jsonb_typeof(p.v) IN ('string', 'number', 'boolean') THEN left(p.v #>> '{}', 200) END AS txt) v
        )
        """;

    /// <summary>How an incoming bucket (<c>excluded</c>) combines with a stored one (<c>b</c>).</summary>
    private const string Combine =
        """
        n = b.n + excluded.n,
        skipped = b.skipped + excluded.skipped,
        num_n = b.num_n + excluded.num_n,
        sum = CASE WHEN b.sum IS NULL OR excluded.sum IS NULL THEN coalesce(b.sum, excluded.sum) ELSE b.sum + excluded.sum END,
        min = least(b.min, excluded.min),
        max = greatest(b.max, excluded.max),
        first_value = CASE WHEN excluded.first_at IS NOT NULL AND (b.first_at IS NULL OR excluded.first_at < b.first_at
                               OR (excluded.first_at = b.first_at AND excluded.first_value::text < b.first_value::text))
                           THEN excluded.first_value ELSE b.first_value END,
        first_at = least(b.first_at, excluded.first_at),
        last_value = CASE WHEN excluded.last_at IS NOT NULL AND (b.last_at IS NULL OR excluded.last_at > b.last_at
                              OR (excluded.last_at = b.last_at AND excluded.last_value::text < b.last_value::text))
                          THEN excluded.last_value ELSE b.last_value END,
        last_at = greatest(b.last_at, excluded.last_at),
        counts = CASE WHEN b.counts IS NULL OR excluded.counts IS NULL THEN coalesce(b.counts, excluded.counts)
                      ELSE (SELECT jsonb_object_agg(u.key, u.c) FROM (
                                SELECT key, sum(value::bigint) AS c FROM (SELECT * FROM jsonb_each(b.counts) UNION ALL SELECT * FROM jsonb_each(excluded.counts)) a
                                GROUP BY key) u) END
        """;

    private const string BucketColumns = "trait_id, person_id, day, n, skipped, num_n, sum, min, max, first_at, first_value, last_at, last_value, counts";

    /// <summary>
    /// The matched events of <paramref name="source"/> aggregated per (trait, person, day) as buckets: CTEs ending in
    /// <c>a</c> (everything but the per-value counts) and <c>k</c> (the counts), joined by <see cref="AggregatedRows"/>.
    /// </summary>
    private static string Aggregated(string source, string traitCondition) =>
        $"""
        WITH {Matched(source, traitCondition)},
        k AS (
            SELECT trait_id, person_id, day, jsonb_object_agg(txt, c) AS counts
            FROM (SELECT trait_id, person_id, day, txt, count(*) AS c FROM x WHERE ok AND kind IN ('MostFrequent', 'UniqueCount') GROUP BY 1, 2, 3, 4) g
            GROUP BY 1, 2, 3
        ),
        a AS (
            SELECT trait_id, person_id, day, count(*) AS n, count(*) FILTER (WHERE NOT ok) AS skipped,
                   count(*) FILTER (WHERE ok AND kind IN {NumericKinds}) AS num_n,
                   sum(num) FILTER (WHERE ok AND kind IN ('Sum', 'Average')) AS sum,
                   min(num) FILTER (WHERE ok AND kind = 'Min') AS min,
                   max(num) FILTER (WHERE ok AND kind = 'Max') AS max,
                   min(ts) FILTER (WHERE ok AND kind = 'FirstValue') AS first_at,
                   (array_agg(v ORDER BY ts, v::text) FILTER (WHERE ok AND kind = 'FirstValue'))[1] AS first_value,
                   max(ts) FILTER (WHERE ok AND kind = 'LastValue') AS last_at,
                   (array_agg(v ORDER BY ts DESC, v::text) FILTER (WHERE ok AND kind = 'LastValue'))[1] AS last_value
            FROM x GROUP BY 1, 2, 3
        )
        """;

    private const string AggregatedRows =
        """
        SELECT a.trait_id, a.person_id, a.day, a.n, a.skipped, a.num_n, a.sum, a.min, a.max, a.first_at, a.first_value, a.last_at, a.last_value, k.counts
        FROM a LEFT JOIN k USING (trait_id, person_id, day)
        ORDER BY 1, 2, 3
        """;

    /// <summary>Adds the matched events of <paramref name="source"/> to the buckets (one statement, set-based).</summary>
    private static string AddBuckets(string source, string traitCondition) =>
        $"""
        {Aggregated(source, traitCondition)}
        INSERT INTO cdp_trait_buckets AS b ({BucketColumns})
        {AggregatedRows}
        ON CONFLICT (trait_id, person_id, day) DO UPDATE SET {Combine}
        """;

    /// <summary>The events of one claim, sent as arrays (<c>@p, @ts, @ty, @ev, @pr</c>; properties as JSON text).</summary>
    private const string ClaimSource =
        "SELECT u.person_id, u.ts, u.type, u.event, u.props::jsonb AS properties FROM unnest(@p::uuid[], @ts::timestamptz[], @ty::text[], @ev::text[], @pr::text[]) u(person_id, ts, type, event, props)";

    /// <summary>Stored events of <c>@persons</c> from <c>@since</c> on.</summary>
    private const string StoredSource =
        """SELECT person_id, "timestamp" AS ts, type, event, properties FROM cdp_events WHERE person_id = ANY(@persons::uuid[]) AND "timestamp" >= @since""";

    /// <summary>
    /// A claim's events as buckets to add (<see cref="AddClaimBuckets"/>), matched and aggregated without touching any
    /// table but the definitions — so an ingest claim does this part before it takes the per-person locks, and holds
    /// them only for the upserts. Numbers and JSON come back as text (exact, whatever their size) and go back as text.
    /// </summary>
    public static readonly string ClaimBuckets =
        $"""
        {Aggregated(ClaimSource, "")}
        SELECT r.trait_id, r.person_id, r.day, r.n, r.skipped, r.num_n, r.sum::text, r.min::text, r.max::text,
               r.first_at, r.first_value::text, r.last_at, r.last_value::text, r.counts::text
        FROM ({AggregatedRows}) r
        ORDER BY 1, 2, 3
        """;

    /// <summary>
    /// Adds the buckets <see cref="ClaimBuckets"/> returned (parameters <c>@bt, @bp, @bd, @bn, @bs, @bnn, @bsum,
    /// @bmin, @bmax, @bfa, @bfv, @bla, @blv, @bc</c>, one array per column, sorted by trait, person and day).
    /// </summary>
    public static readonly string AddClaimBuckets =
        $"""
        INSERT INTO cdp_trait_buckets AS b ({BucketColumns})
        SELECT u.t, u.p, u.d, u.n, u.s, u.nn, u.sum::numeric, u.min::numeric, u.max::numeric, u.fa, u.fv::jsonb, u.la, u.lv::jsonb, u.c::jsonb
        FROM unnest(@bt::uuid[], @bp::uuid[], @bd::date[], @bn::bigint[], @bs::bigint[], @bnn::bigint[], @bsum::text[], @bmin::text[], @bmax::text[],
                    @bfa::timestamptz[], @bfv::text[], @bla::timestamptz[], @blv::text[], @bc::text[])
            u(t, p, d, n, s, nn, sum, min, max, fa, fv, la, lv, c)
        ORDER BY 1, 2, 3
        ON CONFLICT (trait_id, person_id, day) DO UPDATE SET {Combine}
        """;

    /// <summary>Locks the people of a claim, when there is any trait to update.</summary>
    public static readonly string LockClaimPersons =
        $"SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtextextended(p::text, {AdvisoryLocks.TraitPersonSeed}) AS k FROM unnest(@persons::uuid[]) p WHERE EXISTS (SELECT 1 FROM cdp_computed_traits) ORDER BY 1) s";

    /// <summary>Rebuilds one trait's buckets of <c>@persons</c> from their stored events (backfill chunk).</summary>
    public static readonly IReadOnlyList<string> RebuildTraitBuckets =
    [
        "DELETE FROM cdp_trait_buckets WHERE trait_id = @trait AND person_id = ANY(@persons::uuid[])",
        AddBuckets(StoredSource, "AND t.id = @trait"),
    ];

    /// <summary>Rebuilds every trait's buckets of <c>@persons</c> from their stored events.</summary>
    public static readonly IReadOnlyList<string> RebuildAllBuckets =
        ["DELETE FROM cdp_trait_buckets WHERE person_id = ANY(@persons::uuid[])", AddBuckets(StoredSource, "")];

    /// <summary>Rebuilds the buckets of <c>@persons</c> for the traits still backfilling (after a merge during a backfill).</summary>
    public static readonly IReadOnlyList<string> RebuildBackfillingBuckets =
    [
        "DELETE FROM cdp_trait_buckets b USING cdp_computed_traits t WHERE t.id = b.trait_id AND t.status = 'Backfilling' AND b.person_id = ANY(@persons::uuid[])",
        AddBuckets(StoredSource, "AND t.status = 'Backfilling'"),
    ];

    /// <summary>Moves the loser's buckets and built-in stats onto the winner (they combine like any two buckets).</summary>
    public static readonly IReadOnlyList<string> MoveToWinner =
    [
        $"""
        INSERT INTO cdp_trait_buckets AS b ({BucketColumns})
        SELECT trait_id, @winner, day, n, skipped, num_n, sum, min, max, first_at, first_value, last_at, last_value, counts
        FROM cdp_trait_buckets WHERE person_id = @loser ORDER BY trait_id, day
        ON CONFLICT (trait_id, person_id, day) DO UPDATE SET {Combine}
        """,
        "DELETE FROM cdp_trait_buckets WHERE person_id = @loser",
        "DELETE FROM cdp_trait_values WHERE person_id = @loser",
        $"""
        INSERT INTO cdp_profile_stats AS st ({StatsColumns})
        SELECT @winner, first_touch_at, first_touch_source, first_touch_medium, first_touch_campaign,
               last_touch_at, last_touch_source, last_touch_medium, last_touch_campaign, updated_at
        FROM cdp_profile_stats WHERE person_id = @loser
        ON CONFLICT (person_id) DO UPDATE SET {CombineStats}
        """,
        "DELETE FROM cdp_profile_stats WHERE person_id = @loser",
    ];

    /// <summary>
    /// Recomputes the values of the pairs <paramref name="pairs"/> yields (<c>trait_id, person_id</c>) from their
    /// buckets. Counts are 0 when nothing is in the window; other kinds have no value then (the row goes).
    /// </summary>
    private static string Recompute(string pairs) =>
        $$"""
        WITH pairs AS (SELECT DISTINCT q.trait_id, q.person_id FROM ({{pairs}}) q JOIN people pe ON pe.id = q.person_id),
        v AS (
            SELECT p.trait_id, p.person_id,
                CASE t.kind
                    WHEN 'EventCount' THEN to_jsonb(coalesce(sum(b.n) FILTER (WHERE w.inwin), 0))
                    WHEN 'Sum' THEN to_jsonb(sum(b.sum) FILTER (WHERE w.inwin))
                    WHEN 'Average' THEN to_jsonb(round(sum(b.sum) FILTER (WHERE w.inwin) / nullif(sum(b.num_n) FILTER (WHERE w.inwin AND b.sum IS NOT NULL), 0), 4))
                    WHEN 'Min' THEN to_jsonb(min(b.min) FILTER (WHERE w.inwin))
                    WHEN 'Max' THEN to_jsonb(max(b.max) FILTER (WHERE w.inwin))
                    WHEN 'FirstValue' THEN (array_agg(b.first_value ORDER BY b.first_at, b.first_value::text) FILTER (WHERE w.inwin AND b.first_at IS NOT NULL))[1]
                    WHEN 'LastValue' THEN (array_agg(b.last_value ORDER BY b.last_at DESC, b.last_value::text) FILTER (WHERE w.inwin AND b.last_at IS NOT NULL))[1]
                    WHEN 'MostFrequent' THEN (
                        SELECT to_jsonb(c.key) FROM cdp_trait_buckets b2 CROSS JOIN LATERAL jsonb_each(b2.counts) c
                        WHERE b2.trait_id = p.trait_id AND b2.person_id = p.person_id AND {{string.Format(System.Globalization.CultureInfo.InvariantCulture, InWindow, "b2.day")}}
                        GROUP BY c.key ORDER BY sum(c.value::bigint) DESC, c.key LIMIT 1)
                    WHEN 'UniqueCount' THEN to_jsonb((
                        SELECT count(DISTINCT c.key) FROM cdp_trait_buckets b2 CROSS JOIN LATERAL jsonb_each(b2.counts) c
                        WHERE b2.trait_id = p.trait_id AND b2.person_id = p.person_id AND {{string.Format(System.Globalization.CultureInfo.InvariantCulture, InWindow, "b2.day")}}))
                END AS value
            FROM pairs p
            JOIN cdp_computed_traits t ON t.id = p.trait_id
            LEFT JOIN cdp_trait_buckets b ON b.trait_id = p.trait_id AND b.person_id = p.person_id
            CROSS JOIN LATERAL (SELECT {{string.Format(System.Globalization.CultureInfo.InvariantCulture, InWindow, "b.day")}} AS inwin) w
            GROUP BY p.trait_id, p.person_id, t.kind, t.window_days
        ),
        gone AS (
            DELETE FROM cdp_trait_values tv USING v
            WHERE tv.trait_id = v.trait_id AND tv.person_id = v.person_id AND (v.value IS NULL OR v.value = 'null'::jsonb)
        )
        INSERT INTO cdp_trait_values AS tv (person_id, trait_id, value, number_value, text_value, updated_at)
        SELECT v.person_id, v.trait_id, v.value,
               CASE WHEN jsonb_typeof(v.value) = 'number' THEN (v.value #>> '{}')::numeric END,
               CASE WHEN jsonb_typeof(v.value) IN ('string', 'boolean') THEN left(v.value #>> '{}', 200) END,
               @now
        FROM v WHERE v.value IS NOT NULL AND v.value <> 'null'::jsonb
        ORDER BY 1, 2
        ON CONFLICT (person_id, trait_id) DO UPDATE SET value = excluded.value, number_value = excluded.number_value,
            text_value = excluded.text_value, updated_at = excluded.updated_at
        WHERE tv.value IS DISTINCT FROM excluded.value
        """;

    /// <summary>Recomputes every trait's value of <c>@persons</c>.</summary>
    public static readonly string RecomputePersons =
        Recompute("SELECT t.id AS trait_id, u.p AS person_id FROM cdp_computed_traits t CROSS JOIN unnest(@persons::uuid[]) u(p)");

    /// <summary>Recomputes one trait's value of <c>@persons</c>.</summary>
    public static readonly string RecomputeTraitPersons =
        Recompute("SELECT @trait::uuid AS trait_id, u.p AS person_id FROM unnest(@persons::uuid[]) u(p)");

    /// <summary>Recomputes the pairs <c>@traits uuid[]</c> × <c>@persons uuid[]</c> zipped (ageing).</summary>
    public static readonly string RecomputePairs =
        Recompute("SELECT u.t AS trait_id, u.p AS person_id FROM unnest(@traits::uuid[], @persons::uuid[]) u(t, p)");

    /// <summary>Windowed traits' buckets that have left their window, a batch at a time (the ageing job).</summary>
    public const string AgedPairs =
        """
        SELECT DISTINCT b.trait_id, b.person_id FROM cdp_computed_traits t
        JOIN cdp_trait_buckets b ON b.trait_id = t.id AND b.day <= @today - t.window_days
        WHERE t.window_days IS NOT NULL
        LIMIT 2000
        """;

    public const string DeleteAged =
        """
        DELETE FROM cdp_trait_buckets b USING cdp_computed_traits t, unnest(@traits::uuid[], @persons::uuid[]) u(t, p)
        WHERE b.trait_id = u.t AND b.person_id = u.p AND t.id = b.trait_id AND t.window_days IS NOT NULL AND b.day <= @today - t.window_days
        """;

    // ---- built-in traits -------------------------------------------------------------------------------

    private const string StatsColumns =
        "person_id, first_touch_at, first_touch_source, first_touch_medium, first_touch_campaign, last_touch_at, last_touch_source, last_touch_medium, last_touch_campaign, updated_at";

    private const string CombineStats =
        """
        first_touch_source = CASE WHEN excluded.first_touch_at IS NOT NULL AND (st.first_touch_at IS NULL OR excluded.first_touch_at < st.first_touch_at) THEN excluded.first_touch_source ELSE st.first_touch_source END,
        first_touch_medium = CASE WHEN excluded.first_touch_at IS NOT NULL AND (st.first_touch_at IS NULL OR excluded.first_touch_at < st.first_touch_at) THEN excluded.first_touch_medium ELSE st.first_touch_medium END,
        first_touch_campaign = CASE WHEN excluded.first_touch_at IS NOT NULL AND (st.first_touch_at IS NULL OR excluded.first_touch_at < st.first_touch_at) THEN excluded.first_touch_campaign ELSE st.first_touch_campaign END,
        first_touch_at = least(st.first_touch_at, excluded.first_touch_at),
        last_touch_source = CASE WHEN excluded.last_touch_at IS NOT NULL AND (st.last_touch_at IS NULL OR excluded.last_touch_at >= st.last_touch_at) THEN excluded.last_touch_source ELSE st.last_touch_source END,
        last_touch_medium = CASE WHEN excluded.last_touch_at IS NOT NULL AND (st.last_touch_at IS NULL OR excluded.last_touch_at >= st.last_touch_at) THEN excluded.last_touch_medium ELSE st.last_touch_medium END,
        last_touch_campaign = CASE WHEN excluded.last_touch_at IS NOT NULL AND (st.last_touch_at IS NULL OR excluded.last_touch_at >= st.last_touch_at) THEN excluded.last_touch_campaign ELSE st.last_touch_campaign END,
        last_touch_at = greatest(st.last_touch_at, excluded.last_touch_at),
        updated_at = excluded.updated_at
        """;

    /// <summary>
    /// Adds touches to the built-in stats: one row per person who had one, aggregated in .NET (<see cref="Touch"/>
    /// decides a touch, <see cref="PersonTouches"/> the first and last) — by ingest per claim and by
    /// <see cref="TouchRebuild"/> from stored events.
    /// </summary>
    public static readonly string AddClaimStats =
        $"""
        INSERT INTO cdp_profile_stats AS st ({StatsColumns})
        SELECT u.*, @now FROM unnest(@p::uuid[], @fa::timestamptz[], @fs::text[], @fm::text[], @fc::text[],
                                     @la::timestamptz[], @ls::text[], @lm::text[], @lc::text[])
            u(person_id, fa, fs, fm, fc, la, ls, lm, lc)
        WHERE EXISTS (SELECT 1 FROM people pe WHERE pe.id = u.person_id)
        ORDER BY 1
        ON CONFLICT (person_id) DO UPDATE SET {CombineStats}
        """;
}
