using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentSim.Output;
using AgentSim.Output.Runs;

namespace AgentSim.Analysis.Sweeps;

/// <summary>One indicator value of a run, as stored in its <see cref="SweepRunRecord"/>.</summary>
public sealed record RunIndicator(string Name, double Value);

/// <summary>
/// <c>sweep-run.json</c> in a run's partition directory: which run this is and its indicators. Written last, before
/// the directory is renamed to its final name, so its presence (with a complete manifest) proves the run is whole.
/// </summary>
public sealed class SweepRunRecord
{
    public const string FileName = "sweep-run.json";

    public required string RunId { get; init; }
    public required int RunIndex { get; init; }
    public required int Point { get; init; }
    public required int Replicate { get; init; }
    public required long Seed { get; init; }

    /// <summary>Column name to the value applied, as in the plan.</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary>Headline and signature indicators (see docs/experiments.md), in a fixed order.</summary>
    public required IReadOnlyList<RunIndicator> Indicators { get; init; }

    /// <summary>Host that ran it (for cluster forensics).</summary>
    public string Host { get; init; } = "";

    public DateTimeOffset FinishedUtc { get; init; }

    /// <summary>
    /// Size in bytes of each table file (by file name) when the run was published; a run whose tables no longer have
    /// these sizes (truncated, replaced) is not complete. Absent in records written before it was added.
    /// </summary>
    public IReadOnlyDictionary<string, long>? TableBytes { get; init; }

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

/// <summary>What <see cref="SweepDirectory.Scan"/> found: each planned run complete or missing, and anything out of place.</summary>
/// <param name="Complete">Planned runs whose final directory holds a complete run with their id.</param>
/// <param name="Missing">Planned runs without one.</param>
/// <param name="Duplicates">Run ids found complete in more than one directory, with those directories.</param>
/// <param name="Unexpected">Complete run directories that are not where the plan puts any run (another plan's runs, moved directories).</param>
/// <param name="Incomplete">Directories at a run's final name that are not a complete run with its id.</param>
/// <param name="Temporaries">Temporary run directories left in .tmp (runs in progress, or killed).</param>
public sealed record SweepScan(
    IReadOnlyList<PlannedRun> Complete,
    IReadOnlyList<PlannedRun> Missing,
    IReadOnlyList<(string RunId, IReadOnlyList<string> Directories)> Duplicates,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> Incomplete,
    IReadOnlyList<string> Temporaries)
{
    /// <summary>Every planned run present exactly once, and nothing else under a final name.</summary>
    public bool IsComplete => Missing.Count == 0 && Duplicates.Count == 0 && Unexpected.Count == 0 && Incomplete.Count == 0;
}

/// <summary>
/// A sweep's output directory:
/// <code>
/// DIR/sweep.json                      the plan (every run: id, index, values, replicate, seed, partition)
/// DIR/runs.parquet                    the plan as a table
/// DIR/summary.parquet                 one row per complete run: id, parameters, seed, indicators
/// DIR/COL=VALUE/.../replicate=R/      a complete run: its tables, manifest.json, sweep-run.json
/// DIR/slurm/, DIR/logs/               the sbatch script and the tasks' logs
/// .DIR.sweep-tmp/RUNID.HOST.PID.RND/  next to DIR: a run being written; renamed to its partition when complete
/// </code>
/// A run is published by renaming its temporary directory to its final name, which succeeds for one execution only:
/// a run executed twice (a requeued task) is kept once, and a reader never sees half a run under a final name.
/// Runs being written live next to DIR rather than in it because DuckDB's <c>DIR/**/provinces.parquet</c> glob
/// descends into hidden directories too; being on the same file system, the rename stays atomic.
/// </summary>
public sealed class SweepDirectory
{
    /// <summary>Suffix of the temporary directory next to DIR: <c>.NAME.sweep-tmp</c>.</summary>
    public const string TempSuffix = ".sweep-tmp";
    public const string RunsFile = "runs.parquet";
    public const string SummaryFile = "summary.parquet";
    public const string SlurmFolder = "slurm";
    public const string LogsFolder = "logs";

    private readonly Dictionary<string, PlannedRun> _byId;

    public SweepDirectory(string root, SweepPlan plan)
    {
        Root = Path.GetFullPath(root);
        Plan = plan;
        _byId = plan.Runs.ToDictionary(r => r.RunId, StringComparer.Ordinal);
    }

    /// <summary>Full path of the directory.</summary>
    public string Root { get; }

