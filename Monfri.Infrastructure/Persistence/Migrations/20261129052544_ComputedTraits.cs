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
            migrationBuilder.Sql(Monfri.Application.Cdp.Traits.ComputedTraitSql.StatsForAllStoredEvents);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS cdp_profile_stats, cdp_trait_values, cdp_trait_buckets;");

            migrationBuilder.DropTable(
                name: "cdp_computed_traits");
        }
    }
}
