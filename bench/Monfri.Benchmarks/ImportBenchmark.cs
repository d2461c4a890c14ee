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

        var peak = new PeakSampler();
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
        var worker = (job.FinishedAt!.Value - job.StartedAt!.Value).TotalSeconds;
        Console.WriteLine($"Status: {job.Status} {job.Error}");
        Console.WriteLine($"Rows: {job.ProcessedRows:N0} (created {job.Created:N0}, rejected {job.Failed:N0}, companies created {job.CompaniesCreated:N0})");
        Console.WriteLine($"Upload check + queue (read, count, stream into the job): {queued.TotalSeconds:N2} s");
        Console.WriteLine($"Worker: {worker:N2} s = {job.ProcessedRows / worker:N0} rows/s");
        Console.WriteLine($"End to end: {total.Elapsed.TotalSeconds:N2} s = {job.ProcessedRows / total.Elapsed.TotalSeconds:N0} rows/s");
        Console.WriteLine($"Peak working set of this process (app + benchmark, PostgreSQL excluded): {peak.PeakBytes / 1024.0 / 1024.0:N0} MB");
        File.Delete(file);
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
