using AgentSim.Model;
using BenchmarkDotNet.Attributes;

namespace AgentSim.Benchmarks;

/// <summary>
/// One full quarter (all phases) on a warmed-up economy: the struct-of-arrays engine against the plain
/// one-object-per-firm reference (the baseline; single-threaded whatever <see cref="Threads"/> says, as a newcomer
/// writes it). A test checks that both do the same work (aggregates agree to 1e-9).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class FullStepBenchmark
{
    private Simulation _simulation = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Firms { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(Soa))]
    public void SetupSoa() => _simulation = Warm(FirmEngine.StructOfArrays);

    [GlobalSetup(Target = nameof(Plain))]
    public void SetupPlain() => _simulation = Warm(FirmEngine.Plain);

    private Simulation Warm(FirmEngine engine)
    {
        // Long enough horizon that benchmark iterations never run past the history buffers.
        var simulation = EngineFactory.Create(Firms, Threads, steps: 100_000, engine);
        simulation.RunBurnIn();
        for (int q = 0; q < 20; q++) simulation.Advance();
        return simulation;
    }

    [GlobalCleanup]
    public void Cleanup() => _simulation.Dispose();

    [Benchmark(Baseline = true)]
    public void Plain() => _simulation.Advance();

    [Benchmark]
    public void Soa() => _simulation.Advance();
}
