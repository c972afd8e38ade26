using AgentSim.Analysis;
using AgentSim.Cli;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Analysis;

/// <summary>Replicates, common random numbers, statistics and the compare command's Parquet summary.</summary>
public sealed class ExperimentTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Replicate_zero_is_the_base_seed_and_others_are_distinct_and_stable()
    {
        Assert.Equal(42, Experiments.ReplicateSeed(42, 0));
        var seeds = Enumerable.Range(0, 50).Select(r => Experiments.ReplicateSeed(42, r)).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.True(s >= 0));
        Assert.Equal(seeds, Enumerable.Range(0, 50).Select(r => Experiments.ReplicateSeed(42, r)));
        Assert.NotEqual(Experiments.ReplicateSeed(42, 1), Experiments.ReplicateSeed(43, 1));
    }

    [Fact]
    public void Confidence_interval_matches_a_t_interval_by_hand()
    {
        var values = new[] { 1.0, 2.0, 3.0, 4.0 }.Select(v => new Indicator("x", v, "", "")).ToList();
        var stat = ReplicateStatistic.From(values);
        Assert.Equal(2.5, stat.Mean, 12);
        double sd = Math.Sqrt(5.0 / 3.0);
        Assert.Equal(sd, stat.StandardDeviation, 12);
        // t(0.975, 3) = 3.182446305284263
        Assert.Equal(2.5 - 3.182446305284263 * sd / 2, stat.Low, 9);
        Assert.Equal(2.5 + 3.182446305284263 * sd / 2, stat.High, 9);
    }

    [Fact]
    public void Scenarios_share_seeds_and_results_do_not_depend_on_parallelism()
    {
        var config = RunFixtures.SmallConfig(firms: 2000, steps: 12, burnIn: 2);
        var spec = new ScenarioSpec("a", "a.yaml", config, RunFixtures.Provinces);
        var other = RunFixtures.SmallConfig(firms: 2000, steps: 12, burnIn: 2);
        other.Incentives.DefaultRule = AgentSim.Config.IncentiveRule.HouseholdIncome;
        var specB = new ScenarioSpec("b", "b.yaml", other, RunFixtures.Provinces);

        var serial = Experiments.Compare([spec, specB], 3, new ExperimentOptions { Parallel = 1 });
        var parallel = Experiments.Compare([spec, specB], 3, new ExperimentOptions { Parallel = 2 });

        Assert.Equal(serial.Runs.Where(r => r.Scenario == "a").Select(r => r.Seed), serial.Runs.Where(r => r.Scenario == "b").Select(r => r.Seed));
        for (int i = 0; i < serial.Runs.Count; i++)
        {
            Assert.Equal(serial.Runs[i].Seed, parallel.Runs[i].Seed);
            Assert.Equal(serial.Runs[i].Indicators.Select(x => x.Value), parallel.Runs[i].Indicators.Select(x => x.Value));
        }
        var a = serial.Scenarios[0].Statistics.Single(s => s.Name == Indicators.ConsumptionShareEnd);
        Assert.Equal(3, a.Count);
        Assert.True(a.Low <= a.Mean && a.Mean <= a.High);
        Assert.NotEmpty(serial.Scenarios[1].VersusReference);
        Assert.Empty(serial.Scenarios[0].VersusReference);
    }
}

/// <summary>The compare command end to end (CLI tests run one class at a time).</summary>
[Collection(CliCollection.Name)]
public sealed class CompareCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Compare_command_writes_a_summary_that_duckdb_reads()
    {
        string baseline = Path.Combine(RunFixtures.RepositoryRoot, "configs", "baseline.yaml");
        string household = Path.Combine(RunFixtures.RepositoryRoot, "configs", "household-income.yaml");
        string output = _dir.File("cmp");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(["compare", baseline, household, "--replicates", "2", "--firms", "1500", "--steps", "8", "--set", "burn_in=2", "--out", output], stdout, stderr);
        Assert.True(code == ExitCodes.Success, stderr.ToString());
        Assert.Contains("household consumption / GDP, end", stdout.ToString()); // the label people read; --raw prints the name
        Assert.Contains("household-income", stdout.ToString());

        var summary = ParquetReadBack.ReadWithDuckDb(Path.Combine(output, "summary.parquet"));
        Assert.Contains("baseline", summary["scenario"].Cast<string>());
        Assert.Contains("consumption_share_end_vs_baseline", summary["indicator"].Cast<string>());
        var replicates = ParquetReadBack.ReadWithParquetSharp(Path.Combine(output, "replicates.parquet"));
        Assert.Equal(2, replicates["replicate"].Cast<int>().Distinct().Count());

        // The signature criteria the two scenarios speak to: printed and written.
        Assert.Contains("Signature results (MODEL.md section 6)", stdout.ToString());
        var signature = ParquetReadBack.ReadWithDuckDb(Path.Combine(output, "signature.parquet"));
        var ids = signature["id"].Cast<string>().ToList();
        Assert.Contains("S1c", ids);
        Assert.Contains("S3b", ids);
        Assert.DoesNotContain("S4a", ids);
        Assert.All(signature["holds"], h => Assert.IsType<bool>(h));
    }

    [Fact]
    public void Compare_report_shows_the_signature_checks()
    {
        string baseline = Path.Combine(RunFixtures.RepositoryRoot, "configs", "baseline.yaml");
        string household = Path.Combine(RunFixtures.RepositoryRoot, "configs", "household-income.yaml");
        string output = _dir.File("cmp-report");
        var stderr = new StringWriter();
        int code = CliApp.Run(["compare", baseline, household, "--replicates", "2", "--firms", "1500", "--steps", "8", "--set", "burn_in=2",
            "--tables", "--report", "--out", output], new StringWriter(), stderr);
        Assert.True(code == ExitCodes.Success, stderr.ToString());
        string html = File.ReadAllText(Path.Combine(output, "report", "report.html"));
        var signature = ParquetReadBack.ReadWithParquetSharp(Path.Combine(output, "signature.parquet"));
        int held = signature["holds"].Cast<bool>().Count(h => h);
        Assert.Contains($"Signature results: {held} of {signature["id"].Length} criteria hold", html);
        Assert.Contains("<td>S1c</td>", html);
        Assert.Contains("<td>C1</td>", html);
    }

    [Fact]
    public void Compare_without_a_baseline_first_evaluates_no_criteria_against_it()
    {
        string household = Path.Combine(RunFixtures.RepositoryRoot, "configs", "household-income.yaml");
        string baseline = Path.Combine(RunFixtures.RepositoryRoot, "configs", "baseline.yaml");
        string output = _dir.File("cmp-reversed");
        var stdout = new StringWriter();
        int code = CliApp.Run(["compare", household, baseline, "--replicates", "2", "--firms", "1500", "--steps", "8", "--set", "burn_in=2", "--out", output], stdout, new StringWriter());
        Assert.Equal(ExitCodes.Success, code);
        var ids = ParquetReadBack.ReadWithParquetSharp(Path.Combine(output, "signature.parquet"))["id"].Cast<string>().ToList();
        // Baseline's own criteria are evaluated; paired ones would be against household-income, so they are left out.
        Assert.Contains("S1a", ids);
        Assert.DoesNotContain("S1c", ids);
        Assert.DoesNotContain("S3b", ids);
    }
}

