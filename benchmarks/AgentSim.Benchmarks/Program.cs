using BenchmarkDotNet.Running;

namespace AgentSim.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project benchmarks/AgentSim.Benchmarks -- [BenchmarkDotNet args]` runs the suites;
/// `... -- throughput --firms N --steps S --threads T` prints one JSON line for quick side-by-side runs;
/// `... -- snapshot --firms N` times a firm snapshot's capture and its Parquet encoding apart.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "throughput")
            return Throughput.Run(args[1..]);
        if (args.Length > 0 && args[0] == "snapshot")
            return Snapshot.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
