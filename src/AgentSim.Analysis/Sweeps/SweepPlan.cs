using System.Text.Json;
using System.Text.Json.Serialization;
using AgentSim.Output;

namespace AgentSim.Analysis.Sweeps;

/// <summary>
/// A parameter of a sweep: its column (and partition) name, the config key it sets, and whether its values are numbers.
/// A column with <paramref name="Settings"/> is a set of named scenarios (the arms of a sensitivity study): its value is
/// a name, and it applies that name's overrides, so one column can set several keys.
/// </summary>
public sealed record SweepColumn(string Name, string Key, bool Numeric,
    // Left out of sweep.json when null, so a plain sweep's plan file is what it was before arms existed.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, IReadOnlyList<string>>? Settings = null)
{
    /// <summary>The overrides that give this column <paramref name="value"/>: <c>key=value</c>, or a named scenario's overrides.</summary>
    public IEnumerable<string> Assign(string value) =>
        Settings is null ? [$"{Key}={value}"]
        : Settings.TryGetValue(value, out var set) ? set
        : throw new SweepException($"column '{Name}' has no scenario named '{value}'");
}

/// <summary>
/// One run of a sweep. <see cref="Values"/> are the texts applied to the columns' keys (like --set values, in column
/// order); <see cref="Labels"/> the same values as written in the partition path.
/// </summary>
public sealed record PlannedRun(int Index, string RunId, int Point, int Replicate, long Seed, IReadOnlyList<string> Values,
    IReadOnlyList<string> Labels, string Partition);

/// <summary>
/// Every run of a sweep, fixed once by <c>sweep plan</c> (or the first local <c>sweep</c>) and stored in the sweep
/// directory as <see cref="FileName"/>, so every task of a cluster job runs from the same table whatever happens to
/// the config file afterwards. Runs are ordered point by point (the first parameter varies slowest), replicates innermost.
/// </summary>
public sealed partial class SweepPlan
{
    /// <summary>The plan's file in the sweep directory.</summary>
    public const string FileName = "sweep.json";

    /// <summary>Version of this file's layout.</summary>
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    /// <summary>Scenario name of the base config.</summary>
    public required string Name { get; init; }

    /// <summary>The config file as given on the command line (recorded in each run's manifest).</summary>
    public required string ConfigPath { get; init; }

    /// <summary>Directory relative paths in the config (provinces.data_file) are resolved against.</summary>
    public required string ConfigDirectory { get; init; }

    /// <summary>The command-line overrides applied to every run (--set entries, then --seed/--firms/--steps).</summary>
    public required IReadOnlyList<string> Overrides { get; init; }

    /// <summary>
    /// The resolved base config (files, extends and overrides; without the sweep section) as YAML. A run's config is
    /// this with the run's values applied as overrides and its seed set.
    /// </summary>
    public required string BaseConfigYaml { get; init; }

    /// <summary>Seed of the base config; with common random numbers, replicate r of every point gets <c>ReplicateSeed(BaseSeed, r)</c>.</summary>
    public required long BaseSeed { get; init; }

    public required bool CommonRandomNumbers { get; init; }

    public required int Replicates { get; init; }

    /// <summary>Distinct parameter points (runs / replicates).</summary>
    public required int Points { get; init; }

    public required IReadOnlyList<SweepColumn> Columns { get; init; }

    public required IReadOnlyList<PlannedRun> Runs { get; init; }

    /// <summary>The values of <paramref name="run"/> as overrides, <c>key=value</c>, in column order.</summary>
    public IReadOnlyList<string> Assignments(PlannedRun run) =>
        Columns.SelectMany((c, i) => c.Assign(run.Values[i])).ToList();

    /// <summary>"promotion_strength=1.5, pilots=p5, replicate 3": the run for people.</summary>
    public string Describe(PlannedRun run) =>
        string.Join(", ", Columns.Select((c, i) => $"{c.Name}={run.Labels[i]}").Append($"replicate {run.Replicate}"));

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions) + "\n";

    /// <summary>Reads a plan; throws <see cref="SweepException"/> when the file is missing or is not a plan this version understands.</summary>
    public static SweepPlan Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new SweepException(Directory.Exists(directory)
                ? $"'{directory}' holds no sweep plan ({FileName}); make one with 'agentsim sweep plan CONFIG --out {directory}'"
                : $"sweep directory '{directory}' does not exist");
        }
        SweepPlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<SweepPlan>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new SweepException($"'{path}' is not a sweep plan: {ex.Message}");
        }
        if (plan is null || plan.Format != CurrentFormat)
            throw new SweepException($"'{path}' has plan format {plan?.Format}, this version reads format {CurrentFormat}; make a new plan");
        // Partitions become directory names: only COLUMN=LABEL segments, so an edited plan cannot point elsewhere.
        var bad = plan.Runs.FirstOrDefault(r => r.Partition.Split('/').Any(segment => !PartitionSegment().IsMatch(segment)));
        if (bad is not null)
            throw new SweepException($"'{path}': run {bad.RunId} has an invalid partition '{bad.Partition}'; make a new plan");
        return plan;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z][a-z0-9_]*=[A-Za-z0-9._+\-]+$")]
    private static partial System.Text.RegularExpressions.Regex PartitionSegment();

    /// <summary>Writes the plan atomically into <paramref name="directory"/>.</summary>
    public Task WriteAsync(string directory, CancellationToken ct = default) =>
        AtomicFile.WriteAllTextAsync(Path.Combine(directory, FileName), ToJson(), ct);
}

/// <summary>A problem with a sweep the user can fix: no sweep section, a plan that does not match the directory, a bad task index.</summary>
public sealed class SweepException(string message) : Exception(message);
