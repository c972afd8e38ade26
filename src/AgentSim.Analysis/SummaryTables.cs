using AgentSim.Output;

namespace AgentSim.Analysis;

/// <summary>
/// Writes a comparison as Parquet: summary.parquet (statistics), replicates.parquet (every run's indicators) and
/// signature.parquet (the criteria of MODEL.md section 6 the comparison can speak to).
/// </summary>
public static class SummaryTables
{
    public static readonly TableSchema Summary = new("summary",
    [
        new("scenario", ColumnKind.String, "", "Scenario name (the config's name)."),
        new("indicator", ColumnKind.String, "", "Indicator name (see docs/results.md)."),
        new("versus", ColumnKind.String, "", "Empty for the scenario's own value; the reference scenario's name for a paired difference against it."),
        new("replicates", ColumnKind.Int32, "runs", "Number of replicates summarised."),
        new("mean", ColumnKind.Double, "indicator unit", "Mean across replicates."),
        new("sd", ColumnKind.Double, "indicator unit", "Standard deviation across replicates."),
        new("ci_low", ColumnKind.Double, "indicator unit", "Lower end of the 95% confidence interval of the mean (Student t)."),
        new("ci_high", ColumnKind.Double, "indicator unit", "Upper end of the 95% confidence interval of the mean (Student t)."),
        new("unit", ColumnKind.String, "", "Unit of the indicator."),
        new("meaning", ColumnKind.String, "", "What the indicator measures."),
    ]);

    public static readonly TableSchema Replicates = new("replicates",
    [
        new("scenario", ColumnKind.String, "", "Scenario name."),
        new("replicate", ColumnKind.Int32, "", "Replicate number; replicate r of every scenario uses the same seed."),
        new("seed", ColumnKind.Int64, "", "Seed of the run."),
        new("indicator", ColumnKind.String, "", "Indicator name."),
        new("value", ColumnKind.Double, "indicator unit", "Value in this run."),
    ]);

    public static readonly TableSchema Signature = new("signature",
    [
        new("id", ColumnKind.String, "", "Criterion id: S1a..S6b for the signature results of MODEL.md section 6, C1..C4 for the calibration bands."),
        new("criterion", ColumnKind.String, "", "The criterion, with its threshold."),
        new("scenario", ColumnKind.String, "", "Scenario whose runs the criterion is evaluated on (its role is read from its config)."),
        new("indicator", ColumnKind.String, "", "Indicator the criterion rests on (summary.parquet has it too)."),
        new("mean", ColumnKind.Double, "indicator unit", "Mean across replicates."),
        new("ci_low", ColumnKind.Double, "indicator unit", "Lower end of the 95% confidence interval (for S2b: the shortest spell over replicates)."),
        new("ci_high", ColumnKind.Double, "indicator unit", "Upper end of the 95% confidence interval (for S2b: the longest spell over replicates)."),
        new("holds", ColumnKind.Bool, "", "Whether the criterion holds."),
    ]);

    public static async Task WriteAsync(CompareResult result, string directory, CancellationToken ct = default) =>
        await WriteAsync(result, [], directory, ct).ConfigureAwait(false);

    public static async Task WriteAsync(CompareResult result, IReadOnlyList<SignatureCheck> checks, string directory, CancellationToken ct = default)
    {
        var summary = new TableBuffer(Summary);
        var scenario = summary.Strings("scenario");
        var indicator = summary.Strings("indicator");
        var versus = summary.Strings("versus");
        var count = summary.Ints("replicates");
        var mean = summary.Doubles("mean");
        var sd = summary.Doubles("sd");
        var low = summary.Doubles("ci_low");
        var high = summary.Doubles("ci_high");
        var unit = summary.Strings("unit");
        var meaning = summary.Strings("meaning");
        foreach (var s in result.Scenarios)
        {
            foreach (var (stat, reference) in s.Statistics.Select(x => (x, "")).Concat(s.VersusReference.Select(x => (x, result.Reference))))
            {
                scenario.Add(s.Scenario);
                indicator.Add(stat.Name);
                versus.Add(reference);
                count.Add(stat.Count);
                mean.Add(stat.Mean);
                sd.Add(stat.StandardDeviation);
                low.Add(stat.Low);
                high.Add(stat.High);
                unit.Add(stat.Unit);
                meaning.Add(stat.Meaning);
            }
        }
        await ParquetTableWriter.WriteAsync(Path.Combine(directory, "summary.parquet"), summary, ct).ConfigureAwait(false);

        var runs = new TableBuffer(Replicates);
        var runScenario = runs.Strings("scenario");
        var replicate = runs.Ints("replicate");
        var seed = runs.Longs("seed");
        var runIndicator = runs.Strings("indicator");
        var value = runs.Doubles("value");
        foreach (var run in result.Runs)
            foreach (var ind in run.Indicators)
            {
                runScenario.Add(run.Scenario);
                replicate.Add(run.Replicate);
                seed.Add(run.Seed);
                runIndicator.Add(ind.Name);
                value.Add(ind.Value);
            }
        await ParquetTableWriter.WriteAsync(Path.Combine(directory, "replicates.parquet"), runs, ct).ConfigureAwait(false);

        if (checks.Count == 0) return;
        var signature = new TableBuffer(Signature);
        var id = signature.Strings("id");
        var criterion = signature.Strings("criterion");
        var checkScenario = signature.Strings("scenario");
        var checkIndicator = signature.Strings("indicator");
        var checkMean = signature.Doubles("mean");
        var checkLow = signature.Doubles("ci_low");
        var checkHigh = signature.Doubles("ci_high");
        var holds = signature.Bools("holds");
        foreach (var c in checks)
        {
            id.Add(c.Id);
            criterion.Add(c.Criterion);
            checkScenario.Add(c.Scenario);
            checkIndicator.Add(c.Measure);
            checkMean.Add(c.Mean);
            checkLow.Add(c.Low);
            checkHigh.Add(c.High);
            holds.Add(c.Holds);
        }
        await ParquetTableWriter.WriteAsync(Path.Combine(directory, "signature.parquet"), signature, ct).ConfigureAwait(false);
    }
}
