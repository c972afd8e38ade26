using System.Globalization;
using AgentSim.Output;

namespace AgentSim.Analysis.Sweeps;

/// <summary>
/// The sweep's own Parquet tables: <c>runs.parquet</c> (the plan) and <c>summary.parquet</c> (one row per complete
/// run with its parameters and indicators). Parameter columns are doubles for numeric keys and strings (the
/// partition label) otherwise, named as in the partition directories, so both tables join with the Hive columns of
/// <c>read_parquet('DIR/**/provinces.parquet', hive_partitioning = true)</c>.
/// </summary>
public static class SweepTables
{
    private static readonly ColumnSpec[] RunKeys =
    [
        new("run_id", ColumnKind.String, "", "Stable run id: hash of the point's resolved config and the replicate number."),
        new("run_index", ColumnKind.Int32, "", "Position in the plan; task I of N runs the runs with run_index % N == I."),
        new("point", ColumnKind.Int32, "", "Parameter point (runs with the same point differ only in replicate)."),
        new("replicate", ColumnKind.Int32, "", "Replicate number; with common random numbers replicate r of every point has the same seed."),
        new("seed", ColumnKind.Int64, "", "Seed of the run."),
    ];

    private static readonly ColumnSpec PartitionColumn =
        new("partition", ColumnKind.String, "", "The run's directory under the sweep directory (COL=VALUE/.../replicate=R).");

    /// <summary>Writes <c>runs.parquet</c>: every planned run.</summary>
    public static Task WriteRunsAsync(SweepDirectory directory, CancellationToken ct = default)
    {
        var plan = directory.Plan;
        var table = new TableBuffer(new TableSchema("runs", [.. RunKeys, .. ParameterSpecs(plan), PartitionColumn]));
        foreach (var run in plan.Runs)
            AddRun(table, plan, run, run.Values);
        return ParquetTableWriter.WriteAsync(Path.Combine(directory.Root, SweepDirectory.RunsFile), table, ct);
    }

    /// <summary>
    /// Writes <c>summary.parquet</c> from the records of the complete runs, in plan order. Indicators a run lacks
    /// (the pilot indicators of a run without pilots) are NaN. Returns the number of rows.
    /// </summary>
    public static async Task<int> WriteSummaryAsync(SweepDirectory directory, IReadOnlyList<PlannedRun> complete, CancellationToken ct = default)
    {
        var plan = directory.Plan;
        var records = complete
            .Select(run => (Run: run, Record: SweepDirectory.ReadRecord(directory.FinalPath(run))))
            .Where(x => x.Record is not null)
            .OrderBy(x => x.Run.Index)
            .ToList();
        var indicators = records.SelectMany(x => x.Record!.Indicators.Select(i => i.Name)).Distinct().ToList();
        var reserved = new HashSet<string>(RunKeys.Select(k => k.Name).Concat(plan.Columns.Select(c => c.Name)).Append(PartitionColumn.Name));
        var indicatorSpecs = indicators.Select(name => new ColumnSpec(reserved.Contains(name) ? "indicator_" + name : name,
            ColumnKind.Double, "", $"Indicator {name} (docs/experiments.md).")).ToList();
        var table = new TableBuffer(new TableSchema("summary", [.. RunKeys, .. ParameterSpecs(plan), .. indicatorSpecs, PartitionColumn]));
        var firstIndicator = RunKeys.Length + plan.Columns.Count;
        foreach (var (run, record) in records)
        {
            var values = plan.Columns.Select((c, i) => record!.Parameters.GetValueOrDefault(c.Name, run.Values[i])).ToList();
            var byName = record!.Indicators.ToDictionary(i => i.Name, i => i.Value);
            for (var k = 0; k < indicators.Count; k++)
                table.Doubles(firstIndicator + k).Add(byName.GetValueOrDefault(indicators[k], double.NaN));
            AddRun(table, plan, run, values);
        }
        await ParquetTableWriter.WriteAsync(Path.Combine(directory.Root, SweepDirectory.SummaryFile), table, ct).ConfigureAwait(false);
        return records.Count;
    }

    private static IEnumerable<ColumnSpec> ParameterSpecs(SweepPlan plan) =>
        plan.Columns.Select(c => new ColumnSpec(c.Name, c.Numeric ? ColumnKind.Double : ColumnKind.String, "", $"Value of {c.Key}."));

    /// <summary>Adds the key, parameter and partition columns of one row (indicator columns are filled by the caller).</summary>
    private static void AddRun(TableBuffer table, SweepPlan plan, PlannedRun run, IReadOnlyList<string> values)
    {
        table.Strings("run_id").Add(run.RunId);
        table.Ints("run_index").Add(run.Index);
        table.Ints("point").Add(run.Point);
        table.Ints("replicate").Add(run.Replicate);
        table.Longs("seed").Add(run.Seed);
        for (var i = 0; i < plan.Columns.Count; i++)
        {
            var column = plan.Columns[i];
            if (column.Numeric)
                table.Doubles(column.Name).Add(double.Parse(values[i], NumberStyles.Float, CultureInfo.InvariantCulture));
            else
                table.Strings(column.Name).Add(run.Labels[i]);
        }
        table.Strings(PartitionColumn.Name).Add(run.Partition);
    }
}
