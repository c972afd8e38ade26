using AgentSim.Model;
using BenchmarkDotNet.Attributes;

namespace AgentSim.Benchmarks;

/// <summary>
/// One full quarter (all phases) on a warmed-up economy: the struct-of-arrays engine against the plain
/// one-object-per-firm reference (the baseline; single-threaded whatever <see cref="Threads"/> says, as a newcomer
/// writes it). A test checks that both do the same work (aggregates agree to 1e-9).
/// <para>
/// Every iteration starts from a fresh economy after the burn-in and 24 quarters and times 8 quarters: an economy
/// stepped thousands of times (as an unbounded benchmark loop would) grows with its demand trend until a quarter
/// no longer has the work of the size named in <see cref="Firms"/>.
/// </para>
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
[InvocationCount(QuartersPerIteration)]
public class FullStepBenchmark
{
    public const int QuartersPerIteration = 8;
    private Simulation? _simulation;

    [Params(10_000, 100_000, 1_000_000)]
    public int Firms { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [IterationSetup(Target = nameof(Soa))]
    public void SetupSoa() => Reset(FirmEngine.StructOfArrays);

    [IterationSetup(Target = nameof(Plain))]
    public void SetupPlain() => Reset(FirmEngine.Plain);

    private void Reset(FirmEngine engine)
    {
        _simulation?.Dispose();
        _simulation = null;
        // The previous economy's objects (millions for the plain engine) are collected here, not during the timed quarters.
        GC.Collect();
        _simulation = EngineFactory.CreateWarm(Firms, Threads, engine);
        GC.Collect();
    }

    [GlobalCleanup]
    public void Cleanup() => _simulation?.Dispose();

    [Benchmark(Baseline = true)]
    public void Plain() => _simulation!.Advance();

    [Benchmark]
    public void Soa() => _simulation!.Advance();
}
