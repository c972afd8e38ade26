using System.Globalization;

namespace AgentSim.Report;

/// <summary>One run of a sweep: its parameter values and headline indicators.</summary>
public sealed record SweepPoint(IReadOnlyDictionary<string, string> Parameters, IReadOnlyDictionary<string, double> Values);

/// <summary>
/// The runs of a sweep with their indicators: from the sweep's summary.parquet (one row per run, a column per
/// swept parameter, numeric columns are indicators) when its parameter columns match the partition keys, else the
/// report's own headline indicators computed from each run's tables.
/// </summary>
public sealed record SweepData(IReadOnlyList<string> Parameters, IReadOnlyList<SweepPoint> Points, IReadOnlyList<string> Indicators, string Source)
{
    /// <summary>True when <see cref="Points"/> are in the sweep plan's order (summary.parquet's run_index), so each parameter's values first appear in the order the sweep lists them.</summary>
    public bool PlanOrder { get; init; }

    /// <summary>Columns of summary.parquet that identify a run rather than measure it.</summary>
    private static readonly HashSet<string> NotIndicators = ["run_id", "run", "run_index", "point", "seed", "replicate", "scenario", "step", "steps", "firms", "threads"];

    public static SweepData Build(ReportLayout layout, IReadOnlyList<LoadedGroup> groups, Action<string>? log = null)
    {
        var parameters = layout.SweepParameters;
        if (layout.SummaryFile is { } file)
        {
            try
            {
                var fromSummary = FromSummary(file, parameters);
                if (fromSummary is not null) return fromSummary;
                log?.Invoke($"summary.parquet has no column for every swept parameter ({string.Join(", ", parameters)}): indicators computed from the run tables");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                log?.Invoke($"summary.parquet unreadable ({ex.Message}): indicators computed from the run tables");
            }
        }
        var points = new List<SweepPoint>();
        var names = new List<string>();
        foreach (var group in groups)
            foreach (var run in group.Runs)
            {
                var headlines = ReportStatistics.Headlines(run);
                foreach (var h in headlines.Where(h => !names.Contains(h.Name))) names.Add(h.Name);
                points.Add(new SweepPoint(group.Group.Parameters, headlines.ToDictionary(h => h.Name, h => h.Value)));
            }
        return new SweepData(parameters, points, names, "computed from each run's tables");
    }

    private static SweepData? FromSummary(string file, IReadOnlyList<string> parameters)
    {
        var frame = Frame.Query($"SELECT * FROM read_parquet({Frame.Literal(file)})");
        bool planOrder = frame.Names.Contains("run_index");
        if (planOrder) frame = Frame.Query($"SELECT * FROM read_parquet({Frame.Literal(file)}) ORDER BY run_index");
        if (frame.Rows == 0) return null;
        var columnOf = new Dictionary<string, string>();
        foreach (var key in parameters)
        {
            var column = frame.Names.FirstOrDefault(n => Normalise(n) == Normalise(key));
            if (column is null) return null;
            columnOf[key] = column;
        }
        var indicators = frame.Names
            .Where(n => frame.IsNumeric(n) && !columnOf.ContainsValue(n) && !NotIndicators.Contains(Normalise(n)) && !Normalise(n).EndsWith("_id", StringComparison.Ordinal))
            .ToList();
        if (indicators.Count == 0) return null;
        var paramValues = columnOf.ToDictionary(kv => kv.Key, kv => frame.Column(kv.Value).Select(Text).ToArray());
        var indicatorValues = indicators.ToDictionary(n => n, frame.Doubles);
        var points = Enumerable.Range(0, frame.Rows).Select(i => new SweepPoint(
            parameters.ToDictionary(k => k, k => paramValues[k][i]),
            indicators.ToDictionary(n => n, n => indicatorValues[n][i]))).ToList();
        return new SweepData(parameters, points, indicators, "from the sweep's summary.parquet") { PlanOrder = planOrder };
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>"officials.tenure", "officials_tenure" and "Officials-Tenure" name the same parameter.</summary>
    public static string Normalise(string name) =>
        new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_').ToArray());
}
