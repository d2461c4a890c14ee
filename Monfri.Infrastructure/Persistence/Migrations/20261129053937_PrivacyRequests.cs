using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PrivacyRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "privacy_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    identity_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    identity_value = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    masked_identity = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    requested_by_id = table.Column<Guid>(type: "uuid", nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    counts = table.Column<string>(type: "jsonb", nullable: false),
                    export_bytes = table.Column<long>(type: "bigint", nullable: true),
                    lifted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_privacy_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_privacy_requests_users_requested_by_id",
                        column: x => x.requested_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_privacy_requests_person_id",
                table: "privacy_requests",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_privacy_requests_requested_at",
                table: "privacy_requests",
                column: "requested_at");

            migrationBuilder.CreateIndex(
                name: "ix_privacy_requests_requested_by_id",
                table: "privacy_requests",
                column: "requested_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_privacy_requests_status_requested_at",
                table: "privacy_requests",
                columns: new[] { "status", "requested_at" });

            // Outside the EF model, like import files and the event tables: an export document is streamed in
            // and out (it can be large) and must never be loaded with its request; the suppression list is read
            // by the ingest workers with hand-written SQL. cdp_suppressions keeps SHA-256 keys of "type:value",
            // never the identifier itself, so it still works (and identifies no one) after the person is deleted.
            migrationBuilder.Sql("""
                CREATE TABLE privacy_exports (
                    request_id uuid PRIMARY KEY REFERENCES privacy_requests (id) ON DELETE CASCADE,
                    content bytea NOT NULL
                );

                -- A key may be held by several suppressions; lifting one removes only its own rows.
                CREATE TABLE cdp_suppressions (
                    key text NOT NULL,
                    request_id uuid NOT NULL,
                    type text NOT NULL,
                    created_at timestamptz NOT NULL,
                    PRIMARY KEY (key, request_id)
                );
                CREATE INDEX ix_cdp_suppressions_request_id ON cdp_suppressions (request_id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE cdp_suppressions; DROP TABLE privacy_exports;");

            migrationBuilder.DropTable(
                name: "privacy_requests");
        }
    }
}
