using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentSim.Report;
using AgentSim.Tests.Runs;
using DuckDB.NET.Data;

namespace AgentSim.Tests.Report;

/// <summary>
/// notebooks/analysis.ipynb must not rot: its SQL queries are extracted and run with DuckDB.NET against a real run
/// and a real sweep-shaped output. The notebook's convention: a query lives in a code cell whose first line is
/// <c># sql: NAME</c>, as the cell's first triple-quoted string, with the placeholders {run}, {sweep} and {param}.
/// </summary>
[Collection(ReportCollection.Name)]
public sealed partial class NotebookQueryTests(ReportFixture fixture)
{
    /// <summary>The queries the notebook's figures need; a renamed or dropped one must be updated here too.</summary>
    private static readonly string[] Expected =
        ["utilisation_by_industry", "consumption_share", "growth_by_rule", "pilot_did", "pilot_paths", "zombie_share", "levers",
         "sweep_summary", "sweep_runs", "sweep_paths"];

    public static string NotebookPath => Path.Combine(RunFixtures.RepositoryRoot, "notebooks", "analysis.ipynb");

    /// <summary>(name, SQL) of every query cell, in notebook order.</summary>
    public static List<(string Name, string Sql)> Queries()
    {
        var notebook = JsonNode.Parse(File.ReadAllText(NotebookPath))!;
        var queries = new List<(string, string)>();
        foreach (var cell in notebook["cells"]!.AsArray())
        {
            if (cell!["cell_type"]!.GetValue<string>() != "code") continue;
            string source = Source(cell);
            var header = SqlHeader().Match(source);
            if (!header.Success) continue;
            var body = TripleQuoted().Match(source);
            Assert.True(body.Success, $"query cell '{header.Groups[1].Value}' has no triple-quoted SQL string");
            queries.Add((header.Groups[1].Value, body.Groups[1].Value));
        }
        return queries;
    }

    [Fact]
    public void Notebook_labels_are_the_indicator_catalogs_labels_with_units()
    {
        var notebook = JsonNode.Parse(File.ReadAllText(NotebookPath))!;
        string all = string.Concat(notebook["cells"]!.AsArray().Select(c => Source(c!)));
        var block = Regex.Match(all, @"LABELS = \{(.*?)\n\}", RegexOptions.Singleline);
        Assert.True(block.Success, "the notebook defines no LABELS dict");
        var labels = Regex.Matches(block.Groups[1].Value, "\"([a-z0-9_]+)\": \"([^\"]*)\"").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.NotEmpty(labels);
        foreach (var (name, label) in labels) Assert.Equal(AgentSim.Analysis.IndicatorCatalog.LabelWithUnit(name), label);
        // Every indicator the sweep query computes has its label.
        var sweep = Queries().Single(q => q.Name == "sweep_runs").Sql;
        foreach (Match m in Regex.Matches(sweep, @"AS ([a-z0-9_]+)\s*$", RegexOptions.Multiline))
            if (AgentSim.Analysis.IndicatorCatalog.Find(m.Groups[1].Value) is not null) Assert.Contains(m.Groups[1].Value, labels.Keys);
    }

    [Fact]
    public void Notebook_is_valid_nbformat_4_and_documents_the_sql_convention()
    {
        var notebook = JsonNode.Parse(File.ReadAllText(NotebookPath))!;
        Assert.Equal(4, notebook["nbformat"]!.GetValue<int>());
        Assert.Equal("python", notebook["metadata"]!["kernelspec"]!["language"]!.GetValue<string>());
        var cells = notebook["cells"]!.AsArray();
        Assert.All(cells, cell =>
        {
            Assert.Contains(cell!["cell_type"]!.GetValue<string>(), new[] { "markdown", "code", "raw" });
            Assert.NotNull(cell["metadata"]);
            Assert.NotNull(cell["source"]);
            if (cell["cell_type"]!.GetValue<string>() == "code")
            {
                Assert.NotNull(cell["outputs"]);
                Assert.True(cell.AsObject().ContainsKey("execution_count"));
            }
        });
        string intro = Source(cells[0]!);
        Assert.Contains("# sql: NAME", intro);
        Assert.Contains("NotebookQueryTests", intro);
        var names = Queries().Select(q => q.Name).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        foreach (var name in Expected) Assert.Contains(name, names);
    }

