using System.Data;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Privacy;
using Monfri.Domain.Privacy;
using Monfri.Infrastructure.Persistence;
using Npgsql;

namespace Monfri.Infrastructure.Privacy;

/// <summary>
/// Saves queued requests with the scheduler's job that runs them (one transaction), lifts suppressions and streams
/// export documents out of <c>privacy_exports</c>.
/// </summary>
internal sealed class PrivacyRequestStore(
    IDbContextFactory<MonfriDbContext> factory, NpgsqlDataSource dataSource, SuppressionList suppressions, TimeProvider clock) : IPrivacyRequestStore
{
    public async Task QueueAsync(PrivacyRequest request, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.PrivacyRequests.Add(request);
        db.Jobs.Add(PrivacyRequestHandler.NewJob(request.Id, clock.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> LiftSuppressionAsync(Guid requestId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Locked so a second lift (another admin, another node) waits and then sees it lifted.
            var request = (await db.PrivacyRequests.FromSql($"SELECT * FROM privacy_requests WHERE id = {requestId} FOR UPDATE").ToListAsync(cancellationToken)).FirstOrDefault();
            if (request is null || !request.CanBeLifted)
            {
                return false;
            }

            await SuppressionList.RemoveAsync((NpgsqlConnection)db.Database.GetDbConnection(), request.Id, cancellationToken);
            request.Lift(now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        suppressions.Refresh();
        return true;
    }

    public async Task<Stream?> OpenExportAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var command = new NpgsqlCommand("SELECT content FROM privacy_exports WHERE request_id = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = requestId });
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                await reader.DisposeAsync();
                await connection.DisposeAsync();
                return null;
            }

            return new ColumnStream(reader.GetStream(0), reader, connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The column's stream, which also closes its reader and connection when disposed.</summary>
    private sealed class ColumnStream(Stream inner, NpgsqlDataReader reader, NpgsqlConnection connection) : Stream
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
