using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The names identify calls use, so the contacts list can offer them as columns and filters without scanning
    /// every profile's traits (ingest adds a name the first time it is sent); the EF model maps the existing
    /// <c>cdp_profile_traits</c> for those queries, outside migrations like the other CDP tables. And the company
    /// each group id was linked to, for a group call that sends only its <c>groupId</c> (Segment sends the group's
    /// traits once); a company's deletion forgets its groups.
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

                CREATE TABLE cdp_company_groups (
                    group_id text PRIMARY KEY,
                    company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
                    linked_at timestamptz NOT NULL
                );
                CREATE INDEX ix_cdp_company_groups_company_id ON cdp_company_groups (company_id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS cdp_company_groups, cdp_identify_trait_keys;");
        }
    }
}