    [Fact]
    public void Every_notebook_query_runs_on_a_real_run_and_sweep_with_sensible_results()
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var report = RunData.Load(fixture.PilotRun);
        var queries = Queries();
        Assert.NotEmpty(queries);
        foreach (var (name, template) in queries)
        {
            string sql = template
                .Replace("{run}", fixture.PilotRun.Replace('\\', '/'), StringComparison.Ordinal)
                .Replace("{sweep}", fixture.Sweep.Replace('\\', '/'), StringComparison.Ordinal)
                .Replace("{param}", ReportFixture.SweepKey, StringComparison.Ordinal);
            Frame result;
            try
            {
                result = Frame.Query(connection, sql);
            }
            catch (DuckDBException ex)
            {
                Assert.Fail($"notebook query '{name}' fails: {ex.Message}\n{sql}");
                throw;
            }
            Assert.True(result.Rows > 0, $"notebook query '{name}' returned no rows");
            Generic(name, result);
            Specific(name, result, report);
        }
    }

    /// <summary>Checks for any query: shares, utilisation and price indices are finite and in range.</summary>
    private static void Generic(string name, Frame result)
    {
        foreach (var column in result.Names.Where(result.IsNumeric))
        {
            var values = result.Doubles(column);
            if (column.Contains("share", StringComparison.Ordinal) || column.Contains("utilisation", StringComparison.Ordinal))
                Assert.All(values, v => Assert.True(v is >= 0 and <= 1.0000001, $"{name}.{column} = {v} is not a fraction"));
            if (column.Contains("price_index", StringComparison.Ordinal))
                Assert.All(values, v => Assert.True(v is > 0 and < 10, $"{name}.{column} = {v} is not a price index"));
        }
    }

    /// <summary>Checks that tie each query to the run it read: row counts and values the report computes too.</summary>
    private static void Specific(string name, Frame r, RunData run)
    {
        int T = run.Steps, S = run.Industries.Length;
        switch (name)
        {
            case "utilisation_by_industry":
                Assert.Equal(T * S, r.Rows);
                break;
            case "consumption_share":
                Assert.Equal(T, r.Rows);
                Assert.Equal(run.ConsumptionShare, r.Doubles("consumption_share"));
                break;
            case "growth_by_rule":
                Assert.Equal(["gdp", "household_income"], r.Strings("incentive_rule").Distinct().Order(StringComparer.Ordinal));
                Assert.All(r.Doubles("gdp_growth_yoy").Concat(r.Doubles("income_growth_yoy")), v => Assert.InRange(v, -1, 1));
                var gdpRule = run.GrowthByRule("gdp", run.ProvinceGdpReal);
                var steps = r.Ints("step");
                var rules = r.Strings("incentive_rule");
                var growth = r.Doubles("gdp_growth_yoy");
                for (int i = 0; i < r.Rows; i++)
                    if (rules[i] == "gdp") Assert.Equal(gdpRule[steps[i]], growth[i], 10);
                break;
            case "pilot_did":
                Assert.Equal(1, r.Rows);
                Assert.Equal(ReportFixture.SwitchStep, r.Ints("switch_step")[0]);
                Assert.Equal(ReportStatistics.Did(run)!.Window, r.Ints("window_quarters")[0]);
                Assert.Equal(ReportStatistics.Did(run)!.Value, r.Doubles("did")[0], 12);
                Assert.Equal(ReportFixture.Pilots.Length, r.Ints("pilots")[0]);
                Assert.Equal(run.Provinces.Length - ReportFixture.Pilots.Length, r.Ints("others")[0]);
                break;
            case "pilot_paths":
                Assert.Equal(2 * T, r.Rows);
                Assert.All(r.Doubles("log_income"), v => Assert.InRange(v, 5, 15)); // log CNY per person per year
                break;
            case "zombie_share":
                Assert.Equal(T, r.Rows);
                Assert.Equal(run.ZombieShare(), r.Doubles("zombie_share"));
                break;
            case "levers":
                Assert.Equal(2 * T, r.Rows);
                Assert.All(r.Doubles("welfare_share"), v => Assert.InRange(v, 0, 1));
                break;
            case "sweep_summary":
                Assert.Equal(4, r.Rows);
                break;
            case "sweep_runs":
                Assert.Equal(4, r.Rows);
                Assert.Equal(["16", "16", "8", "8"], r.Strings(ReportFixture.SweepKey).Order(StringComparer.Ordinal));
                var expected = r.Strings("run").Select(dir => ReportStatistics.Headlines(RunData.Load(dir)).ToDictionary(h => h.Name, h => h.Value)).ToList();
                foreach (var column in new[] { "consumption_share_end", "strategic_utilisation_end", "strategic_price_change", "zombie_share_end", "gdp_growth_annualised" })
                {
                    var values = r.Doubles(column);
                    for (int i = 0; i < r.Rows; i++) Assert.Equal(expected[i][column], values[i], 10);
                }
                break;
            case "sweep_paths":
                Assert.All(r.Ints("runs"), n => Assert.Equal(2, n));
                Assert.Equal(ReportFixture.SweepValues.Length * 8, r.Rows);
                break;
        }
    }

    private static string Source(JsonNode cell) =>
        cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>())) : cell["source"]!.GetValue<string>();

    [GeneratedRegex(@"\A#\s*sql:\s*([A-Za-z0-9_]+)\s*\n")]
    private static partial Regex SqlHeader();

    [GeneratedRegex("\"\"\"(.*?)\"\"\"", RegexOptions.Singleline)]
    private static partial Regex TripleQuoted();
}
