using System.Text.RegularExpressions;
using AgentSim.Cli;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using DuckDB.NET.Data;

namespace AgentSim.Tests.Sweeps;

/// <summary>The SQL in docs/experiments.md runs, on a small sweep shaped like the shipped ones.</summary>
[Collection(CliCollection.Name)]
public sealed partial class SweepDocsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Every_query_in_docs_experiments_md_runs_on_a_sweep()
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml("""
            replicates: 2
            parameters:
              - key: incentives.pilot_provinces
                column: pilots
                labels: [p5, p10]
                values:
                  - [Zhejiang, Fujian, Hubei, Sichuan, Guizhou]
                  - [Zhejiang, Fujian, Hubei, Sichuan, Guizhou, Jiangsu, Henan, Anhui, Yunnan, Liaoning]
            """));
        var output = _dir.File("sweep");
        var (code, stdout, stderr) = SweepFixtures.Cli("sweep", config, "--out", output);
        Assert.True(code == ExitCodes.Success, stderr + stdout);

        var doc = File.ReadAllText(Path.Combine(RunFixtures.RepositoryRoot, "docs", "experiments.md"));
        var queries = SqlBlock().Matches(doc).Select(m => m.Groups[1].Value).ToList();
        Assert.True(queries.Count >= 3, "docs/experiments.md lost its queries");
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        foreach (var sql in queries)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql.Replace("runs/sweep-pilot", output, StringComparison.Ordinal)
                .Replace("runs/crn-common", output, StringComparison.Ordinal);
            using var reader = command.ExecuteReader();
            var rows = 0;
            while (reader.Read())
            {
                rows++;
                for (var c = 0; c < reader.FieldCount; c++)
                    Assert.False(reader.IsDBNull(c), $"NULL in column {reader.GetName(c)} of\n{sql}");
            }
            Assert.True(rows > 0, $"no rows from\n{sql}");
        }
    }

    [Fact]
    public void The_report_reads_a_sweep_directory_with_its_summary()
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints());
        var output = _dir.File("sweep");
        var (code, stdout, stderr) = SweepFixtures.Cli("sweep", config, "--out", output);
        Assert.True(code == ExitCodes.Success, stderr + stdout);

        var result = AgentSim.Report.ReportBuilder.Build(new AgentSim.Report.ReportOptions { Inputs = [output], OutputDirectory = _dir.File("report") });
        Assert.Equal(AgentSim.Report.ReportKind.Sweep, result.Layout.Kind);
        Assert.Equal(["promotion_strength"], result.Layout.SweepParameters);
        Assert.Equal(2, result.Layout.Groups.Count);
        var groups = result.Layout.Groups
            .Select(g => new AgentSim.Report.LoadedGroup(g, g.Runs.Select(r => AgentSim.Report.RunData.Load(r.Path)).ToList())).ToList();
        var sweep = AgentSim.Report.SweepData.Build(result.Layout, groups);
        Assert.Contains("summary.parquet", sweep.Source);
        Assert.Equal(["consumption_share_end", "strategic_utilisation_end", "strategic_price_change", "zombie_share_end", "gdp_growth_annualised",
            "income_per_capita_growth_annualised", "pilot_income_growth_did"], sweep.Indicators.Take(7));
        Assert.DoesNotContain("run_index", sweep.Indicators);
        Assert.DoesNotContain("point", sweep.Indicators);
        Assert.Equal(4, sweep.Points.Count);
    }

    [GeneratedRegex("```sql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
