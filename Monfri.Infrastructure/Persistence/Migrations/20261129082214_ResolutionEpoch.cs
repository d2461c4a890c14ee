using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// One counter that anything moving identities between two profiles that both stay (undoing a merge) bumps in
    /// its transaction: an ingest claim reads it before its lock-free identity read and again once its profiles
    /// are locked, and redoes the claim when it moved (docs/decisions/009-undoing-a-merge.md). Not in the EF model:
    /// only raw SQL touches it.
    /// </summary>
    public partial class ResolutionEpoch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE TABLE cdp_resolution_epoch (
                    id boolean PRIMARY KEY DEFAULT true CHECK (id),
                    value bigint NOT NULL);
                INSERT INTO cdp_resolution_epoch (id, value) VALUES (true, 0);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE cdp_resolution_epoch;");
        }
    }
}
