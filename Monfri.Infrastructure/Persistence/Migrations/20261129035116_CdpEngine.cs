using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CdpEngine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The hot-path tables are written with binary COPY and hand-written SQL, so they are not in the EF
            // model. cdp_intake: one row per accepted request (its normalised events as one JSON array), the
            // durable queue that workers drain with SKIP LOCKED. cdp_events: partitioned by month on the
            // (corrected) timestamp; partitions are created ahead and on demand by EventPartitions.
            migrationBuilder.Sql("""
                CREATE TABLE cdp_intake (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    source_id uuid NOT NULL,
                    received_at timestamptz NOT NULL,
                    event_count integer NOT NULL,
                    payload bytea NOT NULL,
                    -- Set on a request no worker could process (kept for inspection, skipped by claims).
                    failed_at timestamptz,
                    error text
                );

                CREATE TABLE cdp_dedupe (
                    source_id uuid NOT NULL,
                    message_id text NOT NULL,
                    seen_at timestamptz NOT NULL,
                    PRIMARY KEY (source_id, message_id)
                );
                CREATE INDEX ix_cdp_dedupe_seen_at ON cdp_dedupe (seen_at);

                CREATE TABLE cdp_events (
                    id uuid NOT NULL,
                    source_id uuid NOT NULL,
                    person_id uuid NOT NULL,
                    message_id text NOT NULL,
                    type text NOT NULL,
                    event text,
                    "timestamp" timestamptz NOT NULL,
                    received_at timestamptz NOT NULL,
                    sent_at timestamptz,
                    original_timestamp timestamptz,
                    user_id text,
                    anonymous_id text,
                    properties jsonb,
                    context jsonb
                ) PARTITION BY RANGE ("timestamp");
                CREATE INDEX ix_cdp_events_person_timestamp ON cdp_events (person_id, "timestamp" DESC);
                CREATE INDEX ix_cdp_events_event_timestamp ON cdp_events (event, "timestamp") WHERE event IS NOT NULL;

                CREATE TABLE cdp_profile_traits (
                    person_id uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
                    traits jsonb NOT NULL,
                    updated_at timestamptz NOT NULL
                );
                """);

            migrationBuilder.CreateTable(
                name: "cdp_blocked_identifiers",
                columns: table => new
                {
                    value = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cdp_blocked_identifiers", x => x.value);
                });

            migrationBuilder.CreateTable(
                name: "cdp_identities",
                columns: table => new
                {
                    type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cdp_identities", x => new { x.type, x.value });
                    table.ForeignKey(
                        name: "fk_cdp_identities_people_person_id",
                        column: x => x.person_id,
                        principalTable: "people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cdp_profile_merges",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    winner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    loser_id = table.Column<Guid>(type: "uuid", nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    identity_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    identity_value = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    source_id = table.Column<Guid>(type: "uuid", nullable: true),
                    message_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    loser_snapshot = table.Column<string>(type: "jsonb", nullable: true),
                    merged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cdp_profile_merges", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "cdp_sources",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    write_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    allowed_origins = table.Column<List<string>>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cdp_sources", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cdp_identities_person_id_type",
                table: "cdp_identities",
                columns: new[] { "person_id", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_cdp_profile_merges_loser_id_merged_at",
                table: "cdp_profile_merges",
                columns: new[] { "loser_id", "merged_at" });

            migrationBuilder.CreateIndex(
                name: "ix_cdp_profile_merges_winner_id_merged_at",
                table: "cdp_profile_merges",
                columns: new[] { "winner_id", "merged_at" });

            migrationBuilder.CreateIndex(
                name: "ix_cdp_sources_name",
                table: "cdp_sources",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cdp_sources_write_key",
                table: "cdp_sources",
                column: "write_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS cdp_profile_traits, cdp_events, cdp_dedupe, cdp_intake;");

            migrationBuilder.DropTable(
                name: "cdp_blocked_identifiers");

            migrationBuilder.DropTable(
                name: "cdp_identities");

            migrationBuilder.DropTable(
                name: "cdp_profile_merges");

            migrationBuilder.DropTable(
                name: "cdp_sources");
        }
    }
}