    public SweepPlan Plan { get; }

    /// <summary>Where runs are written before they are complete: <c>.NAME.sweep-tmp</c> next to the sweep directory.</summary>
    public string TempRoot => Path.GetDirectoryName(Root) is { } parent
        ? Path.Combine(parent, "." + Path.GetFileName(Root) + TempSuffix)
        : Path.Combine(Root, TempSuffix);

    /// <summary>Opens a planned sweep directory.</summary>
    public static SweepDirectory Open(string root) => new(root, SweepPlan.Read(root));

    /// <summary>
    /// Uses <paramref name="root"/> for <paramref name="plan"/>: a new or empty directory gets the plan; a directory
    /// holding the same plan is resumed; anything else is refused (a different plan would mix two experiments).
    /// </summary>
    public static async Task<(SweepDirectory Directory, bool Resumed)> CreateOrResumeAsync(string root, SweepPlan plan, CancellationToken ct = default)
    {
        var full = Path.GetFullPath(root);
        if (File.Exists(full))
            throw new SweepException($"output path '{root}' is a file, not a directory");
        if (File.Exists(Path.Combine(full, SweepPlan.FileName)))
        {
            var existing = SweepPlan.Read(full);
            var differences = Differences(existing, plan);
            if (differences is not null)
                throw new SweepException($"'{root}' holds another sweep ({differences}); choose another --out, or delete the directory to start again");
            return (new SweepDirectory(full, existing), true);
        }
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any(e => !FolderLock.IsLockFile(e)))
            throw new SweepException($"output directory '{root}' is not empty and holds no sweep plan; choose another --out");
        Directory.CreateDirectory(full);
        var directory = new SweepDirectory(full, plan);
        await SweepTables.WriteRunsAsync(directory, ct).ConfigureAwait(false);
        // The plan last: its presence means the directory is fully set up.
        await plan.WriteAsync(full, ct).ConfigureAwait(false);
        return (directory, false);
    }

    /// <summary>Null when the plans describe the same runs (ids, order, partitions), otherwise how they differ.</summary>
    private static string? Differences(SweepPlan existing, SweepPlan plan)
    {
        if (existing.Runs.Count != plan.Runs.Count)
            return $"{existing.Runs.Count} runs planned there, {plan.Runs.Count} in this config";
        var differing = existing.Runs.Zip(plan.Runs).Count(p => p.First.RunId != p.Second.RunId || p.First.Partition != p.Second.Partition);
        return differing == 0 ? null : $"{differing} of its {existing.Runs.Count} runs differ from this config's";
    }

    /// <summary>The run's final directory.</summary>
    public string FinalPath(PlannedRun run) => Path.Combine(Root, run.Partition.Replace('/', Path.DirectorySeparatorChar));

    public PlannedRun? Find(string runId) => _byId.GetValueOrDefault(runId);

    /// <summary>Whether the run's final directory holds a complete run with its id.</summary>
    public bool IsComplete(PlannedRun run) => IsCompleteRun(FinalPath(run), run.RunId);

