using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ProfileLiveAndIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The visitor stream reads the newest events of everyone ("timestamp" > now() - 7 days ORDER BY
            // "timestamp" DESC, id DESC LIMIT n). Without an index leading with the timestamp PostgreSQL reads and
            // sorts the whole week; with it, it walks the newest partition's index backwards and stops after n rows.
            // On the partitioned parent, so every month's partition (existing and future) gets its own copy.
            // Not CONCURRENTLY: PostgreSQL cannot build a partitioned index concurrently; on a large existing table
            // this holds event writes (which the intake queue absorbs) while it builds.
            migrationBuilder.Sql("""CREATE INDEX IF NOT EXISTS ix_cdp_events_timestamp ON cdp_events ("timestamp" DESC);""");

            // "Active now" on the same page: the people seen in the last five minutes, newest first.
            migrationBuilder.CreateIndex(
                name: "ix_people_last_seen_at",
                table: "people",
                column: "last_seen_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_people_last_seen_at",
                table: "people");

            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_cdp_events_timestamp;");
        }
    }
}
