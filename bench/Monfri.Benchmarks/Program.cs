using Monfri.Benchmarks;

// Usage: dotnet run -c Release --project bench/Monfri.Benchmarks [-- import [rows]]
var benchmark = args.ElementAtOrDefault(0) ?? "import";
switch (benchmark)
{
    case "import":
        var rows = int.TryParse(args.ElementAtOrDefault(1), out var n) ? n : 100_000;
        await ImportBenchmark.RunAsync(rows);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{benchmark}'. Available: import [rows]");
        return 2;
}
