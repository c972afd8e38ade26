using System.Globalization;
using AgentSim.Analysis;
using AgentSim.Output.Runs;
using AgentSim.Report;
using Spectre.Console;

namespace AgentSim.Cli;

/// <summary>The end-of-run summary: headline indicators (MODEL.md section 6), the output files and timings.</summary>
internal static class Summary
{
    /// <summary>
    /// The headline indicators of the run in <paramref name="directory"/>, read back from its tables and computed by
    /// <see cref="Indicators.Compute"/>: what the report, compare and sweep show for the same run (a resumed run
    /// included, whose early quarters were never in this process).
    /// </summary>
    public static IReadOnlyList<Indicator> Headlines(string directory)
    {
        var series = RunData.Load(directory).Series();
        if (series.Steps < 2) return []; // one quarter has no change to measure; the run itself is fine
        var all = Indicators.Compute(series);
        return IndicatorCatalog.Headline.Select(name => all.FirstOrDefault(i => i.Name == name)).Where(i => i is not null)
            .Concat(all.Where(i => i.Name is Indicators.FirmsStart or Indicators.FirmsEnd)).Select(i => i!).ToList();
    }

    public static void Print(IAnsiConsole console, RunResult result, bool raw = false)
    {
        var indicators = Headlines(result.OutputDirectory);
        var table = new Table().Border(TableBorder.Rounded).Title("Headline indicators");
        table.AddColumn("indicator");
        table.AddColumn(new TableColumn("value").RightAligned());
        foreach (var i in indicators)
        {
            // --raw: the names and full-precision values of summary.parquet and the Parquet columns, for scripts.
            string name = raw ? i.Name : IndicatorCatalog.Label(i.Name);
            string value = raw ? i.Value.ToString("R", CultureInfo.InvariantCulture) : IndicatorCatalog.FormatValue(i.Name, i.Value);
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        }
        if (indicators.Count == 0) console.WriteLine("no headline indicators: they need at least 2 recorded quarters");
        else console.Write(table);
        if (!raw && indicators.Count > 0) console.WriteLine("first year: quarters 0-3 after the burn-in; end: mean over the last 20 quarters; changes and growth: quarter 0 to the last quarter");

        var rows = string.Join(", ", result.RowCounts.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:N0}")));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"output: {result.OutputDirectory}"));
        console.WriteLine($"rows: {rows}");
        var t = result.TimingsSeconds;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"time: {t["total"]:F1} s (init {t["init"]:F1}, burn-in {t["burn_in"]:F1}, quarters {t["steps"]:F1}, writing {t["write"]:F1}) on {Threads(result.Threads)}"));
    }

    /// <summary>"1 thread", "4 threads".</summary>
    public static string Threads(int count) => count == 1 ? "1 thread" : string.Create(CultureInfo.InvariantCulture, $"{count} threads");
}
