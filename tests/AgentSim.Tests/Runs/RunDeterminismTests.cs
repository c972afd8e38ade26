using AgentSim.Output.Tables;
using AgentSim.Tests.Output;

namespace AgentSim.Tests.Runs;

/// <summary>Reproducibility is API: the same seed gives identical tables for any thread count; another seed does not.</summary>
public sealed class RunDeterminismTests
{
    [Fact]
    public void Same_seed_gives_identical_tables_with_1_2_and_4_threads()
    {
        // More firms than one 8192-slot chunk, so the parallel phases really split work between threads.
        var config = RunFixtures.SmallConfig(firms: 20_000, steps: 12, burnIn: 4);
        config.Output.FirmsEvery = 4;
        config.Output.FirmsSample = 2_000;
        using var one = new TempDirectory();
        using var two = new TempDirectory();
        using var four = new TempDirectory();
        RunFixtures.Run(config, one.Path, threads: 1);
        RunFixtures.Run(config, two.Path, threads: 2);
        RunFixtures.Run(config, four.Path, threads: 4);

        foreach (var table in TableNames.All)
        {
            var reference = RunFixtures.Read(one.Path, table);
            Assert.NotEmpty(reference["step"]);
            TestTables.AssertSameTable(reference, RunFixtures.Read(two.Path, table));
            TestTables.AssertSameTable(reference, RunFixtures.Read(four.Path, table));
        }
        Assert.Equal(1, RunFixtures.Manifest(one.Path).Threads);
        Assert.Equal(4, RunFixtures.Manifest(four.Path).Threads);
    }

    [Fact]
    public void Different_seed_gives_different_provinces()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        RunFixtures.Run(RunFixtures.SmallConfig(firms: 3_000, steps: 8, burnIn: 4, seed: 1), first.Path);
        RunFixtures.Run(RunFixtures.SmallConfig(firms: 3_000, steps: 8, burnIn: 4, seed: 2), second.Path);

        var a = RunFixtures.Doubles(RunFixtures.Read(first.Path, TableNames.Provinces), "gdp_real");
        var b = RunFixtures.Doubles(RunFixtures.Read(second.Path, TableNames.Provinces), "gdp_real");
        Assert.Equal(a.Length, b.Length);
        Assert.True(a.Zip(b).Count(pair => pair.First != pair.Second) > a.Length / 2, "most gdp_real values should differ between seeds");
    }
}
