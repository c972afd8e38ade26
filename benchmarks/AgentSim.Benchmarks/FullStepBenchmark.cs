using AgentSim.Model;
using BenchmarkDotNet.Attributes;

namespace AgentSim.Benchmarks;

/// <summary>One full quarter (all phases) on a warmed-up economy, per firm count and thread count.</summary>
[MemoryDiagnoser]
public class FullStepBenchmark
{
    private Simulation _simulation = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Firms { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Long enough horizon that benchmark iterations never run past the history buffers.
        _simulation = EngineFactory.Create(Firms, Threads, steps: 100_000);
        _simulation.RunBurnIn();
    }

    [GlobalCleanup]
    public void Cleanup() => _simulation.Dispose();

    [Benchmark]
    public void Step() => _simulation.Advance();
}
