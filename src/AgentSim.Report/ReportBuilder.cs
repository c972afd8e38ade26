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
public sealed record HeadlineRow(string Name, string Label, HeadlineFormat Format, IReadOnlyList<Estimate?> Values);

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
        log?.Invoke(Describe(layout));

        var groups = Load(layout, log, clock, ct);
        var minSteps = groups.Min(g => g.Steps);
        if (minSteps < 2) throw new ReportException($"a run has {minSteps} quarter(s): a report needs at least 2");

        bool comparison = layout.Kind == ReportKind.Comparison;
        var makers = new List<(string Name, Func<Chart?> Make)>
        {
            ("signature results", () => ReportCharts.Headline(groups)),
            ("utilisation by industry", () => ReportCharts.ByIndustry(groups, prices: false, panelPerGroup: comparison)),
            ("price index by industry", () => ReportCharts.ByIndustry(groups, prices: true, panelPerGroup: comparison)),
            ("consumption share", () => ReportCharts.ConsumptionShare(groups)),
            ("growth by incentive rule", () => ReportCharts.GrowthByRule(groups)),
            ("pilot difference in differences", () => ReportCharts.PilotPaths(groups, out _)),
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
            log?.Invoke(Inv($"chart {i + 1}/{makers.Count}: {makers[i].Name} · elapsed {clock.Elapsed.TotalSeconds:F1} s"));
            var chart = makers[i].Make();
            if (chart is not null) charts.Add(chart);
        }

        var headlines = HeadlineRows(groups);
        Directory.CreateDirectory(output);
        RemoveStaleCharts(output, charts);
        foreach (var chart in charts) File.WriteAllBytes(Path.Combine(output, chart.FileName), chart.Png);
        var signature = layout.SignatureFile is { } file
            ? Frame.Query($"SELECT * FROM read_parquet({Frame.Literal(file)}, file_row_number = true) ORDER BY file_row_number")
            : null;
        string html = HtmlReport.Write(new HtmlReport.Content(layout, groups, charts, headlines, sweep, Manifest(groups[0].First.Directory), signature));
        string htmlPath = Path.Combine(output, HtmlFileName);
        string temp = htmlPath + ".tmp";
        File.WriteAllText(temp, html);
        File.Move(temp, htmlPath, overwrite: true);
        log?.Invoke(Inv($"wrote {charts.Count} charts and report.html in {clock.Elapsed.TotalSeconds:F1} s"));
        return new ReportResult(output, htmlPath, charts, layout, headlines);
    }

    /// <summary>Charts a previous report wrote that this one does not (e.g. the pilot chart of an earlier pilot run).</summary>
    private static void RemoveStaleCharts(string output, IReadOnlyList<Chart> charts)
    {
        var current = charts.Select(c => c.FileName).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(output, "*.png"))
        {
            string name = Path.GetFileName(file);
            if (!current.Contains(name) && (ChartFileNames.Contains(name) || name.StartsWith("sweep-", StringComparison.Ordinal))) File.Delete(file);
        }
    }

    private static readonly HashSet<string> ChartFileNames =
    [
        "headline.png", "utilisation-by-industry.png", "prices-by-industry.png", "consumption-share.png", "growth-by-rule.png",
        "pilot-did.png", "zombie-share.png", "levers.png",
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
                values.Add(xs.Any(double.IsFinite) ? ReportStatistics.Mean(xs) : null);
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
