using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FasterDedupe : Migration
    {
        // The dedupe memory keyed by one bigint (IngestProcessor.DedupeKey: the first 8 bytes of
        // SHA-256("{source}:{messageId}")) instead of (source_id, message_id), and a BRIN index for the hourly
        // purge instead of a B-tree: the two B-trees were the largest cost per event in a worker's claim.
        public const string KeySql =
            "('x' || encode(substr(sha256(convert_to(source_id::text || ':' || message_id, 'UTF8')), 1, 8), 'hex'))::bit(64)::bigint";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                CREATE TABLE cdp_dedupe_keys (key bigint PRIMARY KEY, seen_at timestamptz NOT NULL);
                INSERT INTO cdp_dedupe_keys (key, seen_at) SELECT {KeySql}, max(seen_at) FROM cdp_dedupe GROUP BY 1;
                DROP TABLE cdp_dedupe;
                ALTER TABLE cdp_dedupe_keys RENAME TO cdp_dedupe;
                ALTER INDEX cdp_dedupe_keys_pkey RENAME TO cdp_dedupe_pkey;
                CREATE INDEX ix_cdp_dedupe_seen_at ON cdp_dedupe USING brin (seen_at);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Message ids cannot be recovered from their keys: the memory starts empty again.
            migrationBuilder.Sql("""
                DROP TABLE cdp_dedupe;
                CREATE TABLE cdp_dedupe (
                    source_id uuid NOT NULL,
                    message_id text NOT NULL,
                    seen_at timestamptz NOT NULL,
                    PRIMARY KEY (source_id, message_id)
                );
                CREATE INDEX ix_cdp_dedupe_seen_at ON cdp_dedupe (seen_at);
                """);
        }
    }
}
