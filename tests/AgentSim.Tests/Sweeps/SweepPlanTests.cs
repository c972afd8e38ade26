using System.Globalization;
using AgentSim.Analysis;
using AgentSim.Analysis.Sweeps;
using AgentSim.Config;
using AgentSim.Tests.Output;

namespace AgentSim.Tests.Sweeps;

/// <summary>Planning: the run table, stable run ids, common random numbers, ranges, Latin hypercubes and shards.</summary>
public sealed class SweepPlanTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private SweepPlan Plan(string yaml, params string[] overrides) => Plan(yaml, false, overrides);

    private SweepPlan Plan(string yaml, bool independent, params string[] overrides)
    {
        var path = SweepFixtures.Write(_dir.Path, yaml);
        return SweepPlanner.Plan(ConfigLoader.Load(path, overrides), path, overrides, independent);
    }

    [Fact]
    public void Grid_times_replicates_in_order_with_partitions()
    {
        var plan = Plan(SweepFixtures.Yaml("""
            replicates: 2
            parameters:
              - key: officials.promotion_strength
                values: [0.50, 3]
              - key: incentives.pilot_provinces
                values: [[Zhejiang], [Zhejiang, Fujian]]
            """));
        Assert.Equal(8, plan.Runs.Count);
        Assert.Equal(4, plan.Points);
        Assert.Equal(Enumerable.Range(0, 8), plan.Runs.Select(r => r.Index));
        Assert.Equal("promotion_strength=0.5/pilot_provinces=Zhejiang/replicate=0", plan.Runs[0].Partition);
        Assert.Equal("promotion_strength=0.5/pilot_provinces=Zhejiang/replicate=1", plan.Runs[1].Partition);
        Assert.Equal("promotion_strength=0.5/pilot_provinces=Zhejiang+Fujian/replicate=0", plan.Runs[2].Partition);
        Assert.Equal("promotion_strength=3/pilot_provinces=Zhejiang+Fujian/replicate=1", plan.Runs[7].Partition);
        Assert.Equal(["officials.promotion_strength=0.5", "incentives.pilot_provinces=[Zhejiang, Fujian]"], plan.Assignments(plan.Runs[2]));
        Assert.Equal([true, false], plan.Columns.Select(c => c.Numeric));
        Assert.All(plan.Runs, r => Assert.Matches("^[0-9a-f]{12}$", r.RunId));
        Assert.Equal(8, plan.Runs.Select(r => r.RunId).Distinct().Count());
    }

    [Fact]
    public void Same_config_gives_the_same_run_ids_and_overrides_change_them()
    {
        var yaml = SweepFixtures.TwoPoints();
        var first = Plan(yaml);
        var second = Plan(yaml);
        Assert.Equal(first.Runs.Select(r => r.RunId), second.Runs.Select(r => r.RunId));
        Assert.Equal(first.ToJson(), second.ToJson());

        // A value spelled differently is the same run; a changed base parameter is not.
        var respelled = Plan(yaml.Replace("[0.5, 3]", "[0.50, 3.0]"));
        Assert.Equal(first.Runs.Select(r => r.RunId), respelled.Runs.Select(r => r.RunId));
        var moreFirms = Plan(yaml, "firms=1600");
        Assert.Empty(first.Runs.Select(r => r.RunId).Intersect(moreFirms.Runs.Select(r => r.RunId)));
        Assert.Equal(["firms=1600"], moreFirms.Overrides);
    }

    [Fact]
    public void Common_random_numbers_share_seeds_across_points_and_independent_streams_do_not()
    {
        var crn = Plan(SweepFixtures.TwoPoints(replicates: 3));
        foreach (var run in crn.Runs)
            Assert.Equal(Experiments.ReplicateSeed(11, run.Replicate), run.Seed);
        Assert.True(crn.CommonRandomNumbers);

        var independent = Plan(SweepFixtures.TwoPoints(replicates: 3), independent: true);
        Assert.False(independent.CommonRandomNumbers);
        Assert.Equal(6, independent.Runs.Select(r => r.Seed).Distinct().Count());
        Assert.All(independent.Runs, r => Assert.Equal(SweepPlanner.SeedFromRunId(r.RunId), r.Seed));
        Assert.Empty(crn.Runs.Select(r => r.RunId).Intersect(independent.Runs.Select(r => r.RunId)));

        var fromFile = Plan(SweepFixtures.TwoPoints(replicates: 3).Replace("replicates: 3", "replicates: 3\n  common_random_numbers: false"));
        Assert.Equal(independent.Runs.Select(r => r.Seed), fromFile.Runs.Select(r => r.Seed));
    }

    [Fact]
    public void Ranges_are_evenly_spaced_with_exact_ends_and_whole_numbers_for_integer_keys()
    {
        var plan = Plan(SweepFixtures.Yaml("""
            parameters:
              - key: households.base_propensity
                from: 0.6
                to: 0.7
                steps: 3
              - key: officials.tenure
                from: 8
                to: 20
                steps: 4
            """));
        Assert.Equal(["0.6", "0.6499999999999999", "0.7"], plan.Runs.Where(r => r.Values[1] == "8").Select(r => r.Values[0]));
        Assert.Equal(["8", "12", "16", "20"], plan.Runs.Where(r => r.Values[0] == "0.6").Select(r => r.Values[1]));
    }

    [Fact]
    public void Latin_hypercube_uses_each_stratum_once_per_parameter_and_is_reproducible()
    {
        const int points = 10;
        var yaml = SweepFixtures.Yaml($"""
            parameters:
              - key: officials.promotion_strength
                min: 0
                max: 5
              - key: officials.imitation_rate
                min: 0.1
                max: 0.6
            latin_hypercube:
              points: {points}
              seed: 3
            """);
        var plan = Plan(yaml);
        Assert.Equal(points, plan.Runs.Count);
        var strength = plan.Runs.Select(r => double.Parse(r.Values[0], CultureInfo.InvariantCulture)).ToList();
        var imitation = plan.Runs.Select(r => double.Parse(r.Values[1], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, points), strength.Select(v => (int)(v / 5 * points)).Order());
        Assert.Equal(Enumerable.Range(0, points), imitation.Select(v => (int)((v - 0.1) / 0.5 * points)).Order());
        Assert.Equal(plan.Runs.Select(r => r.RunId), Plan(yaml).Runs.Select(r => r.RunId));
        Assert.NotEqual(plan.Runs.Select(r => r.Values[0]), Plan(yaml.Replace("seed: 3", "seed: 4")).Runs.Select(r => r.Values[0]));
    }

    [Fact]
    public void A_value_the_schema_rejects_is_reported_at_its_line_in_the_sweep()
    {
        var yaml = SweepFixtures.Yaml("""
            parameters:
              - key: officials.promotion_strength
                values: [1, 30]
            """);
        var path = SweepFixtures.Write(_dir.Path, yaml);
        var ex = Assert.Throws<ConfigException>(() => SweepPlanner.Plan(ConfigLoader.Load(path), path, []));
        var line = yaml.Split('\n').ToList().FindIndex(l => l.Contains("[1, 30]", StringComparison.Ordinal)) + 1;
        Assert.Equal(line, ex.Line);
        Assert.Equal("sweep.parameters[0].values[1]", ex.KeyPath);
        Assert.Contains("sweep.parameters[0].values[1]: officials.promotion_strength=30: officials.promotion_strength: expected a number between 0 and 20, got '30'", ex.Message);
    }

    [Fact]
    public void An_unknown_province_in_a_list_value_is_reported()
    {
        var path = SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml("""
            parameters:
              - key: incentives.pilot_provinces
                values: [[Zhejiang, Zhejiang]]
            """));
        var ex = Assert.Throws<ConfigException>(() => SweepPlanner.Plan(ConfigLoader.Load(path), path, []));
        Assert.Contains("sweep.parameters[0].values[0]", ex.Message);
        Assert.Contains("listed twice", ex.Message);
    }

    [Theory]
    [InlineData("sweep-pilot.yaml", 200, 10)]
    [InlineData("sweep-crn.yaml", 40, 2)]
    public void Shipped_sweeps_plan(string file, int runs, int points)
    {
        var path = Path.Combine(Runs.RunFixtures.RepositoryRoot, "configs", file);
        var plan = SweepPlanner.Plan(ConfigLoader.Load(path), path, []);
        Assert.Equal(runs, plan.Runs.Count);
        Assert.Equal(points, plan.Points);
        Assert.True(plan.CommonRandomNumbers);
        Assert.Equal("pilots", plan.Columns.Single().Name);
    }

    [Fact]
    public void Config_without_a_sweep_section_is_refused()
    {
        var path = SweepFixtures.Write(_dir.Path, "steps: 8\n");
        var ex = Assert.Throws<SweepException>(() => SweepPlanner.Plan(ConfigLoader.Load(path), path, []));
        Assert.Contains("has no 'sweep:' section", ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(20)]
    public void Shards_cover_every_run_exactly_once(int tasks)
    {
        var plan = Plan(SweepFixtures.Yaml("""
            replicates: 2
            parameters:
              - key: officials.promotion_strength
                values: [0.5, 1, 2, 3]
            """));
        var all = Enumerable.Range(0, tasks).SelectMany(i => SweepShards.Runs(plan, i, tasks)).Select(r => r.Index).ToList();
        Assert.Equal(Enumerable.Range(0, plan.Runs.Count), all.Order());
    }

    [Fact]
    public void Array_spec_compresses_consecutive_tasks()
    {
        Assert.Equal("0-3,7,9-11", SweepShards.ArraySpec([0, 1, 2, 3, 7, 9, 10, 11]));
        Assert.Equal("5", SweepShards.ArraySpec([5]));
        Assert.Equal("", SweepShards.ArraySpec([]));
    }

    [Theory]
    [InlineData("0.5", "0.5")]
    [InlineData("[Zhejiang, Fujian]", "Zhejiang+Fujian")]
    [InlineData("[]", "none")]
    [InlineData("household_income", "household_income")]
    [InlineData("a b/c", "a_b_c")]
    public void Labels_are_path_safe(string value, string label) => Assert.Equal(label, SweepPlanner.Label(value));
}
