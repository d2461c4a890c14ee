using System.Diagnostics;
using System.Globalization;
using System.Text;
using Monfri.Application.Crm.CustomFields;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.Application.Crm.Imports.GetImportJob;
using Monfri.Application.Crm.Imports.StartImport;
using Monfri.Application.Crm.CustomFields.CreateCustomField;
using Npgsql;

namespace Monfri.Benchmarks;

/// <summary>
/// CSV import at scale: generates a contacts file (names, emails, phones, a company per 20 contacts, a custom
/// field, tags; 1 row in 100 invalid), imports it through the real command and background worker into a fresh
/// database, and prints rows per second and the process's peak working set.
/// </summary>
public static class ImportBenchmark
{
    public static async Task RunAsync(int rows)
    {
        var file = Path.Combine(Path.GetTempPath(), $"monfri-bench-{rows}.csv");
        var generated = Stopwatch.StartNew();
        await WriteFileAsync(file, rows);
        Console.WriteLine($"Generated {rows:N0} rows ({new FileInfo(file).Length / 1024.0 / 1024.0:N1} MB) in {generated.Elapsed.TotalSeconds:N1} s");

        await using var app = await MonfriServices.StartAsync("bench");
        var admin = await app.AdminAsync();
        var field = await app.SendAs(admin, new CreateCustomFieldCommand(CrmObjectType.Contact, "tier", "Tier", CustomFieldType.SingleSelect, ["Gold", "Silver", "Bronze"]));
        if (!field.IsSuccess)
        {
            throw new InvalidOperationException(field.ErrorMessage);
        }

        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        var postmaster = await PostmasterAsync(dataSource);
        Console.WriteLine($"Load average before: {LoadAverage()}");
        var peak = new PeakSampler();
        var cpuFrom = Cpu.Now(postmaster);
        var total = Stopwatch.StartNew();
        ImportJobDto job;
        await using (var content = File.OpenRead(file))
        {
            var started = await app.SendAs(admin, new StartImportCommand(CrmObjectType.Contact, Path.GetFileName(file), ImportMode.CreateAll, null, content));
            job = started.IsSuccess ? started.Value : throw new InvalidOperationException(started.ErrorMessage);
        }

        var queued = total.Elapsed;
        while (!job.IsFinished)
        {
            await Task.Delay(100);
            job = (await app.SendAs(admin, new GetImportJobQuery(job.Id))).Value;
        }

        total.Stop();
        peak.Stop();
        var cpuTo = Cpu.Now(postmaster);
        var worker = (job.FinishedAt!.Value - job.StartedAt!.Value).TotalSeconds;
        Console.WriteLine($"Status: {job.Status} {job.Error}");
        Console.WriteLine($"Rows: {job.ProcessedRows:N0} (created {job.Created:N0}, rejected {job.Failed:N0}, companies created {job.CompaniesCreated:N0})");
        Console.WriteLine($"Upload check + queue (read, count, stream into the job): {queued.TotalSeconds:N2} s");
        Console.WriteLine($"Worker: {worker:N2} s = {job.ProcessedRows / worker:N0} rows/s");
        Console.WriteLine($"End to end: {total.Elapsed.TotalSeconds:N2} s = {job.ProcessedRows / total.Elapsed.TotalSeconds:N0} rows/s");
        Console.WriteLine($"Peak working set of this process (app + benchmark, PostgreSQL excluded): {peak.PeakBytes / 1024.0 / 1024.0:N0} MB");
        Console.WriteLine($"CPU of the import (upload to finish): this process {cpuTo.Process - cpuFrom.Process:N1} s = {(cpuTo.Process - cpuFrom.Process) * 1e6 / job.ProcessedRows:N0} µs/row, "
            + $"PostgreSQL {cpuTo.Postgres - cpuFrom.Postgres:N1} s = {(cpuTo.Postgres - cpuFrom.Postgres) * 1e6 / job.ProcessedRows:N0} µs/row");
        await RawCopyAsync(dataSource, postmaster, job.ProcessedRows);
        Console.WriteLine($"Load average after: {LoadAverage()}");
        File.Delete(file);
    }

