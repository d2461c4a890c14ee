namespace Monfri.Domain.Common;

/// <summary>
/// A rule of the domain was broken by a caller that should have checked first (a bug, not user input:
/// use cases validate and return an invalid result before calling into an aggregate).
/// </summary>
public sealed class DomainException(string message) : Exception(message);
