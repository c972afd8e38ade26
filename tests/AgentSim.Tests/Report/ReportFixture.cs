using System.Globalization;
using AgentSim.Analysis;
using AgentSim.Config;
using AgentSim.Model.State;
using AgentSim.Output.Runs;
using AgentSim.Report;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using DuckDB.NET.Data;

namespace AgentSim.Tests.Report;

/// <summary>
/// Small real runs shared by the report, browser and notebook tests: a pilot run, two replicates of a pilot run,
/// and a sweep-like Hive layout (DIR/officials.tenure=V/replicate=R/ with DIR/summary.parquet, as the sweep
/// command writes it). About 2,000 firms and at most 12 quarters each.
/// </summary>
public sealed class ReportFixture : IDisposable
{
    public static readonly string[] Pilots = ["Zhejiang", "Fujian", "Hubei", "Sichuan", "Guizhou"];
    public const int SwitchStep = 6;
    public const string SweepKey = "officials.tenure";
    public static readonly int[] SweepValues = [8, 16];

    private readonly TempDirectory _dir = new();

    public ReportFixture()
    {
        PilotRun = Path.Combine(_dir.Path, "pilot");
        var series = Write(PilotConfig(firms: 2_500, steps: 12, seed: 7), PilotRun);
        AnalysisDid = Indicators.Compute(series).Single(i => i.Name == Indicators.PilotIncomeDid).Value;

        Replicates = Path.Combine(_dir.Path, "pilot-replicates");
        for (int r = 0; r < 2; r++)
            Write(PilotConfig(firms: 1_500, steps: 12, seed: Experiments.ReplicateSeed(11, r)), Path.Combine(Replicates, $"replicate={r}"));

        Sweep = Path.Combine(_dir.Path, "sweep");
        var rows = new List<string>();
        foreach (int value in SweepValues)
            for (int r = 0; r < 2; r++)
            {
                var config = RunFixtures.SmallConfig(firms: 1_500, steps: 8, burnIn: 2, seed: Experiments.ReplicateSeed(5, r));
                config.Officials.Tenure = value;
                string dir = Path.Combine(Sweep, $"{SweepKey}={value}", $"replicate={r}");
                Write(config, dir);
                var h = ReportStatistics.Headlines(RunData.Load(dir)).ToDictionary(x => x.Name, x => x.Value);
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"('{SweepKey}={value}/replicate={r}', {value}, {r}, {config.Seed}, {h["consumption_share_end"]:R}, {h["zombie_share_end"]:R}, {h["strategic_utilisation_end"]:R})"));
            }
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            "CREATE TABLE s (run_id VARCHAR, officials_tenure BIGINT, replicate INTEGER, seed BIGINT, consumption_share_end DOUBLE, zombie_share_end DOUBLE, strategic_utilisation_end DOUBLE);"
            + $"INSERT INTO s VALUES {string.Join(", ", rows)};"
            + $"COPY s TO {Frame.Literal(Path.Combine(Sweep, "summary.parquet"))} (FORMAT parquet);";
        command.ExecuteNonQuery();
    }

    /// <summary>A pilot run: 5 pilots switch to the household-income rule at quarter 6 of 12.</summary>
    public string PilotRun { get; }

    /// <summary>pilot_income_growth_did of <see cref="PilotRun"/> as AgentSim.Analysis computes it in memory.</summary>
    public double AnalysisDid { get; }

    /// <summary>DIR/replicate=0, DIR/replicate=1 of a smaller pilot run.</summary>
    public string Replicates { get; }

    /// <summary>DIR/officials.tenure={8,16}/replicate={0,1}/ and DIR/summary.parquet.</summary>
    public string Sweep { get; }

    public string Root => _dir.Path;

    public static SimulationConfig PilotConfig(int firms, int steps, long seed)
    {
        var config = RunFixtures.SmallConfig(firms, steps, burnIn: 2, seed);
        config.Name = "pilot";
        config.Incentives.PilotProvinces = [.. Pilots];
        config.Incentives.PilotRule = IncentiveRule.HouseholdIncome;
        config.Incentives.SwitchStep = SwitchStep;
        return config;
    }

    private static RunSeries Write(SimulationConfig config, string directory)
    {
        RunSeries? series = null;
        RunWriter.RunAsync(new RunRequest
        {
            Config = config,
            Provinces = RunFixtures.Provinces,
            OutputDirectory = directory,
            ConfigPath = "test.yaml",
            ResolvedConfigYaml = ConfigYaml.Write(config),
            Threads = 2,
            OnStep = sim =>
            {
                series ??= new RunSeries(sim);
                series.Record(sim);
            },
        }).GetAwaiter().GetResult();
        return series!;
    }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ReportCollection : ICollectionFixture<ReportFixture>
{
    public const string Name = "Report";
}
