namespace Monfri.Infrastructure.Live;

public enum LiveFeedTransport
{
    /// <summary>One Monfri process: updates stay in memory.</summary>
    InProcess,

    /// <summary>Several Monfri processes on one database: updates travel by PostgreSQL LISTEN/NOTIFY.</summary>
    Postgres,
}

/// <summary>Monfri:LiveFeed.</summary>
public sealed class LiveFeedOptions
{
    public const string Section = "Monfri:LiveFeed";

    public LiveFeedTransport Transport { get; set; } = LiveFeedTransport.InProcess;
}
