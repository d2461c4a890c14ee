using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ComputedTraits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cdp_computed_traits",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    event_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    event_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    filter_path = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    filter_value = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    property_path = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    window_days = table.Column<int>(type: "integer", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    progress = table.Column<int>(type: "integer", nullable: false),
                    status_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    backfill_cursor = table.Column<Guid>(type: "uuid", nullable: true),
                    generation = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cdp_computed_traits", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cdp_computed_traits_key",
                table: "cdp_computed_traits",
                column: "key",
                unique: true);

            // Hot-path state written by hand-written SQL (Application/Cdp/Traits/ComputedTraitSql.cs), not in the
            // EF model (values and stats are mapped read-only, excluded from migrations).
            // cdp_trait_buckets: per (trait, person, day of the event) what the trait's kind needs to combine days.
            // cdp_trait_values: the current value per (person, trait), what screens and the API read.
            // cdp_profile_stats: built-in traits (total events, first/last touch) per person.
            migrationBuilder.Sql("""
                CREATE TABLE cdp_trait_buckets (
                    trait_id uuid NOT NULL REFERENCES cdp_computed_traits (id) ON DELETE CASCADE,
                    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
                    day date NOT NULL,
                    n bigint NOT NULL,
                    skipped bigint NOT NULL,
                    num_n bigint NOT NULL,
                    sum numeric,
                    min numeric,
                    max numeric,
                    first_at timestamptz,
                    first_value jsonb,
                    last_at timestamptz,
                    last_value jsonb,
                    counts jsonb,
                    PRIMARY KEY (trait_id, person_id, day)
                );
                CREATE INDEX ix_cdp_trait_buckets_person ON cdp_trait_buckets (person_id);
                CREATE INDEX ix_cdp_trait_buckets_trait_day ON cdp_trait_buckets (trait_id, day);
                CREATE INDEX ix_cdp_trait_buckets_skipped ON cdp_trait_buckets (trait_id) WHERE skipped > 0;

                CREATE TABLE cdp_trait_values (
                    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
                    trait_id uuid NOT NULL REFERENCES cdp_computed_traits (id) ON DELETE CASCADE,
                    value jsonb NOT NULL,
                    number_value numeric,
                    text_value text,
                    updated_at timestamptz NOT NULL,
                    PRIMARY KEY (person_id, trait_id)
                );
                CREATE INDEX ix_cdp_trait_values_trait_number ON cdp_trait_values (trait_id, number_value);
                CREATE INDEX ix_cdp_trait_values_trait_text ON cdp_trait_values (trait_id, text_value);

                CREATE TABLE cdp_profile_stats (
                    person_id uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
                    first_touch_at timestamptz,
                    first_touch_source text,
                    first_touch_medium text,
                    first_touch_campaign text,
                    last_touch_at timestamptz,
                    last_touch_source text,
                    last_touch_medium text,
                    last_touch_campaign text,
                    updated_at timestamptz NOT NULL
                );
                """);

            // Built-in traits of the events stored before this version (workers start after migrations).
            migrationBuilder.Sql(StatsForStoredEvents);
        }

        /// <summary>
        /// The touch rules of this version, frozen here as they were when it ran (the live rules are in .NET now,
        /// <c>Monfri.Application.Cdp.Traits.Touch</c>): a migration must do the same thing whenever it runs.
        /// </summary>
        private const string StatsForStoredEvents =
            """
            WITH e AS (SELECT person_id, "timestamp" AS ts, id, type, properties, context FROM cdp_events),
            h AS (
                SELECT e.person_id, e.ts, e.id, e.type,
                       nullif(left(e.context #>> '{campaign,source}', 200), '') AS c_source,
                       nullif(left(e.context #>> '{campaign,medium}', 200), '') AS c_medium,
                       nullif(left(e.context #>> '{campaign,name}', 200), '') AS c_name,
                       regexp_replace(lower(substring(coalesce(e.properties ->> 'referrer', e.context #>> '{page,referrer}') from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/]*@)?([^/:?#]+)')), '^www\.', '') AS ref_host,
                       regexp_replace(lower(substring(coalesce(e.properties ->> 'url', e.context #>> '{page,url}') from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/]*@)?([^/:?#]+)')), '^www\.', '') AS page_host
                FROM e
            ),
            touch AS (
                SELECT person_id, ts, id,
                       CASE WHEN c_source IS NOT NULL OR c_medium IS NOT NULL OR c_name IS NOT NULL THEN coalesce(c_source, '(not set)')
                            WHEN ref_host IS NOT NULL THEN left(ref_host, 200) ELSE 'direct' END AS source,
                       CASE WHEN c_source IS NOT NULL OR c_medium IS NOT NULL OR c_name IS NOT NULL THEN coalesce(c_medium, '(not set)')
                            WHEN ref_host IS NOT NULL THEN 'referral' ELSE '(none)' END AS medium,
                       c_name AS campaign
                FROM h
                WHERE c_source IS NOT NULL OR c_medium IS NOT NULL OR c_name IS NOT NULL
                   OR (type IN ('page', 'screen') AND (ref_host IS NULL OR ref_host IS DISTINCT FROM page_host))
            ),
            ft AS (SELECT DISTINCT ON (person_id) person_id, ts, source, medium, campaign FROM touch ORDER BY person_id, ts, id),
            lt AS (SELECT DISTINCT ON (person_id) person_id, ts, source, medium, campaign FROM touch ORDER BY person_id, ts DESC, id DESC)
            INSERT INTO cdp_profile_stats AS st (person_id, first_touch_at, first_touch_source, first_touch_medium, first_touch_campaign, last_touch_at, last_touch_source, last_touch_medium, last_touch_campaign, updated_at)
            SELECT ft.person_id, ft.ts, ft.source, ft.medium, ft.campaign, lt.ts, lt.source, lt.medium, lt.campaign, now()
            FROM ft JOIN lt USING (person_id) JOIN people pe ON pe.id = ft.person_id
            ORDER BY 1
            ON CONFLICT (person_id) DO UPDATE SET first_touch_source = CASE WHEN excluded.first_touch_at IS NOT NULL AND (st.first_touch_at IS NULL OR excluded.first_touch_at < st.first_touch_at) THEN excluded.first_touch_source ELSE st.first_touch_source END,
            first_touch_medium = CASE WHEN excluded.first_touch_at IS NOT NULL AND (st.first_touch_at IS NULL OR excluded.first_touch_at < st.first_touch_at) THEN excluded.first_touch_medium ELSE st.first_touch_medium END,
            first_touch_campaign = CASE WHEN excluded.first_touch_at IS NOT NULL AND (st.first_touch_at IS NULL OR excluded.first_touch_at < st.first_touch_at) THEN excluded.first_touch_campaign ELSE st.first_touch_campaign END,
            first_touch_at = least(st.first_touch_at, excluded.first_touch_at),
            last_touch_source = CASE WHEN excluded.last_touch_at IS NOT NULL AND (st.last_touch_at IS NULL OR excluded.last_touch_at >= st.last_touch_at) THEN excluded.last_touch_source ELSE st.last_touch_source END,
            last_touch_medium = CASE WHEN excluded.last_touch_at IS NOT NULL AND (st.last_touch_at IS NULL OR excluded.last_touch_at >= st.last_touch_at) THEN excluded.last_touch_medium ELSE st.last_touch_medium END,
            last_touch_campaign = CASE WHEN excluded.last_touch_at IS NOT NULL AND (st.last_touch_at IS NULL OR excluded.last_touch_at >= st.last_touch_at) THEN excluded.last_touch_campaign ELSE st.last_touch_campaign END,
            last_touch_at = greatest(st.last_touch_at, excluded.last_touch_at),
            updated_at = excluded.updated_at
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS cdp_profile_stats, cdp_trait_values, cdp_trait_buckets;");

            migrationBuilder.DropTable(
                name: "cdp_computed_traits");
        }
    }
}
