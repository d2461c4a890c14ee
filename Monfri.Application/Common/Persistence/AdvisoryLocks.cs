namespace Monfri.Application.Common.Persistence;

/// <summary>
/// Every PostgreSQL advisory lock key Monfri takes, in one place. Advisory locks are one key space per database:
/// two features that picked the same number would block (or, worse, exclude) each other without any error, so a
/// new lock gets its number here, next to the others, with who takes it and why.
/// <para>
/// Two kinds of key: a fixed 64-bit key (<c>pg_advisory_lock(key)</c>) for one database-wide lock, and a
/// <em>seed</em> for per-item locks (<c>hashtextextended(item, seed)</c>): the seed keeps one kind's items (an
/// identity "email:a@b.c", a person id) apart from another's that hash the same text. A seed is a contract: the
/// SQL that takes a lock must use the same seed as every other statement that means the same lock.
/// </para>
/// <para>
/// Background jobs need no lock of their own: the job scheduler claims with <c>FOR UPDATE SKIP LOCKED</c> and a lease
/// on the row (<c>jobs.locked_until</c>), see docs/decisions/015-job-scheduler.md.
/// </para>
/// </summary>
public static class AdvisoryLocks
{
    /// <summary>
    /// Session lock held while the database is migrated and seeded at start-up ("monfri" in ASCII), so several
    /// processes starting together migrate once. Taken by <c>DatabaseInitializer</c>.
    /// </summary>
    public const long Startup = 0x6D6F6E667269;

    /// <summary>
    /// Transaction lock around loading the demo data (the start-up key plus one: seeding must not wait for, or
    /// block, migrations elsewhere). Taken by <c>DemoDataSeeder</c>.
    /// </summary>
    public const long DemoSeed = Startup + 1;

    /// <summary>Transaction lock around creating the default pipeline ("pipeline" in ASCII). Taken by <c>DefaultPipelineSeeder</c>.</summary>
    public const long DefaultPipelineSeed = 0x706970656C696E65;

    /// <summary>
    /// Held shared by every ingest claim while it updates computed traits, and exclusively for a moment by a trait
    /// backfill before it starts: once the backfill has it, every claim that could have missed the new definition
    /// has committed. Taken by <c>ComputedTraitStore</c> (shared) and <c>TraitBackfill</c> (exclusive).
    /// </summary>
    public const long TraitBackfillBarrier = 0x4d6f6e_7472_6169;

    /// <summary>
    /// Seed of the per-identity locks (<c>hashtextextended(type || ':' || value, 7)</c>) an ingest claim takes before
    /// it resolves identities it has not seen, and an undo of a merge takes for the identities it moves back.
    /// Taken by <c>IngestProcessor</c> and <c>UndoProfileMerge</c>.
    /// </summary>
    public const int IdentitySeed = 7;

    /// <summary>
    /// Seed of the per-profile locks (<c>hashtextextended(person_id::text, 8)</c>) an ingest claim takes on existing
    /// profiles it adds identities to or merges. Taken by <c>IngestProcessor</c>.
    /// </summary>
    public const int ProfileSeed = 8;

    /// <summary>
    /// Seed of the per-person computed-trait locks (<c>hashtextextended(person_id::text, 7313)</c>): an ingest claim, a
    /// backfill chunk, the ageing job and a merge never compute the same person's values from different snapshots
    /// at once. Taken through <c>ComputedTraitSql.LockPersons</c> / <c>LockPeopleIfTraits</c>.
    /// </summary>
    public const int TraitPersonSeed = 7313;

    /// <summary>
    /// Seed of the per-trait backfill ownership lock (<c>hashtextextended(trait_id::text, 7314)</c>), a session lock
    /// held for the whole backfill so one node backfills a trait and another takes over if it dies. Taken by <c>TraitBackfill</c>.
    /// </summary>
    public const int TraitBackfillSeed = 7314;

    /// <summary>
    /// Seed of the per-company-key locks (<c>hashtextextended('company:' || key, 0)</c>) an ingest claim takes before it
    /// finds or creates a company by name, domain or group id. Taken by <c>CompanyLinks</c>.
    /// </summary>
    public const int CompanyKeySeed = 0;
}
