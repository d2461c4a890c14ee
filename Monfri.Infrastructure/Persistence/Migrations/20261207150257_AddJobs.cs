using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AddJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    run_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    locked_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    unique_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_jobs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_created_at",
                table: "jobs",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_due",
                table: "jobs",
                column: "run_at",
                filter: "state IN ('Queued', 'Failed', 'Running')");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_state_finished_at",
                table: "jobs",
                columns: new[] { "state", "finished_at" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_unique_key",
                table: "jobs",
                column: "unique_key",
                unique: true);

            // The scheduler's wake-up (decision 015): a NOTIFY is delivered when the inserting transaction commits,
            // never when it rolls back, so a job enqueued inside any transaction on any node starts at once.
            migrationBuilder.Sql("""
                CREATE FUNCTION jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('monfri_jobs', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER jobs_wake AFTER INSERT ON jobs FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify();
                """);

            // Imports and privacy requests waiting (or interrupted) when this version starts were claimed from their
            // own tables before; they get their job now so they still run.
            migrationBuilder.Sql("""
                INSERT INTO jobs (id, kind, payload, run_at, state, attempts, created_at)
                SELECT gen_random_uuid(), 'import', jsonb_build_object('importJobId', id), now(), 'Queued', 0, now()
                FROM import_jobs WHERE status IN ('Queued', 'Running');
                INSERT INTO jobs (id, kind, payload, run_at, state, attempts, created_at)
                SELECT gen_random_uuid(), 'privacy.request', jsonb_build_object('requestId', id), now(), 'Queued', 0, now()
                FROM privacy_requests WHERE status IN ('Queued', 'Running');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.Sql("DROP FUNCTION jobs_notify();");
        }
    }
}
