using Monfri.Domain.Privacy;

namespace Monfri.Application.Privacy;

/// <summary>
/// Where privacy requests wait for the background worker and where exports are kept. The seam exists because an
/// export can be large (a person with 100,000 events): it is written and read as a stream through the database
/// driver, never as one string or byte array.
/// </summary>
public interface IPrivacyRequestStore
{
    /// <summary>Saves the queued request and wakes a worker on this node.</summary>
    Task QueueAsync(PrivacyRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Lifts a suppression: the identifiers it added are tracked and emailed again (unless another suppression
    /// that holds covers them too), and the request records when. False when it no longer can be lifted.
    /// </summary>
    Task<bool> LiftSuppressionAsync(Guid requestId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Opens a completed export (UTF-8 JSON) for reading forward; null when there is none. Dispose it to release the connection.</summary>
    Task<Stream?> OpenExportAsync(Guid requestId, CancellationToken cancellationToken);
}

/// <summary>
/// "Do not email": addresses of people who objected (a Suppress request). Whatever sends email asks here before
/// each message; the answer holds even after the person was deleted, because only a hash of the address is kept.
/// </summary>
public interface IEmailSuppression
{
    Task<bool> IsSuppressedAsync(string email, CancellationToken cancellationToken);
}
