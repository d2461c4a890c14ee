using System.IO.Compression;
using Monfri.Application.Cdp.Collection;

namespace Monfri.Web.Endpoints.Collection;

/// <summary>
/// Reads a collection request body into memory under the 500 KB limit, inflating gzip/deflate bodies. The limit
/// applies to the inflated bytes too, so a gzip bomb costs at most 500 KB of memory before it is refused.
/// </summary>
public static class CollectBody
{
    public static async Task<(ReadOnlyMemory<byte> Body, string? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        const int limit = CollectionLimits.MaxRequestBytes;
        if (request.ContentLength > limit)
        {
            return (default, TooLarge);
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        Stream stream = request.Body;
        try
        {
            stream = encoding switch
            {
                "" or "identity" => request.Body,
                "gzip" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
                "deflate" => new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
                _ => throw new NotSupportedException(),
            };
        }
        catch (NotSupportedException)
        {
            return (default, $"Content-Encoding \"{encoding}\" is not supported; send gzip or no encoding.");
        }

        try
        {
            var buffer = new byte[Math.Min(limit + 1, request.ContentLength is { } length && encoding is "" or "identity" ? (int)length + 1 : 64 * 1024)];
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > limit)
                    {
                        return (default, TooLarge);
                    }

                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit + 1));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > limit)
                {
                    return (default, TooLarge);
                }
            }

            return (buffer.AsMemory(0, total), null);
        }
        catch (InvalidDataException)
        {
            return (default, "The body is not valid gzip/deflate data.");
        }
        finally
        {
            if (!ReferenceEquals(stream, request.Body))
            {
                await stream.DisposeAsync();
            }
        }
    }

    private static string TooLarge => $"The request is larger than {CollectionLimits.MaxRequestBytes / 1024} KB (after decompression); send smaller batches.";
}
