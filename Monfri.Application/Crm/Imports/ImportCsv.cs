using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using CsvHelper;
using Monfri.Application.Common.Results;

namespace Monfri.Application.Crm.Imports;

/// <summary>How a file's text is read: its encoding (<c>utf-8</c>, <c>utf-16</c>, <c>windows-1252</c>) and separator.</summary>
public sealed record CsvFormat(string Encoding, char Delimiter)
{
    public const string Utf8 = "utf-8";
    public const string Utf16 = "utf-16";
    public const string Windows1252 = "windows-1252";

    /// <summary>Shown with the preview when the file was not UTF-8, so the user checks the accented letters.</summary>
    public string? EncodingNote => Encoding == Windows1252
        ? "This file is not UTF-8, so it was read as Windows-1252 (Western European, Latin-1). Check that accented letters look right below; if not, save the file as \"CSV UTF-8\" and upload it again."
        : null;

    public string DelimiterName => Delimiter switch
    {
        ',' => "comma",
        ';' => "semicolon",
        '\t' => "tab",
        '|' => "pipe",
        _ => $"'{Delimiter}'",
    };
}

/// <summary>What the upload step shows: the format found, the column names, the first rows and how many there are.</summary>
public sealed record CsvPreview(CsvFormat Format, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, int TotalRows);

/// <summary>One data record: its 1-based number (the header is row 0) and its values.</summary>
public sealed record CsvRecord(int Row, string[] Cells);

/// <summary>
/// Reading uploaded CSV files: finding the encoding (UTF-8 with or without BOM, UTF-16 with BOM, otherwise
/// Windows-1252) and the separator, refusing what is not a CSV with a header row, and streaming the records
/// so a 50 MB file is never held in memory. The upload preview and the import worker read through the same
/// code, so a row number in a report is the row number the preview counted.
/// </summary>
public sealed class ImportCsv : IAsyncDisposable
{
    public const long MaxFileBytes = 50L * 1024 * 1024;
    public const int PreviewRowCount = 10;

    // A record larger than this is not a contact: the file is damaged (an unclosed quote) or not a CSV.
    private const int MaxRecordBytes = 1024 * 1024;
    private const int ChunkSize = 64 * 1024;

    private readonly CsvReader _reader;
    private readonly bool _blankHeader;
    private int _rows;

    private ImportCsv(CsvReader reader, IReadOnlyList<string> header, bool blankHeader)
    {
        _reader = reader;
        Header = header;
        _blankHeader = blankHeader;
    }

    /// <summary>The column names; a blank one is named "Column N" so it can still be mapped.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Checks a whole file (it must be seekable) and reads the first rows for the mapping step.</summary>
    public static async Task<Result<CsvPreview>> InspectAsync(Stream content, CancellationToken cancellationToken)
    {
        var start = content.Position;
        var encoding = await DetectEncodingAsync(content, cancellationToken);
        if (!encoding.IsSuccess)
        {
            return Result<CsvPreview>.From(encoding);
        }

        content.Position = start;
        try
        {
            await using var csv = await OpenAsync(content, new CsvFormat(encoding.Value, '\0'), cancellationToken);
            var problem = csv._blankHeader ? "The file is empty, or its first row has no column names." : CheckHeader(csv.Header);
            if (problem is not null)
            {
                return Result<CsvPreview>.Invalid(problem, "file");
            }

            var rows = new List<IReadOnlyList<string>>();
            var total = 0;
            while (await csv.ReadAsync(cancellationToken) is { } record)
            {
                total++;
                if (rows.Count < PreviewRowCount)
                {
                    rows.Add(record.Cells);
                }
            }

            if (total == 0)
            {
                return Result<CsvPreview>.Invalid("The file has a header row but no rows to import.", "file");
            }

            return new CsvPreview(new CsvFormat(encoding.Value, csv.Delimiter), csv.Header, rows, total);
        }
        catch (CsvFormatException)
        {
            return Result<CsvPreview>.Invalid("This file could not be read as CSV: a record is longer than 1 MB, which usually means a quote is never closed. Check the file and upload it again.", "file");
        }
    }

    /// <summary>
    /// Opens <paramref name="content"/> (read forward only) and reads its header. A <see cref="CsvFormat.Delimiter"/>
    /// of '\0' detects the separator from the first lines.
    /// </summary>
    public static async Task<ImportCsv> OpenAsync(Stream content, CsvFormat format, CancellationToken cancellationToken)
    {
        var options = CsvReaderOptions.Default with
        {
            Separator = format.Delimiter == '\0' ? null : format.Delimiter,
            Encoding = EncodingOf(format.Encoding),
            HasHeader = true,
            MaxRecordSize = MaxRecordBytes,
            DetectSeparatorHint = true,
        };
        var reader = CsvReader.Create(content, options, leaveOpen: true);
        await reader.ReadHeaderAsync(cancellationToken);
        var raw = reader.Headers;
        var header = raw.Select((name, i) => string.IsNullOrWhiteSpace(name) ? $"Column {i + 1}" : name.Trim()).ToList();
        return new ImportCsv(reader, header, raw.All(string.IsNullOrWhiteSpace));
    }

