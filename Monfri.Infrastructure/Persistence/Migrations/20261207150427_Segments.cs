using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Segments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "segments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    definition = table.Column<string>(type: "jsonb", nullable: false),
                    member_count = table.Column<int>(type: "integer", nullable: false),
                    evaluated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_by = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_segments", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_segments_name",
                table: "segments",
                column: "name");

            // Written by hand-written SQL only (SegmentEngine), outside the EF model. No foreign key from members or
            // their history to people: a person merged away or erased leaves their segments through the segment
            // worker (queued by ingest, the CRM interceptor and the privacy eraser), which moves the counts and then
            // deletes the history of people who are gone — a cascade would drop rows without moving the counts.
            migrationBuilder.Sql("""
                CREATE TABLE segment_members (
                    segment_id uuid NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
                    person_id uuid NOT NULL,
                    entered_at timestamptz NOT NULL,
                    PRIMARY KEY (segment_id, person_id)
                );
                CREATE INDEX ix_segment_members_person ON segment_members (person_id);
                CREATE INDEX ix_segment_members_entered ON segment_members (segment_id, entered_at DESC, person_id);

                CREATE TABLE segment_membership_changes (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    segment_id uuid NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
                    person_id uuid NOT NULL,
                    entered boolean NOT NULL,
                    at timestamptz NOT NULL,
                    reason text NOT NULL
                );
                CREATE INDEX ix_segment_membership_changes_segment_at ON segment_membership_changes (segment_id, at);
                CREATE INDEX ix_segment_membership_changes_person ON segment_membership_changes (person_id);

                -- People whose membership may have changed; drained by the segment worker with SKIP LOCKED.
                CREATE TABLE segment_dirty_people (
                    person_id uuid PRIMARY KEY,
                    queued_at timestamptz NOT NULL
                );
                CREATE INDEX ix_segment_dirty_people_queued_at ON segment_dirty_people (queued_at);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS segment_dirty_people, segment_membership_changes, segment_members;");
            migrationBuilder.DropTable(
                name: "segments");
        }
    }
}
