using Monfri.Domain.Cdp;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>What a batch's resolution decided; written to the database by <see cref="IngestProcessor"/> in order.</summary>
internal sealed class ResolutionPlan
{
    public List<(Guid Id, bool IsContact, DateTimeOffset At)> NewPeople { get; } = [];
    public List<(string Type, string Value, Guid PersonId)> NewIdentities { get; } = [];
    public List<MergeStep> Merges { get; } = [];
    public List<MergeStep> Refusals { get; } = [];
    public HashSet<Guid> BecameContacts { get; } = [];
    public HashSet<Guid> ExistingPeople { get; } = [];
}

internal sealed record MergeStep(Guid WinnerId, Guid LoserId, string IdentityType, string IdentityValue, Guid SourceId, string MessageId, string Reason);

/// <summary>A profile as resolution needs it (loaded only for profiles an event links, merges or adds to): its user id (the merge guard) and how many anonymous ids it holds (the cap).</summary>
internal sealed class ProfileState
{
    public string? UserId { get; set; }
    public int AnonymousIds { get; set; }
    public bool IsContact { get; set; }
    public bool IsNew { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// Identity resolution for one batch, in memory over the identities the batch touches (loaded in one query),
/// event by event in arrival order (DESIGN.md §3). The rules:
/// <list type="bullet">
/// <item>identities matching no profile create one (a contact when it has a user id or an email);</item>
/// <item>an event linking two profiles merges them into the one holding its user id, else a contact, else the
/// oldest — unless both hold different user ids, which is refused and recorded;</item>
/// <item>junk and blocked values are ignored; a profile collects at most N anonymous ids;</item>
/// <item><c>alias</c> links <c>previousId</c> (a user or anonymous id) to <c>userId</c> under the same guards.</item>
/// </list>
/// </summary>
internal sealed class IdentityResolver(
    Dictionary<(string Type, string Value), Guid> identities,
    Dictionary<Guid, ProfileState> profiles,
    IReadOnlySet<string> blocked,
    int maxAnonymousIds,
    DateTimeOffset now)
{
    private readonly Dictionary<Guid, Guid> _mergedInto = [];

    public ResolutionPlan Plan { get; } = new();

    public static List<(string Type, string Value)> IdentitiesOf(IngestEvent e, IReadOnlySet<string> blocked)
    {
        var ids = new List<(string, string)>(4);
        void Add(string type, string? value)
        {
            if (IdentityTypes.IsUsable(value, blocked) && !ids.Contains((type, value!.Trim())))
            {
                ids.Add((type, value.Trim()));
            }
        }

        Add(IdentityTypes.UserId, e.UserId);
        Add(IdentityTypes.Email, e.Email);
        foreach (var (type, value) in e.ExternalIds)
        {
            Add(type, value);
        }

        Add(IdentityTypes.AnonymousId, e.AnonymousId);
        return ids;
    }

    public Guid Follow(Guid personId)
    {
        while (_mergedInto.TryGetValue(personId, out var next))
        {
            personId = next;
        }

        return personId;
    }

    /// <summary>Sets <see cref="IngestEvent.PersonId"/>; false when the event carries no usable identifier (blocked values).</summary>
    public bool Resolve(IngestEvent e)
    {
        var ids = IdentitiesOf(e, blocked);
        if (e.PreviousId is { } previous && IdentityTypes.IsUsable(previous, blocked))
        {
            // previousId is whatever the user was known as: a user id if one matches, else an anonymous id.
            var asUser = (IdentityTypes.UserId, previous.Trim());
            ids.Add(identities.ContainsKey(asUser) ? asUser : (IdentityTypes.AnonymousId, previous.Trim()));
        }

        if (ids.Count == 0)
        {
            return false;
        }

        var found = new List<(Guid Person, (string Type, string Value) Via)>();
        foreach (var id in ids)
        {
            if (identities.TryGetValue(id, out var person))
            {
                person = Follow(person);
                if (!found.Exists(f => f.Person == person))
                {
                    found.Add((person, id));
                }
            }
        }

        var userId = ids.FirstOrDefault(i => i.Type == IdentityTypes.UserId).Value;
        Guid target;
        if (found.Count == 0)
        {
            target = Create(ids, e);
        }
        else
        {
            target = Choose(found, userId);
            var linkedBy = found.First(f => f.Person == target).Via;
            foreach (var (other, via) in found)
            {
                if (other == target)
                {
                    continue;
                }

                var (winner, loser) = (profiles[target], profiles[other]);
                if (winner.UserId is not null && loser.UserId is not null && winner.UserId != loser.UserId)
                {
                    Plan.Refusals.Add(new(target, other, via.Type, via.Value, e.SourceId, e.MessageId,
                        $"Both profiles have a user id ({winner.UserId}, {loser.UserId}); they were kept apart."));
                    continue;
                }

                Merge(target, other, linkedBy, e);
            }

            // A user id the target cannot take (it holds another) means a different person: their own profile.
            if (userId is not null && !identities.ContainsKey((IdentityTypes.UserId, userId))
                && profiles[target].UserId is { } held && held != userId)
            {
                var kept = target;
                target = Create(ids.Where(i => !identities.ContainsKey(i)).ToList(), e);
                // Recorded between the two, so both profiles' histories show why they are apart.
                Plan.Refusals.Add(new(kept, target, IdentityTypes.UserId, userId, e.SourceId, e.MessageId,
                    $"The profile already has user id {held}; {userId} got a profile of its own."));
            }
            else
            {
                foreach (var id in ids.Where(i => !identities.ContainsKey(i)))
                {
                    Attach(target, id);
                }
            }
        }

        e.PersonId = target;
        return true;
    }

    private Guid Choose(List<(Guid Person, (string Type, string Value) Via)> found, string? userId)
    {
        if (found.Count == 1)
        {
            // The common case, decided without the profile's state (which is only loaded when it matters).
            return found[0].Person;
        }

        if (userId is not null && found.FirstOrDefault(f => f.Via == (IdentityTypes.UserId, userId)) is { Person: var holder } && holder != Guid.Empty)
        {
            return holder;
        }

        return found.Select(f => f.Person)
            .OrderByDescending(p => profiles[p].UserId is not null)
            .ThenByDescending(p => profiles[p].IsContact)
            .ThenBy(p => profiles[p].CreatedAt)
            .First();
    }

    private Guid Create(List<(string Type, string Value)> ids, IngestEvent e)
    {
        var id = Guid.CreateVersion7(now);
        var contact = ids.Exists(i => i.Type is IdentityTypes.UserId or IdentityTypes.Email);
        profiles[id] = new ProfileState { IsNew = true, IsContact = contact, CreatedAt = now };
        Plan.NewPeople.Add((id, contact, e.Timestamp));
        foreach (var identity in ids)
        {
            Attach(id, identity);
        }

        return id;
    }

    private void Attach(Guid personId, (string Type, string Value) id)
    {
        var profile = profiles[personId];
        switch (id.Type)
        {
            case IdentityTypes.UserId when profile.UserId is not null:
                return;
            case IdentityTypes.UserId:
                profile.UserId = id.Value;
                break;
            case IdentityTypes.AnonymousId when profile.AnonymousIds >= maxAnonymousIds:
                // Past the cap the id stays unattached: its events go to this profile, later ones start anew.
                return;
            case IdentityTypes.AnonymousId:
                profile.AnonymousIds++;
                break;
        }

        if (id.Type is IdentityTypes.UserId or IdentityTypes.Email && !profile.IsContact)
        {
            profile.IsContact = true;
            Plan.BecameContacts.Add(personId);
        }

        identities[id] = personId;
        Plan.NewIdentities.Add((id.Type, id.Value, personId));
    }

    private void Merge(Guid winnerId, Guid loserId, (string Type, string Value) via, IngestEvent e)
    {
        var (winner, loser) = (profiles[winnerId], profiles[loserId]);
        winner.UserId ??= loser.UserId;
        winner.AnonymousIds += loser.AnonymousIds;
        if (loser.IsContact && !winner.IsContact)
        {
            winner.IsContact = true;
            Plan.BecameContacts.Add(winnerId);
        }

        _mergedInto[loserId] = winnerId;
        foreach (var key in identities.Where(kv => kv.Value == loserId).Select(kv => kv.Key).ToList())
        {
            identities[key] = winnerId;
        }

        for (var i = 0; i < Plan.NewIdentities.Count; i++)
        {
            if (Plan.NewIdentities[i].PersonId == loserId)
            {
                Plan.NewIdentities[i] = Plan.NewIdentities[i] with { PersonId = winnerId };
            }
        }

        Plan.Merges.Add(new(winnerId, loserId, via.Type, via.Value, e.SourceId, e.MessageId,
            $"{e.Type} linked {via.Type} {via.Value} to another profile."));
    }
}
