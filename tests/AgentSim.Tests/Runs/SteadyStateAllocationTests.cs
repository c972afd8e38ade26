using AgentSim.Model;

namespace AgentSim.Tests.Runs;

/// <summary>
/// Steady-state quarters allocate nothing: kernels, reductions, markets, households and the officials' year ends
/// reuse their buffers. One thread, so the pool runs every chunk on the calling thread and that thread's
/// allocation counter sees everything (other tests running in parallel do not disturb it).
/// </summary>
public sealed class SteadyStateAllocationTests
{
    [Fact]
    public void Quarters_after_the_warm_up_allocate_zero_bytes_including_year_ends()
    {
        var config = RunFixtures.SmallConfig(firms: 12_000, steps: 80, burnIn: 4);
        using var simulation = new Simulation(config, RunFixtures.Provinces, threads: 1);
        simulation.RunBurnIn();
        // Warm-up: first-time code paths and growing histories (officials keep a few years of history).
        for (int q = 0; q < 40; q++) simulation.Advance();

        var perQuarter = new long[16];
        for (int q = 0; q < perQuarter.Length; q++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            simulation.Advance();
            perQuarter[q] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.True(simulation.OfficialRecords.Count > 0 || perQuarter.Length >= 4, "the measured quarters include year ends");
        Assert.True(perQuarter.All(bytes => bytes == 0), "bytes per quarter: " + string.Join(", ", perQuarter));
    }
}