/// <summary>Scenario roles come from the configs, and a criterion that fails is reported as failing.</summary>
public sealed class SignatureCheckTests
{
    [Theory]
    [InlineData("baseline", ScenarioRole.Baseline)]
    [InlineData("household-income", ScenarioRole.HouseholdIncome)]
    [InlineData("pilot", ScenarioRole.Pilot)]
    [InlineData("eu-ev-tariff", ScenarioRole.Tariff)]
    [InlineData("trade-in", ScenarioRole.TradeIn)]
    public void Shipped_scenarios_play_their_part(string name, ScenarioRole role)
    {
        var loaded = AgentSim.Config.ConfigLoader.Load(Path.Combine(RunFixtures.RepositoryRoot, "configs", name + ".yaml"));
        Assert.Equal(role, SignatureChecks.RoleOf(loaded.Config));
    }

    [Fact]
    public void Thresholds_are_applied_as_stated()
    {
        var baseline = AgentSim.Config.ConfigLoader.Load(Path.Combine(RunFixtures.RepositoryRoot, "configs", "baseline.yaml")).Config;
        var household = AgentSim.Config.ConfigLoader.Load(Path.Combine(RunFixtures.RepositoryRoot, "configs", "household-income.yaml")).Config;
        ReplicateStatistic Stat(string name, double mean, double low, double high) => new(name, 10, mean, 0.01, low, high, "fraction", "");
        var result = new CompareResult("baseline", 10,
        [
            new ScenarioSummary("baseline", [Stat(Indicators.StrategicUtilisationEnd, 0.751, 0.74, 0.76), Stat(Indicators.StrategicUtilisationGap, -0.05, -0.06, -0.04)], []),
            new ScenarioSummary("household-income", [], [Stat(PairedIndicators.ZombieShareGap, -0.01, -0.02, 0.001), Stat(PairedIndicators.ConsumptionShareGap, 0.05, 0.04, 0.06)]),
        ], []);
        var specs = new[] { new ScenarioSpec("baseline", "b.yaml", baseline, []), new ScenarioSpec("household-income", "h.yaml", household, []) };
        var checks = SignatureChecks.Evaluate(result, specs).ToDictionary(c => c.Id);
        Assert.False(checks["S1a"].Holds);   // 0.751 is not below 0.75
        Assert.True(checks["S1b"].Holds);    // exactly 5 points below counts
        Assert.False(checks["S2d"].Holds);   // the interval reaches above zero
        Assert.True(checks["S3b"].Holds);    // exactly 5 points counts
        Assert.False(checks.ContainsKey("S4a"));
    }
}

/// <summary>The ablate command end to end on a tiny economy.</summary>
[Collection(CliCollection.Name)]
public sealed class AblateCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Ablate_switches_each_mechanism_off_once_and_writes_the_table()
    {
        string baseline = Path.Combine(RunFixtures.RepositoryRoot, "configs", "baseline.yaml");
        string household = Path.Combine(RunFixtures.RepositoryRoot, "configs", "household-income.yaml");
        string output = _dir.File("ablation");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(["ablate", baseline, household, "--replicates", "2", "--firms", "1500", "--steps", "8", "--set", "burn_in=2", "--out", output], stdout, stderr);
        Assert.True(code == ExitCodes.Success, stderr.ToString());
        var table = ParquetReadBack.ReadWithDuckDb(Path.Combine(output, "ablation.parquet"));
        var variants = table["variant"].Cast<string>().Distinct().ToList();
        Assert.Equal(AblateCommand.Mechanisms.Select(m => m.Label), variants);
        Assert.Contains("consumption_share_end_vs_baseline", table["indicator"].Cast<string>());
    }
}
