using System.Data;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Monfri.Infrastructure.Import;

/// <summary>
/// Streams uploaded files into <c>import_jobs.content</c> and back out, never as one byte array. The scheduler's job
/// that runs the import is enqueued in the same transaction: no import without its job, no job without its file.
/// </summary>
internal sealed class ImportStore(IDbContextFactory<MonfriDbContext> factory, NpgsqlDataSource dataSource, TimeProvider clock) : IImportStore
{
    public async Task SaveAsync(ImportJob job, Stream content, CancellationToken cancellationToken)
    {
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.ImportJobs.Add(job);
            db.Jobs.Add(ImportJobHandler.NewJob(job.Id, clock.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken);
            // Npgsql sends a Stream parameter in chunks as it reads it.
            var file = new NpgsqlParameter("content", NpgsqlDbType.Bytea) { Value = content, Size = checked((int)(content.Length - content.Position)) };
            await db.Database.ExecuteSqlRawAsync("UPDATE import_jobs SET content = @content WHERE id = @id", [file, new NpgsqlParameter("id", job.Id)], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    public async Task<Stream> OpenFileAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var command = new NpgsqlCommand("SELECT content FROM import_jobs WHERE id = @id", connection) { Parameters = { new("id", jobId) } };
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || await reader.IsDBNullAsync(0, cancellationToken))
            {
                await reader.DisposeAsync();
                await connection.DisposeAsync();
                return Stream.Null;
            }

            return new OwningStream(reader.GetStream(0), reader, connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The column's stream, which also closes its reader and connection when disposed.</summary>
    private sealed class OwningStream(Stream inner, NpgsqlDataReader reader, NpgsqlConnection connection) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await reader.DisposeAsync();
            await connection.DisposeAsync();
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                reader.Dispose();
                connection.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
