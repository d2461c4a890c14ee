using Monfri.Benchmarks;

// Usage: dotnet run -c Release --project bench/Monfri.Benchmarks [-- import [rows] | contacts-list [contacts] [runs]]
var benchmark = args.ElementAtOrDefault(0) ?? "import";
switch (benchmark)
{
    case "import":
        var rows = int.TryParse(args.ElementAtOrDefault(1), out var n) ? n : 100_000;
        await ImportBenchmark.RunAsync(rows);
        return 0;
    case "contacts-list":
        var contacts = int.TryParse(args.ElementAtOrDefault(1), out var c) ? c : 100_000;
        var runs = int.TryParse(args.ElementAtOrDefault(2), out var r) ? r : 30;
        await ContactListBenchmark.RunAsync(contacts, runs);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{benchmark}'. Available: import [rows], contacts-list [contacts] [runs]");
        return 2;
}
