using System.Linq.Expressions;
using Monfri.Application.Common.Jobs;

namespace Monfri.Application.Jobs;

/// <summary>A background job as the operator sees it (its payload stays out: it may name records the reader may not see).</summary>
public sealed record JobDto(
    Guid Id,
    string Kind,
    JobState State,
    DateTimeOffset RunAt,
    int Attempts,
    string? LastError,
    string? LockedBy,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    public static readonly Expression<Func<Job, JobDto>> Projection = j =>
        new JobDto(j.Id, j.Kind, j.State, j.RunAt, j.Attempts, j.LastError, j.LockedBy, j.LockedUntil, j.CreatedAt, j.StartedAt, j.FinishedAt);
}
