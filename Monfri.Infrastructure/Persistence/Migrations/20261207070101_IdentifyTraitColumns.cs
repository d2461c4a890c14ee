using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The names identify calls use, so the contacts list can offer them as columns and filters without scanning
    /// every profile's traits (ingest adds a name the first time it is sent); the EF model maps the existing
    /// <c>cdp_profile_traits</c> for those queries, outside migrations like the other CDP tables.
    /// </summary>
    public partial class IdentifyTraitColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE TABLE cdp_identify_trait_keys (
                    key text PRIMARY KEY,
                    first_seen_at timestamptz NOT NULL
                );

                INSERT INTO cdp_identify_trait_keys (key, first_seen_at)
                SELECT k, now() FROM (SELECT DISTINCT jsonb_object_keys(traits) AS k FROM cdp_profile_traits) s
                WHERE length(k) BETWEEN 1 AND 100 AND position('|' in k) = 0 AND k !~ '[[:cntrl:]]'
                ORDER BY k LIMIT 500;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS cdp_identify_trait_keys;");
        }
    }
}
