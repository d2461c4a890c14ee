using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Cdp.Merges;
using Monfri.Application.Common.Persistence;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>
/// Turns accepted requests into stored, resolved events. One call claims a few intake rows with
/// <c>FOR UPDATE SKIP LOCKED</c> and, in the same transaction, deletes them, dedupes, resolves identities,
/// COPYs the events and updates the profiles — so a crash at any point leaves the rows in the intake for the
/// next worker and nothing is stored twice. Conflicts with a concurrent worker (deadlock, a unique identity
/// created at the same moment, a profile merged away under us) roll back and retry the whole claim.
/// </summary>
public sealed class IngestProcessor(
    NpgsqlDataSource dataSource,
    EventPartitions partitions,
    IngestLiveTicker live,
    Privacy.SuppressionList suppressions,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<IngestProcessor> logger)
{
    private const int MaxAttempts = 8;
    private readonly IngestOptions _options = options.Value;
    private (IReadOnlySet<string> Values, DateTimeOffset At) _blocked = (new HashSet<string>(), DateTimeOffset.MinValue);

    /// <summary>Processes one claim; the number of events stored (0 when the intake was empty and nothing was claimed).</summary>
    public async Task<(int Claimed, int Stored)> ProcessOnceAsync(CancellationToken cancellationToken)
    {
        var isolating = Volatile.Read(ref _isolate) > 0 && Interlocked.Decrement(ref _isolate) >= 0;
        var limit = isolating ? 1 : _options.ClaimRequests;
        for (var attempt = 1; ; attempt++)
        {
            var claimedIds = new List<long>();
            try
            {
                return await TryProcessAsync(limit, claimedIds, cancellationToken);
            }
            catch (Exception ex) when (attempt < MaxAttempts && IsConflict(ex))
            {
                Interlocked.Increment(ref _conflictRetries);
                logger.LogDebug(ex, "Ingest claim conflicted with another worker (attempt {Attempt}); retrying", attempt);
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken);
            }
            catch (Exception ex) when (!IsConflict(ex) && ex is not OperationCanceledException && ex is not NpgsqlException { IsTransient: true })
            {
                // A request that cannot be processed (a bug, data the database refuses) must not block the queue
                // behind it: retry its claim one request at a time, and set the one that fails aside, kept.
                if (claimedIds.Count == 1)
                {
                    await SetAsideAsync(claimedIds[0], ex, cancellationToken);
                    return (1, 0);
                }

                Interlocked.Exchange(ref _isolate, Math.Max(1, claimedIds.Count));
                throw;
            }
        }
    }

    private int _isolate;
    private long _conflictRetries;

    /// <summary>Claims rolled back and redone because they collided with another worker (deadlock, racing identity, merge).</summary>
    public long ConflictRetries => Interlocked.Read(ref _conflictRetries);

    private async Task SetAsideAsync(long id, Exception ex, CancellationToken cancellationToken)
    {
        logger.LogError(ex, "Intake request {Id} could not be processed; it is kept in cdp_intake with failed_at set", id);
        await using var command = dataSource.CreateCommand("UPDATE cdp_intake SET failed_at = now(), error = left($2, 2000) WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ex.ToString() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static bool IsConflict(Exception ex) =>
        ex is ConcurrentMergeException
        || ex is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.ForeignKeyViolation };

    private async Task<(int, int)> TryProcessAsync(int limit, List<long> claimedIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await AsynchronousCommitAsync(connection, cancellationToken);
        var claimed = await ClaimAsync(connection, limit, claimedIds, cancellationToken);
        if (claimed.Count == 0)
        {
            await tx.RollbackAsync(cancellationToken);
            return (0, 0);
        }

        // Partitions are created on another connection, and creating one waits for every transaction that has
        // touched cdp_events: so before this claim touches it (a merge moves events) or holds a lock another claim
        // may wait for (identities) — else the two wait for each other unseen, until the command timeout.
        await partitions.EnsureAsync(claimed.Select(e => EventPartitions.MonthOf(e.Timestamp)), cancellationToken);
        var events = Deduplicate(claimed);
        events = await FreshAsync(connection, events, cancellationToken);
        events = await suppressions.FilterAsync(connection, events, cancellationToken);
        var now = clock.GetUtcNow();
        var blocked = await BlockedAsync(connection, now, cancellationToken);

        if (events.Count > 0)
        {
            var epoch = await ResolutionEpochAsync(connection, cancellationToken);
            var (resolver, stored) = await ResolveAsync(connection, events, blocked, now, cancellationToken);
            foreach (var e in stored)
            {
                e.PersonId = resolver.Follow(e.PersonId);
            }

            if (stored.Count < events.Count)
            {
                logger.LogWarning("Dropped {Count} event(s) whose only identifiers are on the block list", events.Count - stored.Count);
            }

            // Matched to the traits before the claim takes any lock another claim may wait for (people rows, the
            // per-person trait locks): from here to the commit, a second worker sharing a person waits for us.
            var traitBuckets = await Traits.ComputedTraitStore.MatchAsync(connection, stored, now, cancellationToken);
            await LockExistingPeopleAsync(connection, resolver.Plan, epoch, cancellationToken);
            await WritePlanAsync(connection, resolver.Plan, now, cancellationToken);
            await CopyEventsAsync(connection, stored, cancellationToken);
            await UpdatePeopleAsync(connection, stored, resolver.Plan, now, cancellationToken);
            await CompanyLinks.ApplyAsync(connection, stored, now, cancellationToken);
            // The segment queue goes in the trait step's round trip, before its locks: from the per-person trait locks
            // on, a claim has only the upserts, the recompute and the commit left (the others sharing a person wait).
            var segmentPeople = stored.Select(e => e.PersonId).Concat(resolver.Plan.Merges.SelectMany(m => new[] { m.WinnerId, m.LoserId }));
            await Traits.ComputedTraitStore.ApplyAsync(connection, traitBuckets, stored, resolver.Plan.Merges.Select(m => m.WinnerId).ToList(), now,
                Segments.SegmentQueue.Command(segmentPeople, now), cancellationToken);
            events = stored;
        }

        await tx.CommitAsync(cancellationToken);
        live.Stored(events.Select(e => new VisitorEvent(e.PersonId, e.Type, e.Name, e.Timestamp)).ToList());
        return (claimed.Count, events.Count);
    }

    /// <summary>
    /// A claim's commit does not wait for its WAL to reach the disk: the requests were made durable when they
    /// were accepted, and a claim is one transaction, so a crash that loses its last commits loses them whole —
    /// the intake rows come back with the events, identities and dedupe entries they produced, and the next
    /// worker redoes them (docs/decisions/010-ingest-worker-throughput.md).
    /// </summary>
    private static async Task AsynchronousCommitAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SET LOCAL synchronous_commit = off", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<IngestEvent>> ClaimAsync(NpgsqlConnection connection, int limit, List<long> claimedIds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            DELETE FROM cdp_intake WHERE id IN (SELECT id FROM cdp_intake WHERE failed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, source_id, payload
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var rows = new List<(long Id, Guid Source, byte[] Payload)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetGuid(1), (byte[])reader[2]));
            }
        }

        claimedIds.AddRange(rows.Select(r => r.Id));
        var events = new List<IngestEvent>();
        foreach (var (id, source, payload) in rows.OrderBy(r => r.Id))
        {
            using var document = JsonDocument.Parse(payload);
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                events.Add(IngestEvent.Read(source, element, IngestEvent.ArrivalOf(id, index++)));
            }
        }

        return events;
    }

    /// <summary>Client retries inside one claim are dropped here; the rest by <see cref="FreshAsync"/>.</summary>
    private static List<IngestEvent> Deduplicate(List<IngestEvent> events)
    {
        var seen = new HashSet<(Guid, string)>();
        return events.Where(e => seen.Add((e.SourceId, e.MessageId))).ToList();
    }

    /// <summary>
    /// Remembers each (source, messageId) as its <see cref="DedupeKey"/>; only those not seen within the window
    /// come back. A remembered id older than the window is refreshed and counts as new, so the window is exact
    /// even before the purge ran.
    /// </summary>
    private async Task<List<IngestEvent>> FreshAsync(NpgsqlConnection connection, List<IngestEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return events;
        }

        var keys = events.Select(e => DedupeKey(e.SourceId, e.MessageId)).ToArray();
        var order = Enumerable.Range(0, keys.Length).OrderBy(i => keys[i]).ToArray();

        // In key order: neighbouring keys share index pages, so the B-tree is walked once, not per key at random.
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO cdp_dedupe (key, seen_at)
            SELECT * FROM unnest($1::bigint[], $2::timestamptz[])
            ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at WHERE cdp_dedupe.seen_at < $3
            RETURNING key
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = order.Select(i => keys[i]).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = order.Select(i => events[i].ReceivedAt).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() - _options.EffectiveDedupeWindow });
        var fresh = new HashSet<long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                fresh.Add(reader.GetInt64(0));
            }
        }

        return events.Where((_, i) => fresh.Contains(keys[i])).ToList();
    }

    /// <summary>
    /// The dedupe key of a message: the first 8 bytes of SHA-256("{source}:{messageId}"). One bigint instead of a
    /// (uuid, text) pair keeps the dedupe index a fraction of the size, which is most of its cost per event; two
    /// different messages share a key with a probability of about n / 2^64 (n remembered ids), far below any
    /// other way an event can be lost. The migration FasterDedupe computes the same key in SQL.
    /// </summary>
    public static long DedupeKey(Guid sourceId, string messageId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceId:D}:{messageId}"), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    private async Task<IReadOnlySet<string>> BlockedAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now - _blocked.At < TimeSpan.FromSeconds(10))
        {
            return _blocked.Values;
        }

        var values = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var command = new NpgsqlCommand("SELECT value FROM cdp_blocked_identifiers", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        _blocked = (values, now);
        return values;
    }

    /// <summary>Forgets the cached block list (tests, and right after an Admin edits it on this node).</summary>
    public void RefreshBlockList() => _blocked = (_blocked.Values, DateTimeOffset.MinValue);

    /// <summary>
    /// Resolves the claim's events (<see cref="IdentityResolver"/>) and returns those that have a profile.
    /// Reads are optimistic: the identities are looked up without locks and resolved in memory; only what the
    /// plan would create or change is then locked — each identity not yet known (two workers resolving the same
    /// new visitor queue up instead of both creating a profile) and each existing profile that gains an identity
    /// or takes part in a merge (so two claims cannot give one profile two user ids). If any lock was needed,
    /// the identities are read again under it and the events resolved again, until the plan needs no lock not
    /// yet held. A claim of returning visitors takes no lock at all; a profile deleted by a concurrent merge is
    /// caught by <see cref="LockExistingPeopleAsync"/>.
    /// </summary>
    private async Task<(IdentityResolver Resolver, List<IngestEvent> Stored)> ResolveAsync(
        NpgsqlConnection connection, List<IngestEvent> events, IReadOnlySet<string> blocked, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var keys = events.SelectMany(e =>
            {
                var ids = IdentityResolver.IdentitiesOf(e, blocked);
                if (e.PreviousId is { } previous && IdentityTypes.IsUsable(previous, blocked))
                {
                    ids.Add((IdentityTypes.UserId, previous.Trim()));
                    ids.Add((IdentityTypes.AnonymousId, previous.Trim()));
                }

                return ids;
            })
            .Distinct().ToList();
        var held = new HashSet<(string Name, int Space)>();
        for (var round = 1; ; round++)
        {
            var (resolver, known) = await ReadIdentitiesAsync(connection, events, keys, blocked, now, cancellationToken);
            var stored = events.Where(resolver.Resolve).ToList();
            var needed = LocksFor(keys, known, resolver.Plan);
            needed.ExceptWith(held);
            if (needed.Count == 0)
            {
                return (resolver, stored);
            }

            if (round > 4)
            {
                throw new ConcurrentMergeException();
            }

            await LockAsync(connection, needed, cancellationToken);
            held.UnionWith(needed);
        }
    }

    private const int IdentityLocks = AdvisoryLocks.IdentitySeed;
    private const int ProfileLocks = AdvisoryLocks.ProfileSeed;

    private static HashSet<(string Name, int Space)> LocksFor(List<(string Type, string Value)> keys, HashSet<(string, string)> known, ResolutionPlan plan)
    {
        var locks = keys.Where(k => !known.Contains(k)).Select(k => ($"{k.Type}:{k.Value}", IdentityLocks)).ToHashSet();
        foreach (var (_, _, person) in plan.NewIdentities)
        {
            if (plan.ExistingPeople.Contains(person))
            {
                locks.Add((person.ToString(), ProfileLocks));
            }
        }

        // A profile this claim creates is nobody else's until the commit (its identities are locked above), and
        // its id is new in every round: only existing ones are locked.
        foreach (var person in plan.Merges.SelectMany(m => new[] { m.WinnerId, m.LoserId }).Where(plan.ExistingPeople.Contains))
        {
            locks.Add((person.ToString(), ProfileLocks));
        }

        return locks;
    }

    /// <summary>
    /// The existing profiles whose state (user id, anonymous ids, contact) resolution will consult: those of events
    /// that link two profiles or bring an identity not stored yet. An event whose identities all point at one
    /// profile is simply that profile's, and most events are — their profiles need not be read at all.
    /// </summary>
    private static Guid[] PeopleToDecide(List<IngestEvent> events, Dictionary<(string, string), Guid> identities, IReadOnlySet<string> blocked)
    {
        var deciding = new HashSet<Guid>();
        var found = new HashSet<Guid>();
        foreach (var e in events)
        {
            found.Clear();
            var unknown = e.PreviousId is not null;
            foreach (var id in IdentityResolver.IdentitiesOf(e, blocked))
            {
                if (identities.TryGetValue(id, out var person))
                {
                    found.Add(person);
                }
                else
                {
                    unknown = true;
                }
            }

            if (unknown || found.Count > 1)
            {
                deciding.UnionWith(found);
            }
        }

        if (events.Exists(e => e.PreviousId is not null))
        {
            // alias looks its previous id up as a user id or an anonymous id: cheap to over-approximate.
            deciding.UnionWith(identities.Values);
        }

        return deciding.ToArray();
    }

    /// <summary>Transaction-scoped advisory locks, taken in one sorted order so two claims never wait on each other in a cycle.</summary>
    private static async Task LockAsync(NpgsqlConnection connection, HashSet<(string Name, int Space)> locks, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT count(pg_advisory_xact_lock(k)) FROM (
                SELECT DISTINCT hashtextextended(n, s) AS k FROM unnest($1::text[], $2::int[]) u(n, s) ORDER BY 1) s
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = locks.Select(l => l.Name).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = locks.Select(l => l.Space).ToArray() });
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>The profiles the keys point at as they are now, and which keys already have an identity row.</summary>
    private async Task<(IdentityResolver Resolver, HashSet<(string, string)> Known)> ReadIdentitiesAsync(
        NpgsqlConnection connection, List<IngestEvent> events, List<(string Type, string Value)> keys, IReadOnlySet<string> blocked, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var types = keys.Select(k => k.Type).ToArray();
        var values = keys.Select(k => k.Value).ToArray();
        var identities = new Dictionary<(string, string), Guid>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT i.type, i.value, i.person_id FROM cdp_identities i
            JOIN unnest($1::text[], $2::text[]) u(t, v) ON i.type = u.t AND i.value = u.v
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = values });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                identities[(reader.GetString(0), reader.GetString(1))] = reader.GetGuid(2);
            }
        }

        var known = identities.Keys.ToHashSet();

        // A contact typed in by hand has an email but no identity row yet: it is found by its email.
        var unmatchedEmails = keys.Where(k => k.Type == IdentityTypes.Email && !identities.ContainsKey(k)).Select(k => k.Value).ToArray();
        var emailRows = new List<(string Email, Guid Person)>();
        if (unmatchedEmails.Length > 0)
        {
            await using var command = new NpgsqlCommand("SELECT email, id FROM people WHERE email = ANY($1)", connection);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = unmatchedEmails });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                emailRows.Add((reader.GetString(0), reader.GetGuid(1)));
                identities[(IdentityTypes.Email, reader.GetString(0))] = reader.GetGuid(1);
            }
        }

        var profiles = new Dictionary<Guid, ProfileState>();
        var personIds = identities.Values.Distinct().ToArray();
        var deciding = PeopleToDecide(events, identities, blocked);
        if (deciding.Length > 0)
        {
            // One pass over the profiles' identities (index on person_id, type) for the user id and the number of
            // anonymous ids, instead of two correlated look-ups per profile.
            await using var command = new NpgsqlCommand(
                """
                SELECT p.id, p.is_contact, p.created_at, i.user_id, coalesce(i.anonymous_ids, 0)
                FROM people p
                LEFT JOIN (SELECT person_id, min(value) FILTER (WHERE type = 'user_id') AS user_id,
                                  count(*) FILTER (WHERE type = 'anonymous_id')::int AS anonymous_ids
                           FROM cdp_identities WHERE person_id = ANY($1) AND type IN ('user_id', 'anonymous_id')
                           GROUP BY person_id) i ON i.person_id = p.id
                WHERE p.id = ANY($1)
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = deciding });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                profiles[reader.GetGuid(0)] = new ProfileState
                {
                    IsContact = reader.GetBoolean(1),
                    CreatedAt = reader.GetFieldValue<DateTimeOffset>(2),
                    UserId = reader.IsDBNull(3) ? null : reader.GetString(3),
                    AnonymousIds = reader.GetInt32(4),
                };
            }
        }

        if (profiles.Count < deciding.Length)
        {
            throw new ConcurrentMergeException();
        }

        var resolver = new IdentityResolver(identities, profiles, blocked, _options.MaxAnonymousIdsPerProfile, now);
        foreach (var person in personIds)
        {
            resolver.Plan.ExistingPeople.Add(person);
        }

        foreach (var (email, person) in emailRows)
        {
            resolver.Plan.NewIdentities.Add((IdentityTypes.Email, email, person));
        }

        return (resolver, known);
    }

    /// <summary>
    /// Key-share-locks the existing profiles this claim writes to, so a concurrent merge cannot delete one under us
    /// (it waits for our commit, then moves our events too). One already gone means a merge won: retry. A key-share
    /// lock does not stop another claim updating the same person's last seen (a no-key update), so two claims
    /// never hold share locks they both want to upgrade — that upgrade was a deadlock between worker loops.
    /// <para>
    /// Undoing a merge moves identities between two profiles that both stay, so no row goes missing: it bumps the
    /// resolution epoch instead, and holds the winner's row while it works. A claim that read the identities before
    /// the undo committed waits here for that row, then reads the epoch in a new snapshot (a second statement of the
    /// same round trip) and finds it moved: its reads are stale, and the claim is redone.
    /// </para>
    /// </summary>
    private static async Task LockExistingPeopleAsync(NpgsqlConnection connection, ResolutionPlan plan, long epoch, CancellationToken cancellationToken)
    {
        if (plan.ExistingPeople.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT count(*)::int FROM (SELECT id FROM people WHERE id = ANY($1) ORDER BY id FOR KEY SHARE) s")
                {
                    Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = plan.ExistingPeople.ToArray() } },
                },
                new NpgsqlBatchCommand(ResolutionEpochSql),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var locked = reader.GetInt32(0);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (locked != plan.ExistingPeople.Count || reader.GetInt64(0) != epoch)
        {
            throw new ConcurrentMergeException();
        }
    }

    private const string ResolutionEpochSql = "SELECT value FROM cdp_resolution_epoch";

    /// <summary>Read before the identities; see <see cref="LockExistingPeopleAsync"/>.</summary>
    private static async Task<long> ResolutionEpochAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ResolutionEpochSql, connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task WritePlanAsync(NpgsqlConnection connection, ResolutionPlan plan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (plan.NewPeople.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO people (id, other_emails, tags, custom_fields, lifecycle_stage, is_contact, created_at, updated_at, first_seen_at, last_seen_at)
                SELECT u.id, '{}', '{}', '{}', $4, u.c, $3, $3, u.t, u.t FROM unnest($1::uuid[], $2::bool[], $5::timestamptz[]) u(id, c, t)
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = plan.NewPeople.Select(p => p.Id).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = plan.NewPeople.Select(p => p.IsContact).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Domain.Crm.LifecycleStages.Lead });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = plan.NewPeople.Select(p => p.At).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var newIdentities = plan.NewIdentities.Distinct().ToList();
        if (newIdentities.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO cdp_identities (type, value, person_id, created_at)
                SELECT u.t, u.v, u.p, $4 FROM unnest($1::text[], $2::text[], $3::uuid[]) u(t, v, p)
                ON CONFLICT (type, value) DO UPDATE SET person_id = excluded.person_id
                    WHERE cdp_identities.person_id = excluded.person_id
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = newIdentities.Select(i => i.Type).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = newIdentities.Select(i => i.Value).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = newIdentities.Select(i => i.PersonId).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            var written = await command.ExecuteNonQueryAsync(cancellationToken);
            if (written != newIdentities.Count)
            {
                // Someone gave one of these identities to another profile since we looked (we hold its lock, so
                // only a merge can have): start over with fresh data.
                throw new ConcurrentMergeException();
            }
        }

        foreach (var merge in plan.Merges)
        {
            await MergeAsync(connection, merge, now, cancellationToken);
        }

        foreach (var refusal in plan.Refusals)
        {
            logger.LogWarning("Kept profiles {Winner} and {Loser} apart: {Reason}", refusal.WinnerId, refusal.LoserId, refusal.Reason);
            await RecordAsync(connection, refusal, MergeOutcome.Refused, now, cancellationToken);
        }
    }

    private static async Task MergeAsync(NpgsqlConnection connection, MergeStep merge, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var lockBoth = new NpgsqlCommand(
            "SELECT count(*)::int FROM (SELECT id FROM people WHERE id IN ($1, $2) ORDER BY id FOR UPDATE) s", connection))
        {
            lockBoth.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = merge.WinnerId });
            lockBoth.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = merge.LoserId });
            if ((int)(await lockBoth.ExecuteScalarAsync(cancellationToken))! != 2)
            {
                throw new ConcurrentMergeException();
            }
        }

        var mergeId = await RecordAsync(connection, merge, MergeOutcome.Merged, now, cancellationToken);
        await Traits.ComputedTraitStore.MergeAsync(connection, merge.WinnerId, merge.LoserId, cancellationToken);
        // Everything that hangs off the loser follows the winner; fields the winner lacks are taken from the
        // loser; the loser's row goes (its snapshot is in the merge record, for undo). What follows is the one list
        // a merge by hand and the privacy eraser use too.
        await using var command = new NpgsqlCommand(
            $$"""
            {{PersonTables.MergeScript}}
            UPDATE people w SET
                first_name = coalesce(w.first_name, l.first_name), last_name = coalesce(w.last_name, l.last_name),
                phone = coalesce(w.phone, l.phone), job_title = coalesce(w.job_title, l.job_title),
                company_id = coalesce(w.company_id, l.company_id), owner_id = coalesce(w.owner_id, l.owner_id),
                lead_source = coalesce(w.lead_source, l.lead_source),
                other_emails = ARRAY(SELECT DISTINCT e FROM unnest(w.other_emails || l.other_emails
                    || CASE WHEN l.email IS NOT NULL AND w.email IS NOT NULL AND l.email <> w.email THEN ARRAY[l.email] ELSE '{}'::text[] END) e),
                tags = ARRAY(SELECT DISTINCT t FROM unnest(w.tags || l.tags) t),
                custom_fields = l.custom_fields || w.custom_fields,
                is_contact = w.is_contact OR l.is_contact,
                first_seen_at = least(w.first_seen_at, l.first_seen_at), last_seen_at = greatest(w.last_seen_at, l.last_seen_at),
                last_activity_at = greatest(w.last_activity_at, l.last_activity_at),
                created_at = least(w.created_at, l.created_at), updated_at = @now
            FROM people l WHERE w.id = @w AND l.id = @l;
            DELETE FROM people WHERE id = @l;
            UPDATE people SET email = (SELECT loser_snapshot->'person'->>'email' FROM cdp_profile_merges WHERE id = @m)
                WHERE id = @w AND email IS NULL;
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid>("w", merge.WinnerId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("l", merge.LoserId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("m", mergeId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Guid> RecordAsync(NpgsqlConnection connection, MergeStep step, MergeOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(now);
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO cdp_profile_merges (id, winner_id, loser_id, outcome, identity_type, identity_value, source_id, message_id, reason, loser_snapshot, merged_at)
            VALUES (@id, @w, @l, @o, @it, left(@iv, 256), @s, left(@m, 100), left(@r, 500),
                CASE WHEN @o = 'Merged' THEN ({Merges.ProfileMergeStore.SnapshotSql}) END,
                @now)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<Guid>("w", step.WinnerId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("l", step.LoserId));
        command.Parameters.Add(new NpgsqlParameter<string>("o", outcome.ToString()));
        command.Parameters.Add(new NpgsqlParameter<string>("it", step.IdentityType));
        command.Parameters.Add(new NpgsqlParameter<string>("iv", step.IdentityValue));
        command.Parameters.Add(new NpgsqlParameter<Guid>("s", step.SourceId));
        command.Parameters.Add(new NpgsqlParameter<string>("m", step.MessageId));
        command.Parameters.Add(new NpgsqlParameter<string>("r", step.Reason));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    private static async Task CopyEventsAsync(NpgsqlConnection connection, List<IngestEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var writer = await connection.BeginBinaryImportAsync(
            """
            COPY cdp_events (id, source_id, person_id, message_id, type, event, "timestamp", received_at, sent_at, original_timestamp,
                             user_id, anonymous_id, properties, context) FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        foreach (var e in events)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(e.StoredId(), NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(e.SourceId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(e.PersonId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(e.MessageId, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(e.Type, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, e.Name, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(e.Timestamp, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(e.ReceivedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(writer, e.SentAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(writer, e.OriginalTimestamp, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(writer, e.UserId, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, e.AnonymousId, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, e.PropertiesJson, NpgsqlDbType.Jsonb, cancellationToken);
            await WriteNullableAsync(writer, e.ContextJson, NpgsqlDbType.Jsonb, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, type, cancellationToken);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter writer, DateTimeOffset? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value.Value, type, cancellationToken);

    /// <summary>First/last seen for every touched profile, then identify traits and the CRM fields they map to.</summary>
    private static async Task UpdatePeopleAsync(NpgsqlConnection connection, List<IngestEvent> events, ResolutionPlan plan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var seen = events.GroupBy(e => e.PersonId)
            .Select(g => (Id: g.Key, First: g.Min(e => e.Timestamp), Last: g.Max(e => e.Timestamp), Contact: plan.BecameContacts.Contains(g.Key)))
            .OrderBy(s => s.Id).ToList();
        // The rows both updates below will write are locked first, in id order: UPDATE … FROM unnest locks them in
        // whatever order its join produces, and two claims sharing people then deadlocked each other.
        await using (var command = new NpgsqlCommand(
            """
            SELECT count(*) FROM (
                SELECT p.id FROM people p JOIN unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::bool[], $5::bool[]) v(id, f, l, c, t) ON p.id = v.id
                WHERE v.t OR v.c OR p.first_seen_at IS NULL OR v.f < p.first_seen_at OR p.last_seen_at IS NULL OR v.l > p.last_seen_at + interval '1 minute'
                ORDER BY p.id FOR NO KEY UPDATE OF p) s
            """, connection))
        {
            // People whose identify traits or company link change below are locked here too, in the same order.
            var identified = events.Where(e => e.Traits is not null || e.Company is not null).Select(e => e.PersonId).ToHashSet();
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = seen.Select(s => s.Id).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = seen.Select(s => s.First).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = seen.Select(s => s.Last).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = seen.Select(s => s.Contact).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = seen.Select(s => identified.Contains(s.Id)).ToArray() });
            await command.ExecuteScalarAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand(
            """
            UPDATE people p SET
                first_seen_at = CASE WHEN p.first_seen_at IS NULL OR v.f < p.first_seen_at THEN v.f ELSE p.first_seen_at END,
                last_seen_at = CASE WHEN p.last_seen_at IS NULL OR v.l > p.last_seen_at THEN v.l ELSE p.last_seen_at END,
                -- A contact's "Last activity" counts their events too, not only notes, calls and meetings (kept to
                -- the minute like last seen; a single person's page reads both exactly, IEventTimelineStore.LastEventAtAsync).
                last_activity_at = CASE WHEN p.last_activity_at IS NULL OR v.l > p.last_activity_at THEN v.l ELSE p.last_activity_at END,
                is_contact = p.is_contact OR v.c
            FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::bool[]) v(id, f, l, c)
            WHERE p.id = v.id
              -- Last seen is kept to the minute: a visitor's burst of events updates their row once, not per claim.
              AND (v.c OR p.first_seen_at IS NULL OR v.f < p.first_seen_at OR p.last_seen_at IS NULL OR v.l > p.last_seen_at + interval '1 minute')
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = seen.Select(s => s.Id).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = seen.Select(s => s.First).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = seen.Select(s => s.Last).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = seen.Select(s => s.Contact).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var traits = TraitUpdates(events);
        if (traits.Count == 0)
        {
            return;
        }

        traits = await WithoutForeignEmailsAsync(connection, traits, cancellationToken);

        await using (var command = new NpgsqlCommand(
            """
            INSERT INTO cdp_profile_traits (person_id, traits, updated_at)
            SELECT v.id, v.t::jsonb, @now FROM unnest(@ids::uuid[], @traits::text[]) v(id, t)
            ON CONFLICT (person_id) DO UPDATE SET traits = cdp_profile_traits.traits || excluded.traits, updated_at = excluded.updated_at;

            UPDATE people p SET
                first_name = coalesce(v.first_name, p.first_name),
                last_name = coalesce(v.last_name, p.last_name),
                phone = coalesce(v.phone, p.phone),
                job_title = coalesce(v.title, p.job_title),
                email = CASE WHEN p.email IS NULL AND v.email IS NOT NULL AND NOT EXISTS (SELECT 1 FROM people o WHERE o.email = v.email)
                             THEN v.email ELSE p.email END,
                other_emails = CASE WHEN p.email IS NOT NULL AND v.email IS NOT NULL AND v.email <> p.email AND NOT v.email = ANY(p.other_emails)
                                    THEN p.other_emails || v.email ELSE p.other_emails END,
                updated_at = @now
            FROM unnest(@ids::uuid[], @fn::text[], @ln::text[], @ph::text[], @ti::text[], @em::text[])
                 v(id, first_name, last_name, phone, title, email)
            WHERE p.id = v.id;

            -- The names identify calls use, for the contacts list's trait columns and filters (a known name is an
            -- index probe and no write; a workspace's names are few, capped against a sender inventing them per call).
            INSERT INTO cdp_identify_trait_keys (key, first_seen_at)
            SELECT k, @now FROM unnest(@keys::text[]) k
            WHERE NOT EXISTS (SELECT 1 FROM cdp_identify_trait_keys i WHERE i.key = k)
              AND (SELECT count(*) FROM cdp_identify_trait_keys) < 500
            ORDER BY k
            ON CONFLICT (key) DO NOTHING;
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("keys", events.Where(e => e.Traits is not null)
                .SelectMany(e => e.Traits!.Value.EnumerateObject().Select(p => p.Name))
                .Where(ProfileIdentifyTraits.IsListableName).Distinct().Order(StringComparer.Ordinal).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", traits.Select(t => t.Id).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<string[]>("traits", traits.Select(t => t.Json).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            command.Parameters.Add(new NpgsqlParameter<string?[]>("fn", traits.Select(t => t.Fields.FirstName).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<string?[]>("ln", traits.Select(t => t.Fields.LastName).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<string?[]>("ph", traits.Select(t => t.Fields.Phone).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<string?[]>("ti", traits.Select(t => t.Fields.Title).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<string?[]>("em", traits.Select(t => t.Fields.Email).ToArray()));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// An email that is another person's (their identity, or a contact's address) stays theirs: when user ids kept
    /// the two apart (someone typed a colleague's address), the identify's email becomes neither this profile's
    /// trait nor one of its addresses. The event itself keeps what was sent.
    /// </summary>
    private static async Task<List<(Guid Id, string Json, ContactTraits Fields)>> WithoutForeignEmailsAsync(
        NpgsqlConnection connection, List<(Guid Id, string Json, ContactTraits Fields)> traits, CancellationToken cancellationToken)
    {
        var withEmail = traits.Where(t => t.Fields.Email is not null).ToList();
        if (withEmail.Count == 0)
        {
            return traits;
        }

        var foreign = new HashSet<Guid>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT v.id FROM unnest($1::uuid[], $2::text[]) v(id, email)
            WHERE EXISTS (SELECT 1 FROM cdp_identities i WHERE i.type = 'email' AND i.value = v.email AND i.person_id <> v.id)
               OR EXISTS (SELECT 1 FROM people o WHERE o.email = v.email AND o.id <> v.id)
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = withEmail.Select(t => t.Id).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = withEmail.Select(t => t.Fields.Email!).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                foreign.Add(reader.GetGuid(0));
            }
        }

        return foreign.Count == 0 ? traits : traits.Select(t => foreign.Contains(t.Id)
            ? (t.Id, WithoutEmail(t.Json), t.Fields with { Email = null })
            : t).ToList();
    }

    private static string WithoutEmail(string json)
    {
        var traits = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
        foreach (var key in traits.Keys.Where(k => string.Equals(k, "email", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            traits.Remove(key);
        }

        return JsonSerializer.Serialize(traits);
    }

    private static List<(Guid Id, string Json, ContactTraits Fields)> TraitUpdates(List<IngestEvent> events)
    {
        var result = new List<(Guid, string, ContactTraits)>();
        foreach (var group in events.Where(e => e.Traits is not null).GroupBy(e => e.PersonId).OrderBy(g => g.Key))
        {
            // Later identify calls win, key by key.
            var merged = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var e in group.OrderBy(e => e.Timestamp))
            {
                foreach (var property in e.Traits!.Value.EnumerateObject())
                {
                    merged[property.Name] = property.Value;
                }
            }

            result.Add((group.Key, JsonSerializer.Serialize(merged), ContactTraits.From(merged)));
        }

        return result;
    }
}

/// <summary>The CRM contact fields Segment's reserved identify traits map to (the company is linked by <see cref="CompanyLinks"/>).</summary>
internal sealed record ContactTraits(string? FirstName, string? LastName, string? Phone, string? Title, string? Email)
{
    public static ContactTraits From(Dictionary<string, JsonElement> traits)
    {
        string? Get(int max, params string[] names)
        {
            foreach (var name in names)
            {
                if (traits.TryGetValue(name, out var v))
                {
                    var text = v.ValueKind switch
                    {
                        JsonValueKind.String => v.GetString(),
                        JsonValueKind.Object when v.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
                        _ => null,
                    };
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        text = text.Trim();
                        return text.Length > max ? text[..max] : text;
                    }
                }
            }

            return null;
        }

        var first = Get(100, "firstName", "first_name");
        var last = Get(100, "lastName", "last_name");
        if (first is null && last is null && Get(201, "name") is { } full)
        {
            var space = full.IndexOf(' ', StringComparison.Ordinal);
            (first, last) = space < 0 ? (full, null) : (full[..space], full[(space + 1)..]);
            first = first.Length > 100 ? first[..100] : first;
            last = last?.Length > 100 ? last[..100] : last;
        }

        var email = Get(254, "email")?.ToLowerInvariant();
        return new(first, last, Get(50, "phone"), Get(150, "title", "jobTitle", "job_title"), email?.Contains('@') == true ? email : null);
    }
}

/// <summary>A profile this claim relied on was merged away by another worker meanwhile: the claim starts over.</summary>
public sealed class ConcurrentMergeException() : Exception("A profile was merged by another worker during resolution.");

