using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Imports;

/// <summary>
/// The uploaded file, kept with its job in the database so a worker on any node can read it. The seam exists
/// because the bytes are streamed through the database driver in both directions: a 50 MB upload is never
/// held in memory, which an entity property (a byte array) would force.
/// </summary>
public interface IImportStore
{
    /// <summary>Saves the queued job together with <paramref name="content"/> (from its current position), then wakes a worker.</summary>
    Task SaveAsync(ImportJob job, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens a job's file for reading forward; dispose it to release the connection.</summary>
    Task<Stream> OpenFileAsync(Guid jobId, CancellationToken cancellationToken);
}