    /// <summary>
    /// The ceiling, in the same run on the same database: the rows the import wrote (people, companies, audit
    /// entries, row issues) copied again with binary COPY, in batches of 1,000 committed one by one, into empty
    /// tables with the same columns and indexes (<c>LIKE … INCLUDING ALL</c>). What the import adds on top is
    /// reading and judging the file, the lookups and the bookkeeping; the ratio hardly moves with the machine's load.
    /// </summary>
    private static async Task RawCopyAsync(NpgsqlDataSource dataSource, int postmaster, int rows)
    {
        string[] tables = ["companies", "people", "audit_log", "import_row_issues"];
        await using var connection = await dataSource.OpenConnectionAsync();
        var exported = new List<(string Table, string Columns, List<byte[]> Batches)>();
        foreach (var table in tables)
        {
            await using (var create = new NpgsqlCommand($"CREATE TABLE raw_{table} (LIKE {table} INCLUDING ALL)", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            // The stored columns (a generated column is computed again by the copy's table, as by the original).
            string columns;
            await using (var names = new NpgsqlCommand(
                "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = $1 AND is_generated = 'NEVER'",
                connection))
            {
                names.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
                columns = (string)(await names.ExecuteScalarAsync())!;
            }

            // 1,000 rows per batch, as the import writes them (the rows of each table in the order they were written).
            var batches = new List<byte[]>();
            await using (var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection))
            {
                var n = (long)(await count.ExecuteScalarAsync())!;
                for (long offset = 0; offset < n; offset += 1000)
                {
                    using var buffer = new MemoryStream();
                    await using (var export = await connection.BeginRawBinaryCopyAsync($"COPY (SELECT {columns} FROM {table} ORDER BY ctid OFFSET {offset} LIMIT 1000) TO STDOUT (FORMAT BINARY)"))
                    {
                        await export.CopyToAsync(buffer);
                    }

                    batches.Add(buffer.ToArray());
                }
            }

            exported.Add((table, columns, batches));
        }

        var cpuFrom = Cpu.Now(postmaster);
        var watch = Stopwatch.StartNew();
        var batchCount = exported.Max(e => e.Batches.Count);
        for (var i = 0; i < batchCount; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            foreach (var (table, columns, batches) in exported.Where(e => i < e.Batches.Count))
            {
                await using var import = await connection.BeginRawBinaryCopyAsync($"COPY raw_{table} ({columns}) FROM STDIN (FORMAT BINARY)");
                await import.WriteAsync(batches[i]);
            }

            await transaction.CommitAsync();
        }

        watch.Stop();
        var cpuTo = Cpu.Now(postmaster);
        Console.WriteLine($"Raw COPY of the same rows ({string.Join(", ", exported.Select(e => $"{e.Table} {e.Batches.Count} batches"))}): "
            + $"{watch.Elapsed.TotalSeconds:N2} s = {rows / watch.Elapsed.TotalSeconds:N0} file rows/s; PostgreSQL CPU {(cpuTo.Postgres - cpuFrom.Postgres) * 1e6 / rows:N0} µs/row, "
            + $"this process {(cpuTo.Process - cpuFrom.Process) * 1e6 / rows:N0} µs/row");
    }

    private static async Task<int> PostmasterAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_backend_pid()");
        var backend = (int)(await command.ExecuteScalarAsync())!;
        var stat = await File.ReadAllTextAsync($"/proc/{backend}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>CPU seconds (user + system) of this process and of the database cluster (postmaster, exited and live backends).</summary>
    private static class Cpu
    {
        public static (double Process, double Postgres) Now(int postmaster)
        {
            double postgres = 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                try
                {
                    if (!int.TryParse(Path.GetFileName(dir), out var pid))
                    {
                        continue;
                    }

                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    double Ticks(int from, int count) => Enumerable.Range(from, count).Sum(f => long.Parse(fields[f], CultureInfo.InvariantCulture)) / 100.0;
                    if (pid == postmaster)
                    {
                        postgres += Ticks(11, 4); // with its exited children
                    }
                    else if (int.Parse(fields[1], CultureInfo.InvariantCulture) == postmaster)
                    {
                        postgres += Ticks(11, 2);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
                {
                    // A process that ended meanwhile.
                }
            }

            return (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, postgres);
        }
    }

    private static async Task WriteFileAsync(string path, int rows)
    {
        string[] tiers = ["Gold", "Silver", "Bronze", ""];
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteLineAsync("First name,Last name,Email,Phone,Job title,Company,Website,Tier,Tags");
        for (var i = 1; i <= rows; i++)
        {
            var company = i / 20;
            var email = i % 100 == 0 ? $"broken{i}@" : $"person{i}@bench.test";
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Person{i},Lastname{i % 997},{email},+49 30 {i:D7},Engineer,Company {company},company{company}.test,{tiers[i % 4]},bench;wave{i % 5}"));
        }
    }

    /// <summary>Samples the peak working set; Linux reports it through <see cref="Process.PeakWorkingSet64"/> (VmHWM).</summary>
    private sealed class PeakSampler
    {
        private readonly Timer _timer;

        public PeakSampler() => _timer = new Timer(_ => Sample(), null, 0, 50);

        public long PeakBytes { get; private set; }

        public void Stop()
        {
            _timer.Dispose();
            Sample();
        }

        private void Sample()
        {
            using var process = Process.GetCurrentProcess();
            PeakBytes = Math.Max(PeakBytes, Math.Max(process.WorkingSet64, process.PeakWorkingSet64));
        }
    }
}