    /// <summary>A complete manifest and a record with <paramref name="runId"/> (any id when null).</summary>
    public static bool IsCompleteRun(string directory, string? runId)
    {
        var record = ReadRecord(directory);
        if (record is null || (runId is not null && record.RunId != runId))
            return false;
        try
        {
            var manifest = RunManifest.Deserialize(File.ReadAllText(Path.Combine(directory, RunManifest.FileName)));
            return manifest.Status == Manifest.StatusComplete && TablesIntact(directory, manifest, record);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Every table the manifest lists is there, has the size recorded at publish time, and starts and ends with Parquet's
    /// magic (the footer is written last, so a truncated file loses it). Cheap enough for every run of a large sweep,
    /// unlike a checksum, and it catches what happens to finished files: truncation, a partial copy, a replaced file.
    /// </summary>
    public static bool TablesIntact(string directory, Manifest manifest, SweepRunRecord record)
    {
        Span<byte> magic = stackalloc byte[4];
        foreach (var file in manifest.Files.Values)
        {
            var path = Path.Combine(directory, file);
            var info = new FileInfo(path);
            if (!info.Exists || info.Length < 12)
                return false;
            if (record.TableBytes is { } sizes && (!sizes.TryGetValue(file, out var size) || size != info.Length))
                return false;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            stream.ReadExactly(magic);
            if (!magic.SequenceEqual("PAR1"u8))
                return false;
            stream.Seek(-4, SeekOrigin.End);
            stream.ReadExactly(magic);
            if (!magic.SequenceEqual("PAR1"u8))
                return false;
        }
        return true;
    }

    /// <summary>The run record in <paramref name="directory"/>, or null when it is missing or unreadable.</summary>
    public static SweepRunRecord? ReadRecord(string directory)
    {
        try
        {
            var path = Path.Combine(directory, SweepRunRecord.FileName);
            return File.Exists(path) ? JsonSerializer.Deserialize<SweepRunRecord>(File.ReadAllText(path), SweepRunRecord.JsonOptions) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A fresh temporary directory name for a run, naming this host and process so leftovers can be attributed.</summary>
    public string NewTempPath(PlannedRun run) =>
        Path.Combine(TempRoot, string.Create(CultureInfo.InvariantCulture,
            $"{run.RunId}.{HostName}.{Environment.ProcessId}.{Path.GetFileNameWithoutExtension(Path.GetRandomFileName())}"));

    /// <summary>
    /// Looks at every run directory: which planned runs are complete, which are missing, and whether any run id is
    /// present twice or any directory is out of place.
    /// </summary>
    public SweepScan Scan()
    {
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var file in Directory.EnumerateFiles(Root, SweepRunRecord.FileName, options))
        {
            var directory = Path.GetDirectoryName(file)!;
            var record = ReadRecord(directory);
            if (record is null || !IsCompleteRun(directory, record.RunId))
                continue;
            if (!found.TryGetValue(record.RunId, out var list))
                found[record.RunId] = list = new List<string>();
            list.Add(directory);
        }
        var complete = new List<PlannedRun>();
        var missing = new List<PlannedRun>();
        var incomplete = new List<string>();
        foreach (var run in Plan.Runs)
        {
            var final = FinalPath(run);
            if (found.TryGetValue(run.RunId, out var places) && places.Contains(final))
                complete.Add(run);
            else
            {
                missing.Add(run);
                if (Directory.Exists(final))
                    incomplete.Add(final);
            }
        }
        foreach (var (runId, places) in found)
        {
            var run = Find(runId);
            unexpected.AddRange(run is null ? places : places.Where(p => p != FinalPath(run)));
        }
        var duplicates = found.Where(kv => kv.Value.Count > 1)
            .Select(kv => (kv.Key, (IReadOnlyList<string>)kv.Value.Order(StringComparer.Ordinal).ToList()))
            .OrderBy(d => d.Key, StringComparer.Ordinal)
            .ToList();
        var temporaries = Directory.Exists(TempRoot)
            ? Directory.EnumerateDirectories(TempRoot).Order(StringComparer.Ordinal).ToList()
            : [];
        return new SweepScan(complete, missing, duplicates, unexpected.Order(StringComparer.Ordinal).ToList(), incomplete, temporaries);
    }

    /// <summary>
    /// Removes temporary run directories that can no longer become runs: those of processes on this host that have
    /// ended (a killed task, a Ctrl+C'd sweep). Directories of live processes and of other hosts are left alone (a
    /// task elsewhere may still be writing them). Returns how many were removed.
    /// </summary>
    public int RemoveStaleTemporaries()
    {
        if (!Directory.Exists(TempRoot))
            return 0;
        var removed = 0;
        foreach (var path in Directory.EnumerateDirectories(TempRoot).ToList())
        {
            var parts = Path.GetFileName(path).Split('.');
            if (parts.Length != 4 || parts[1] != HostName
                || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (pid != Environment.ProcessId && !IsAlive(pid) && TryDeleteDirectory(path))
                removed++;
        }
        RemoveTempRootIfEmpty();
        return removed;
    }

    /// <summary>Removes the temporary directory next to DIR when nothing is being written there.</summary>
    public void RemoveTempRootIfEmpty()
    {
        try
        {
            if (Directory.Exists(TempRoot) && !Directory.EnumerateFileSystemEntries(TempRoot).Any())
                Directory.Delete(TempRoot);
        }
        catch (IOException)
        {
            // Another task has just started a run there.
        }
    }

    /// <summary>Best-effort recursive delete; false when something was left.</summary>
    public static bool TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>This machine's name, with dots (which separate the parts of temporary names) replaced.</summary>
    public static string HostName { get; } = SafeHostName();

    private static string SafeHostName()
    {
        var name = Environment.MachineName;
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-').ToArray());
        return safe.Length == 0 ? "host" : safe;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
