using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SegmentListsAndHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "segments",
                type: "character varying(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "Conditions");

            // Written by the segment engine in the statement that moves a segment's members (one row per segment per
            // UTC day: the size at the day's last change, and how many entered and left that day): the size chart
            // reads days, not the whole entered/left history.
            migrationBuilder.Sql("""
                CREATE TABLE segment_daily_counts (
                    segment_id uuid NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
                    day date NOT NULL,
                    member_count integer NOT NULL,
                    entered integer NOT NULL,
                    exited integer NOT NULL,
                    PRIMARY KEY (segment_id, day)
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS segment_daily_counts;");
            migrationBuilder.DropColumn(
                name: "kind",
                table: "segments");
        }
    }
}
