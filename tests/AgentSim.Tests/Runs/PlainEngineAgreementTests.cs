using System.Reflection;
using AgentSim.Model;
using AgentSim.Model.State;

namespace AgentSim.Tests.Runs;

/// <summary>
/// The struct-of-arrays kernels and the plain one-object-per-firm reference engine do the same work: on the same
/// config every national, provincial and industry aggregate agrees to 1e-9 relative after every quarter. (They
/// differ only in summation order and in exp/log against Math.Pow, both at the level of rounding.) This is what
/// makes the benchmark ratio between them a comparison of equal work.
/// </summary>
public sealed class PlainEngineAgreementTests
{
    private const double Tolerance = 1e-9;

    [Fact]
    public void Soa_and_plain_engines_agree_on_every_aggregate_after_every_quarter()
    {
        var config = RunFixtures.SmallConfig(firms: 4_000, steps: 16, burnIn: 4);
        using var soa = new Simulation(config, RunFixtures.Provinces, threads: 2);
        using var plain = new Simulation(config, RunFixtures.Provinces, threads: 1, FirmEngine.Plain);
        Assert.Equal(FirmEngine.Plain, plain.Engine);
        Assert.Equal(0, plain.Firms.Count);

        int quarters = 0;
        while (soa.Step < 12)
        {
            soa.Advance();
            plain.Advance();
            quarters++;
            string when = $"step {soa.Step - 1}";
            CompareFields(soa.Nation, plain.Nation, "nation", when);
            CompareFields(soa.Provinces, plain.Provinces, "provinces", when);
            CompareFields(soa.Industries, plain.Industries, "industries", when);
            Assert.Equal(soa.AliveFirms, plain.AliveFirms);
        }
        Assert.Equal(16, quarters);
        // The comparison covered a changing economy: firms entered and exited.
        Assert.True(soa.Industries.Entries.Sum() + soa.Industries.Exits.Sum() > 0 || soa.Provinces.Exits.Sum() > 0);
    }

    [Fact]
    public void Entrants_set_up_by_parallel_tasks_agree_with_one_thread_bit_for_bit_and_with_the_plain_engine()
    {
        // Enough firms that a quarter's entrants span several of the tasks that set them up in parallel.
        var config = RunFixtures.SmallConfig(firms: 150_000, steps: 3, burnIn: 1);
        using var two = new Simulation(config, RunFixtures.Provinces, threads: 2);
        using var one = new Simulation(config, RunFixtures.Provinces, threads: 1);
        using var plain = new Simulation(config, RunFixtures.Provinces, threads: 1, FirmEngine.Plain);
        double mostEntrants = 0;
        while (two.Step < config.Steps)
        {
            two.Advance();
            one.Advance();
            plain.Advance();
            mostEntrants = Math.Max(mostEntrants, two.Provinces.Entries.Sum());
            if (two.Step <= 0)
            {
                continue;   // the burn-in has no entrants (and its first quarter's job-loss shares are rounding noise around 0)
            }
            string when = $"step {two.Step - 1}";
            CompareFields(two.Nation, plain.Nation, "nation", when);
            CompareFields(two.Provinces, plain.Provinces, "provinces", when);
            CompareFields(two.Industries, plain.Industries, "industries", when);
        }
        Assert.True(mostEntrants > FirmKernels.EntrantsPerTask, $"{mostEntrants} entrants in the busiest quarter");
        var a = two.Firms;
        var b = one.Firms;
        Assert.Equal(b.Count, a.Count);
        int n = a.Count;
        Assert.Equal(b.Alive.AsSpan(0, n).ToArray(), a.Alive.AsSpan(0, n).ToArray());
        Assert.Equal(b.Province.AsSpan(0, n).ToArray(), a.Province.AsSpan(0, n).ToArray());
        Assert.Equal(b.Industry.AsSpan(0, n).ToArray(), a.Industry.AsSpan(0, n).ToArray());
        Assert.Equal(b.StateOwned.AsSpan(0, n).ToArray(), a.StateOwned.AsSpan(0, n).ToArray());
        foreach (var (x, y) in new[] { (b.CostFactor, a.CostFactor), (b.Markup, a.Markup), (b.Price, a.Price), (b.ExpectedDemand, a.ExpectedDemand),
                     (b.Cash, a.Cash), (b.Debt, a.Debt), (b.Capacity, a.Capacity), (b.SmoothedUtilisation, a.SmoothedUtilisation) })
            Assert.Equal(x.AsSpan(0, n).ToArray(), y.AsSpan(0, n).ToArray());
        for (int ring = 0; ring < a.PipelineLength; ring++)
            for (int i = 0; i < n; i++)
                Assert.Equal(b.Pipeline[b.PipelineIndex(i, ring)], a.Pipeline[a.PipelineIndex(i, ring)]);
    }

    private static void CompareFields(object expected, object actual, string table, string when)
    {
        foreach (var field in expected.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public))
        {
            switch (field.GetValue(expected))
            {
                case double a:
                    AssertClose(a, (double)field.GetValue(actual)!, Math.Abs(a), $"{table}.{field.Name} at {when}");
                    break;
                case double[] a:
                    var b = (double[])field.GetValue(actual)!;
                    Assert.Equal(a.Length, b.Length);
                    // Values that are sums of terms of both signs can be near zero: scale by the largest in the column.
                    double scale = a.Length == 0 ? 0 : a.Max(Math.Abs);
                    for (int i = 0; i < a.Length; i++) AssertClose(a[i], b[i], scale, $"{table}.{field.Name}[{i}] at {when}");
                    break;
            }
        }
    }

    private static void AssertClose(double expected, double actual, double scale, string what)
    {
        if (expected.Equals(actual)) return;
        double tolerance = Tolerance * Math.Max(Math.Max(Math.Abs(expected), Math.Abs(actual)), scale * 1e-3);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: soa {expected:R}, plain {actual:R}");
    }
}
