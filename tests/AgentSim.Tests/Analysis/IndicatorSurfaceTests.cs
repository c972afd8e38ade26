using System.Globalization;
using System.Text.RegularExpressions;
using AgentSim.Analysis;
using AgentSim.Cli;
using AgentSim.Report;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using AgentSim.Tests.Sweeps;

namespace AgentSim.Tests.Analysis;

/// <summary>
/// One definition per indicator: the run summary, <c>run --replicates</c>, <c>compare</c>, <c>sweep</c> and
/// <c>report</c> give the same number for the same run (same config and seed). Real configs through the CLI, so
/// this lives in the CLI collection (the config source is process-wide).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class IndicatorSurfaceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Headline indicators every surface shows for a pilot run (the DiD needs the pilots).</summary>
    private static readonly string[] Checked =
    [
        Indicators.ConsumptionShareStart, Indicators.ConsumptionShareEnd, Indicators.StrategicUtilisationEnd, Indicators.OtherUtilisationEnd,
        Indicators.StrategicPriceChange, Indicators.OtherPriceChange, Indicators.ZombieShareEnd, Indicators.GdpGrowth, Indicators.IncomeGrowth,
        Indicators.LocalDebt, Indicators.PilotIncomeDid,
    ];

    [Fact]
    public void Every_surface_gives_the_same_number_for_the_same_run()
    {
        // 24 quarters: the "end" window is the second half (12 quarters), the first year and the switch fit.
        string sweepConfig = SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml("""
            replicates: 1
            parameters:
              - key: officials.promotion_strength
                values: [3]
            """, steps: 24));
        string sweepDir = _dir.File("sweep");
        var (code, stdout, stderr) = SweepFixtures.Cli("sweep", sweepConfig, "--out", sweepDir);
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        var sweepRow = Frame.Query($"SELECT * FROM read_parquet({Frame.Literal(Path.Combine(sweepDir, "summary.parquet"))})");
        Assert.Equal(1, sweepRow.Rows);
        long seed = Convert.ToInt64(sweepRow.Column("seed")[0], CultureInfo.InvariantCulture);

        // The same config and seed as a plain run, without the sweep section.
        string yaml = File.ReadAllText(sweepConfig);
        string plainConfig = SweepFixtures.Write(_dir.Path, yaml[..yaml.IndexOf("sweep:", StringComparison.Ordinal)], "plain.yaml");
        string[] same = ["--seed", seed.ToString(CultureInfo.InvariantCulture), "--set", "officials.promotion_strength=3"];

        string runDir = _dir.File("run");
        (code, stdout, stderr) = SweepFixtures.Cli(["run", plainConfig, "--out", runDir, "--raw", .. same]);
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        var summary = RawSummary(stdout);

        string replicatesDir = _dir.File("replicates");
        (code, stdout, stderr) = SweepFixtures.Cli(["run", plainConfig, "--replicates", "2", "--out", replicatesDir, "--raw", .. same]);
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        var replicates = Frame.Query($"SELECT indicator, value FROM read_parquet({Frame.Literal(Path.Combine(replicatesDir, "replicates.parquet"))}) WHERE replicate = 0");

        string compareDir = _dir.File("compare");
        (code, stdout, stderr) = SweepFixtures.Cli(["compare", plainConfig, "--replicates", "1", "--out", compareDir, "--raw", .. same]);
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        var compare = Frame.Query($"SELECT indicator, mean FROM read_parquet({Frame.Literal(Path.Combine(compareDir, "summary.parquet"))}) WHERE versus = ''");

        var report = ReportBuilder.Build(new ReportOptions { Inputs = [runDir], OutputDirectory = _dir.File("report") });

        foreach (var name in Checked)
        {
            Assert.True(summary.ContainsKey(name), $"the run summary has no {name}");
            double expected = summary[name];
            Assert.True(double.IsFinite(expected), name);
            Assert.Equal(expected, Lookup(replicates, "value", name), 12);
            Assert.Equal(expected, Lookup(compare, "mean", name), 12);
            Assert.Equal(expected, Convert.ToDouble(sweepRow.Column(name)[0], CultureInfo.InvariantCulture), 12);
            var row = report.Headlines.Single(h => h.Name == name);
            Assert.Equal(IndicatorCatalog.Label(name), row.Label);
            Assert.Equal(expected, row.Values.Single()!.Value, 12);
        }
        // The one the issue found with three values: and the report's price charts start at 1 in quarter 0.
        Assert.NotEqual(0, summary[Indicators.StrategicPriceChange]);
    }

    [Fact]
    public void The_summary_shows_labels_and_units_and_raw_shows_the_parquet_names()
    {
        string config = SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml("replicates: 1\nparameters:\n  - key: officials.promotion_strength\n    values: [3]\n", steps: 10)
            .Split("sweep:")[0], "plain.yaml");
        var (code, stdout, stderr) = SweepFixtures.Cli("run", config, "--out", _dir.File("a"), "--threads", "1");
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        Assert.Contains("strategic producer prices, change over the run", stdout);
        Assert.Matches(@"utilisation, strategic industries, end\s*│\s*\d+\.\d%", stdout);
        Assert.DoesNotContain("strategic_price_change", stdout);
        Assert.Contains(" on 1 thread", stdout);
        Assert.DoesNotContain("1 threads", stdout);

        (code, stdout, stderr) = SweepFixtures.Cli("run", config, "--out", _dir.File("b"), "--raw");
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        Assert.Contains("strategic_price_change", stdout);
        Assert.DoesNotContain("strategic producer prices, change over the run", stdout);
    }

    [Fact]
    public void Every_indicator_computed_has_a_catalog_definition_with_a_unit_and_a_window()
    {
        var names = IndicatorCatalog.All.Select(d => d.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(IndicatorCatalog.All, d =>
        {
            Assert.Matches("^[a-z0-9_]+$", d.Name);
            Assert.False(string.IsNullOrWhiteSpace(d.Label));
            Assert.False(string.IsNullOrWhiteSpace(d.Unit));
            Assert.False(string.IsNullOrWhiteSpace(d.Window));
            Assert.NotEqual(d.Name, d.Label);
        });
        Assert.All(IndicatorCatalog.Headline, n => Assert.Contains(n, names));
    }

    /// <summary>Name to value from the --raw summary table ("│ name │ value │").</summary>
    private static Dictionary<string, double> RawSummary(string stdout) =>
        Regex.Matches(stdout, @"│\s*([a-z0-9_]+)\s*│\s*(\S+)\s*│")
            .Where(m => double.TryParse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture));

    private static double Lookup(Frame frame, string column, string name)
    {
        var names = frame.Strings("indicator");
        int i = Array.IndexOf(names, name);
        Assert.True(i >= 0, $"no {name} in {string.Join(", ", names)}");
        return frame.Doubles(column)[i];
    }
}
