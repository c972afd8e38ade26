using AgentSim.Model;
using BenchmarkDotNet.Attributes;

namespace AgentSim.Benchmarks;

/// <summary>
/// Each parallel firm kernel alone, on one thread, on a warmed-up economy. A kernel called again and again without
/// the rest of the quarter moves its firms' state a little each time (markups, stocks); the work per firm is the
/// same, so the time is representative. Market clearing is the first market pass plus the reallocation rate.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PhaseBenchmarks
{
    private Simulation _simulation = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Firms { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _simulation = EngineFactory.Create(Firms, threads: 1, steps: 100_000);
        _simulation.RunBurnIn();
        for (int q = 0; q < 20; q++) _simulation.Advance();
    }

    [GlobalCleanup]
    public void Cleanup() => _simulation.Dispose();

    [Benchmark]
    public void ProductionAndPricing() => _simulation.Kernels.RunProductionAndPricing(_simulation.Pool);

    [Benchmark]
    public void MarketClearing() => _simulation.Kernels.RunMarketClearing(_simulation.Pool);

    [Benchmark]
    public void AccountsAndInvestment() => _simulation.Kernels.RunAccountsAndInvestment(_simulation.Pool);

    [Benchmark]
    public void Observation() => _simulation.Kernels.RunObservation(_simulation.Pool);
}