    /// <summary>The separator in use (detected or given).</summary>
    public char Delimiter => _reader.Separator;

    /// <summary>The next data record, or null at the end. Lines with no values at all are skipped and not counted.</summary>
    public async Task<CsvRecord?> ReadAsync(CancellationToken cancellationToken)
    {
        while (await _reader.ReadAsync(cancellationToken))
        {
            var cells = new string[_reader.FieldCount];
            var blank = true;
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = _reader.GetString(i);
                blank &= string.IsNullOrWhiteSpace(cells[i]);
            }

            if (!blank)
            {
                return new CsvRecord(++_rows, cells);
            }
        }

        return null;
    }

    public ValueTask DisposeAsync() => _reader.DisposeAsync();

    public static Encoding? EncodingOf(string name) => name switch
    {
        CsvFormat.Windows1252 => CodePagesEncodingProvider.Instance.GetEncoding(1252),
        CsvFormat.Utf16 => null, // its byte order mark says which UTF-16
        _ => System.Text.Encoding.UTF8,
    };

    /// <summary>
    /// UTF-16 when the file starts with its byte order mark; UTF-8 when every byte sequence is valid UTF-8 (with
    /// or without BOM); otherwise Windows-1252, the encoding Excel on Windows writes "CSV" in. Files that are
    /// not text at all (a workbook, a PDF, an image) are refused here, before anything else reads them.
    /// </summary>
    private static async Task<Result<string>> DetectEncodingAsync(Stream content, CancellationToken cancellationToken)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var chars = ArrayPool<char>.Shared.Rent(ChunkSize);
        try
        {
            var carry = 0;
            var first = true;
            var meaningful = false;
            while (true)
            {
                var read = await content.ReadAtLeastAsync(bytes.AsMemory(carry, ChunkSize - carry), ChunkSize - carry, throwOnEndOfStream: false, cancellationToken);
                var length = carry + read;
                if (first)
                {
                    first = false;
                    var head = bytes.AsSpan(0, length);
                    if (head.StartsWith<byte>([0xFF, 0xFE]) || head.StartsWith<byte>([0xFE, 0xFF]))
                    {
                        return CsvFormat.Utf16;
                    }

                    if (NotText(head) is { } refusal)
                    {
                        return Result<string>.Invalid(refusal, "file");
                    }
                }

                var span = bytes.AsSpan(0, length);
                meaningful |= span.IndexOfAnyExcept([(byte)' ', (byte)'\r', (byte)'\n', (byte)'\t', (byte)0xEF, (byte)0xBB, (byte)0xBF]) >= 0;
                var status = Utf8.ToUtf16(span, chars, out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: read == 0);
                if (status == System.Buffers.OperationStatus.InvalidData)
                {
                    return CsvFormat.Windows1252;
                }

                if (read == 0)
                {
                    return meaningful ? CsvFormat.Utf8 : Result<string>.Invalid("The file is empty.", "file");
                }

                // A character split between two chunks is carried over and judged whole.
                carry = length - consumed;
                bytes.AsSpan(consumed, carry).CopyTo(bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static string? NotText(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return "This is an Excel workbook (.xlsx) or another zipped file, not a CSV. In Excel choose File › Save As › \"CSV UTF-8\" and upload that file.";
        }

        if (head.StartsWith<byte>([0xD0, 0xCF, 0x11, 0xE0]))
        {
            return "This is an old Excel workbook (.xls), not a CSV. In Excel choose File › Save As › \"CSV UTF-8\" and upload that file.";
        }

        if (head.StartsWith("%PDF"u8))
        {
            return "This is a PDF, not a CSV. Export the data as CSV and upload that file.";
        }

        return head[..Math.Min(head.Length, 8192)].Contains((byte)0)
            ? "This file is not a CSV: it contains binary data. Export the data as CSV (comma, semicolon or tab separated text) and upload that file."
            : null;
    }

    /// <summary>A header row holds names; one that holds an email address, a number or a date is data.</summary>
    private static string? CheckHeader(IReadOnlyList<string> header)
    {
        var data = header.FirstOrDefault(h => h.Contains('@', StringComparison.Ordinal)
            || decimal.TryParse(h, NumberStyles.Number, CultureInfo.InvariantCulture, out _)
            || DateTime.TryParse(h, CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
        if (data is not null)
        {
            return $"The first row looks like data ('{data}'), not column names. Add a header row with the column names (for example First name, Last name, Email) and upload the file again.";
        }

        var twice = header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return twice is not null ? $"Two columns are named '{twice.Key}'. Give every column its own name and upload the file again." : null;
    }
}
