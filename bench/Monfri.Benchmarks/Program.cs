using Monfri.Benchmarks;
using Monfri.Benchmarks.Board;

// One entry point, one benchmark per argument (see docs/benchmarks.md):
//   dotnet run -c Release --project bench/Monfri.Benchmarks -- import [rows]
//   dotnet run -c Release --project bench/Monfri.Benchmarks -- contacts-list [contacts] [runs]
//   dotnet run -c Release --project bench/Monfri.Benchmarks -- board [options]
//   dotnet run -c Release --project bench/Monfri.Benchmarks -- profiles [profiles] [events] [runs]
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["import"] = async options =>
    {
        await ImportBenchmark.RunAsync(int.TryParse(options.ElementAtOrDefault(0), out var rows) ? rows : 100_000);
        return 0;
    },
    ["contacts-list"] = async options =>
    {
        await ContactListBenchmark.RunAsync(
            int.TryParse(options.ElementAtOrDefault(0), out var contacts) ? contacts : 100_000,
            int.TryParse(options.ElementAtOrDefault(1), out var runs) ? runs : 30);
        return 0;
    },
    ["board"] = BoardBenchmark.RunAsync,
    ["profiles"] = async options =>
    {
        await ProfileBenchmark.RunAsync(
            int.TryParse(options.ElementAtOrDefault(0), out var profiles) ? profiles : 100_000,
            long.TryParse(options.ElementAtOrDefault(1), out var events) ? events : 1_000_000,
            int.TryParse(options.ElementAtOrDefault(2), out var runs) ? runs : 30);
        return 0;
    },
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"Usage: dotnet run -c Release --project bench/Monfri.Benchmarks -- <{string.Join("|", benchmarks.Keys)}> [options]");
    return 2;
}

return await run(args[1..]);
