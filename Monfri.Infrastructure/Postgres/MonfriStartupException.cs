namespace Monfri.Infrastructure.Postgres;

/// <summary>
/// A start-up problem the operator can fix (missing binaries, unreachable database, folder not writable).
/// Program.cs prints its message alone — no stack trace — and exits non-zero.
/// </summary>
public sealed class MonfriStartupException(string message, Exception? inner = null) : Exception(message, inner);
