using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace AgentSim.Report;

/// <summary>What to report on and where to write it.</summary>
public sealed record ReportOptions
{
    /// <summary>A run, replicates, comparison or sweep directory; or several run directories to compare.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>Where report.html and the PNGs go; default <see cref="ReportBuilder.DefaultOutput"/>.</summary>
    public string? OutputDirectory { get; init; }
}

/// <summary>A written report.</summary>
public sealed record ReportResult(string Directory, string HtmlPath, IReadOnlyList<Chart> Charts, ReportLayout Layout, IReadOnlyList<HeadlineRow> Headlines);

/// <summary>One row of the headline table: an indicator with an estimate per group.</summary>
public sealed record HeadlineRow(string Name, string Label, AgentSim.Analysis.IndicatorFormat Format, IReadOnlyList<Estimate?> Values);

/// <summary>
/// Makes a report: finds the runs, reads their tables with DuckDB, draws the charts with ScottPlot and writes them
/// as PNGs and one self-contained report.html (charts embedded as data URIs, inline CSS, no scripts).
/// </summary>
public static class ReportBuilder
{
    public const string HtmlFileName = "report.html";

    /// <summary>DIR/report for one input; beside the first input, report-A-B-..., for several.</summary>
    public static string DefaultOutput(IReadOnlyList<string> inputs)
    {
        if (inputs.Count == 1) return Path.Combine(inputs[0], "report");
        var first = Path.GetFullPath(inputs[0]);
        string parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(first)) ?? ".";
        string names = string.Join("-", inputs.Select(i => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(i)))));
        if (names.Length > 80) names = names[..80];
        return Path.Combine(parent, "report-" + names);
    }

    public static ReportResult Build(ReportOptions options, Action<string>? log = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var layout = ReportLayout.Discover(options.Inputs);
        string output = Path.GetFullPath(options.OutputDirectory ?? DefaultOutput(options.Inputs));
        // Checked before any table is read: a file in the way would otherwise surface as an IOException at the end.
        if (File.Exists(output)) throw new ReportException($"report output '{options.OutputDirectory ?? output}' is a file, not a directory; choose a directory with --out");
        log?.Invoke(Describe(layout));

        var groups = Load(layout, log, clock, ct);
        var minSteps = groups.Min(g => g.Steps);
        if (minSteps < 2) throw new ReportException($"a run has {minSteps} quarter(s): a report needs at least 2");

        bool comparison = layout.Kind == ReportKind.Comparison;
        var makers = new List<(string Name, Func<Chart?> Make)>
        {
            ("signature results", () => ReportCharts.Headline(groups)),
            ("time paths by scenario", () => ReportCharts.TimePaths(groups)),
            ("utilisation by industry", () => ReportCharts.ByIndustry(groups, prices: false, panelPerGroup: comparison)),
            ("price index by industry", () => ReportCharts.ByIndustry(groups, prices: true, panelPerGroup: comparison)),
            ("consumption share", () => ReportCharts.ConsumptionShare(groups)),
            ("growth by incentive rule", () => ReportCharts.GrowthByRule(groups)),
            ("pilot difference in differences", () => ReportCharts.PilotPaths(groups, out _)),
            ("event study of the pilots", () => ReportCharts.EventStudy(groups)),
            ("zombie share", () => ReportCharts.ZombieShare(groups)),
            ("levers", () => ReportCharts.Levers(groups)),
        };
        SweepData? sweep = null;
        if (layout.Kind == ReportKind.Sweep)
        {
            sweep = SweepData.Build(layout, groups, log);
            for (int i = 0; i < layout.SweepParameters.Count; i++)
            {
                int k = i;
                makers.Add(($"indicators vs {layout.SweepParameters[k]}", () => ReportCharts.SweepParameter(sweep, layout.SweepParameters[k], k)));
            }
            // A sensitivity study is a sweep with its indices beside it (agentsim sensitivity).
            makers.Insert(0, ("sensitivity indices", () => StudyCharts.Sensitivity(options.Inputs[0])));
        }

        var charts = new List<Chart>();
        for (int i = 0; i < makers.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var chart = makers[i].Make();
            // The log names what was drawn, and says when a chart has nothing to show, so its count matches the files.
            log?.Invoke(chart is null
                ? Inv($"chart {i + 1}/{makers.Count}: {makers[i].Name}: nothing to draw for these runs, skipped")
                : Inv($"chart {i + 1}/{makers.Count}: {makers[i].Name} · elapsed {clock.Elapsed.TotalSeconds:F1} s"));
            if (chart is not null) charts.Add(chart);
        }

        var headlines = HeadlineRows(groups);
        Directory.CreateDirectory(output);
        RemoveStaleCharts(output, charts);
        foreach (var chart in charts)
        {
            WriteAtomically(Path.Combine(output, chart.FileName), chart.Png);
            WriteAtomically(Path.Combine(output, chart.SvgFileName), chart.Svg);
        }
        var signature = layout.SignatureFile is { } file
            ? Frame.Query($"SELECT * FROM read_parquet({Frame.Literal(file)}, file_row_number = true) ORDER BY file_row_number")
            : null;
        string html = HtmlReport.Write(new HtmlReport.Content(layout, groups, charts, headlines, sweep, Manifest(groups[0].First.Directory), signature)
        {
            Warnings = StoppedRuns(layout),
        });
        string htmlPath = Path.Combine(output, HtmlFileName);
        WriteAtomically(htmlPath, System.Text.Encoding.UTF8.GetBytes(html));
        log?.Invoke(Inv($"wrote {charts.Count} chart{(charts.Count == 1 ? "" : "s")} (PNG and SVG each) and report.html in {clock.Elapsed.TotalSeconds:F1} s"));
        return new ReportResult(output, htmlPath, charts, layout, headlines);
    }

    /// <summary>
    /// Writes a temporary file in the same folder, fsyncs it and renames it over <paramref name="path"/>: a full disk or a
    /// kill leaves the previous file or none, never a truncated PNG or page under the final name.
    /// </summary>
    internal static void WriteAtomically(string path, byte[] bytes)
    {
        string temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>
    /// One sentence per run whose manifest records an error (a broken invariant): its tables stop at the quarter before,
    /// which every chart would otherwise show as if the run had simply ended there.
    /// </summary>
    private static List<string> StoppedRuns(ReportLayout layout)
    {
        var warnings = new List<string>();
        foreach (var run in layout.Groups.SelectMany(g => g.Runs))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Path, "manifest.json")));
                if (doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                    && !string.IsNullOrWhiteSpace(error.GetString()))
                    warnings.Add($"The run in {run.Path} did not finish: {error.GetString()}. Its tables and these charts stop at the last quarter before it.");
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
            {
            }
        }
        return warnings;
    }

    /// <summary>Charts a previous report wrote that this one does not (e.g. the pilot chart of an earlier pilot run).</summary>
    private static void RemoveStaleCharts(string output, IReadOnlyList<Chart> charts)
    {
        var current = charts.Select(c => c.FileName).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(output, "*.png").Concat(Directory.GetFiles(output, "*.svg")))
        {
            string name = Path.GetFileName(file);
            string png = Path.ChangeExtension(name, ".png");
            if (!current.Contains(png) && (ChartFileNames.Contains(png) || name.StartsWith("sweep-", StringComparison.Ordinal))) File.Delete(file);
        }
    }

    private static readonly HashSet<string> ChartFileNames =
    [
        "headline.png", "utilisation-by-industry.png", "prices-by-industry.png", "consumption-share.png", "growth-by-rule.png",
        "pilot-did.png", "zombie-share.png", "levers.png", "time-paths.png", "event-study.png",
    ];

    private static List<LoadedGroup> Load(ReportLayout layout, Action<string>? log, Stopwatch clock, CancellationToken ct)
    {
        int total = layout.RunCount, done = 0, every = Math.Max(1, total / 10);
        var groups = new List<LoadedGroup>();
        foreach (var group in layout.Groups)
        {
            var runs = new List<RunData>();
            foreach (var run in group.Runs)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    runs.Add(RunData.Load(run.Path));
                }
                catch (Exception ex) when (ex is DuckDB.NET.Data.DuckDBException or ReportException)
                {
                    throw new ReportException($"cannot read the run in '{run.Path}': {ex.Message}");
                }
                done++;
                if (total > 1 && (done % every == 0 || done == total))
                {
                    double eta = clock.Elapsed.TotalSeconds / done * (total - done);
                    log?.Invoke(Inv($"read {done}/{total} runs · elapsed {clock.Elapsed.TotalSeconds:F1} s · eta {eta:F0} s"));
                }
            }
            groups.Add(new LoadedGroup(group, runs));
        }
        return groups;
    }

    private static List<HeadlineRow> HeadlineRows(IReadOnlyList<LoadedGroup> groups)
    {
        var perGroup = groups.Select(g => g.Runs.Select(ReportStatistics.Headlines).ToList()).ToList();
        var names = perGroup.SelectMany(g => g.SelectMany(r => r)).GroupBy(h => h.Name).Select(h => h.First()).ToList();
        var rows = new List<HeadlineRow>();
        foreach (var h in names)
        {
            var values = new List<Estimate?>();
            for (int g = 0; g < groups.Count; g++)
            {
                if (h.Name == "pilot_income_growth_did")
                {
                    values.Add(ReportStatistics.DidEstimate(groups[g].Dids));
                    continue;
                }
                var xs = perGroup[g].Select(r => r.FirstOrDefault(x => x.Name == h.Name)?.Value ?? double.NaN).ToList();
                // Shares get intervals that stay within [0, 1] (the table's note says how).
                bool share = h.Format == AgentSim.Analysis.IndicatorFormat.Percent && AgentSim.Analysis.IndicatorCatalog.Find(h.Name)?.Unit == "fraction"
                    && xs.Where(double.IsFinite).All(x => x is >= 0 and <= 1);
                values.Add(!xs.Any(double.IsFinite) ? null : share ? ReportStatistics.MeanShare(xs) : ReportStatistics.Mean(xs));
            }
            rows.Add(new HeadlineRow(h.Name, h.Label, h.Format, values));
        }
        return rows;
    }

    private static string Describe(ReportLayout layout) => layout.Kind switch
    {
        ReportKind.Run => $"report on the run in {layout.Groups[0].Runs[0].Path}",
        ReportKind.Replicates => Inv($"report on {layout.RunCount} replicates of '{layout.Groups[0].Name}'"),
        ReportKind.Comparison => Inv($"report comparing {layout.Groups.Count} scenarios ({layout.RunCount} runs): {string.Join(", ", layout.Groups.Select(g => g.Name))}"),
        _ => Inv($"report on a sweep of {string.Join(", ", layout.SweepParameters)}: {layout.Groups.Count} points, {layout.RunCount} runs"),
    };

    /// <summary>A few facts from the first run's manifest.json (all optional).</summary>
    private static IReadOnlyDictionary<string, string> Manifest(string directory)
    {
        var facts = new Dictionary<string, string>();
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")));
            foreach (var key in new[] { "config_path", "seed", "firms", "steps", "version", "git_commit", "status" })
                if (doc.RootElement.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null)
                    facts[key] = v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText();
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
        }
        return facts;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
