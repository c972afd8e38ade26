using AgentSim.Model;
using BenchmarkDotNet.Attributes;

namespace AgentSim.Benchmarks;

/// <summary>
/// Each parallel firm kernel alone, on one thread, on a warmed-up economy. A kernel called again and again without
/// the rest of the quarter moves its firms' state a little each time (capacity depreciates, markups drift), so every
/// iteration starts from a fresh economy and calls the kernel <see cref="CallsPerIteration"/> times. Market clearing
/// is the first market pass plus the reallocation rate.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
[InvocationCount(CallsPerIteration)]
public class PhaseBenchmarks
{
    public const int CallsPerIteration = 8;
    private Simulation? _simulation;

    [Params(10_000, 100_000, 1_000_000)]
    public int Firms { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _simulation?.Dispose();
        _simulation = null;
        GC.Collect();
        _simulation = EngineFactory.CreateWarm(Firms, threads: 1, FirmEngine.StructOfArrays);
        GC.Collect();
    }

    [GlobalCleanup]
    public void Cleanup() => _simulation?.Dispose();

    [Benchmark]
    public void ProductionAndPricing() => _simulation!.Kernels.RunProductionAndPricing(_simulation.Pool);

    [Benchmark]
    public void MarketClearing() => _simulation!.Kernels.RunMarketClearing(_simulation.Pool);

    [Benchmark]
    public void AccountsAndInvestment() => _simulation!.Kernels.RunAccountsAndInvestment(_simulation.Pool);

    [Benchmark]
    public void Observation() => _simulation!.Kernels.RunObservation(_simulation.Pool);
}
