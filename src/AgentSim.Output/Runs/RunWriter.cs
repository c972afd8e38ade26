using System.Diagnostics;
using System.Reflection;
using AgentSim.Model;
using AgentSim.Output.Tables;

namespace AgentSim.Output.Runs;

/// <summary>
/// Runs one simulation and writes its run directory: the tables of docs/outputs.md and <c>manifest.json</c>.
/// The manifest is written first with status "incomplete" and rewritten with "complete" only after every table has
/// been completed (fsync and rename), so an interrupted run is recognisable, and no table ever appears under its
/// final name unless it is whole. Parquet encoding runs on background writers while the simulation continues.
/// </summary>
public static class RunWriter
{
    /// <summary>Rows buffered per table before they are handed over as one row group; bounds memory on long runs.</summary>
    public const int RowGroupRows = 1 << 16;

    /// <summary>Largest firms row group: a snapshot of more firms is split so a buffer never holds millions of rows.</summary>
    public const int FirmRowGroupRows = 1 << 20;

    /// <summary>
    /// Runs the burn-in (not recorded), then <c>Config.Steps</c> quarters, appending each quarter's rows.
    /// Throws <see cref="OutputException"/> for an unusable output directory, the model's
    /// <see cref="Model.State.InputException"/> for bad input, and <see cref="OperationCanceledException"/> when
    /// cancelled; in every failure case the manifest keeps status "incomplete" and unfinished tables are deleted.
    /// </summary>
    public static async Task<RunResult> RunAsync(RunRequest request, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Config);
        ArgumentNullException.ThrowIfNull(request.Provinces);
        var clock = Stopwatch.StartNew();
        var config = request.Config;
        var directory = PrepareDirectory(request.OutputDirectory, request.Force);
        var manifestPath = Path.Combine(directory, RunManifest.FileName);
        var manifest = new Manifest
        {
            Status = Manifest.StatusIncomplete,
            Version = Version(),
            GitCommit = Manifest.TryGetGitCommit(AppContext.BaseDirectory),
            ConfigPath = request.ConfigPath,
            ResolvedConfigYaml = request.ResolvedConfigYaml,
            Seed = config.Seed,
            Threads = request.Threads > 0 ? request.Threads : config.Threads,
            Firms = config.Firms,
            Steps = config.Steps,
            StartedUtc = DateTimeOffset.UtcNow,
        };
        await WriteManifestAsync(manifestPath, manifest, ct).ConfigureAwait(false);
        progress?.Report(new RunProgress(RunPhase.Initialising, 0, config.Steps, config.Firms, clock.Elapsed));

        var timings = new Timings();
        var phase = Stopwatch.StartNew();
        using var sim = new Simulation(config, request.Provinces, request.Threads);
        manifest.Threads = sim.Threads;
        timings.Init = phase.Elapsed.TotalSeconds;

        phase.Restart();
        var burnIn = -sim.Step;
        for (var done = 1; sim.Step < 0; done++)
        {
            ct.ThrowIfCancellationRequested();
            sim.Advance();
            progress?.Report(new RunProgress(RunPhase.BurnIn, done, burnIn, HeadlineTracker.FirmsAlive(sim), clock.Elapsed));
        }
        timings.BurnIn = phase.Elapsed.TotalSeconds;

        var headlines = new HeadlineTracker(sim, config.Steps);
        headlines.CaptureBase();
        var tables = new RunTableSet(sim, directory);
        try
        {
            await tables.OpenAsync(ct).ConfigureAwait(false);
            var lastStep = config.Steps - 1;
            var simulate = new Stopwatch();
            var write = new Stopwatch();
            for (var step = 0; step < config.Steps; step++)
            {
                ct.ThrowIfCancellationRequested();
                simulate.Start();
                sim.Advance();
                simulate.Stop();
                write.Start();
                headlines.Record();
                request.OnStep?.Invoke(sim);
                await tables.AppendStepAsync(step, lastStep, ct).ConfigureAwait(false);
                write.Stop();
                progress?.Report(new RunProgress(RunPhase.Simulating, step + 1, config.Steps, HeadlineTracker.FirmsAlive(sim), clock.Elapsed));
            }
            ct.ThrowIfCancellationRequested();
            progress?.Report(new RunProgress(RunPhase.Finishing, config.Steps, config.Steps, HeadlineTracker.FirmsAlive(sim), clock.Elapsed));
            write.Start();
            await tables.CompleteAsync(ct).ConfigureAwait(false);
            write.Stop();
            timings.Steps = simulate.Elapsed.TotalSeconds;
            timings.Write = write.Elapsed.TotalSeconds;
        }
        finally
        {
            await tables.DisposeAsync().ConfigureAwait(false);
        }

        timings.Total = clock.Elapsed.TotalSeconds;
        manifest.Status = Manifest.StatusComplete;
        manifest.FinishedUtc = DateTimeOffset.UtcNow;
        manifest.TimingsSeconds = timings.ToDictionary();
        manifest.RowCounts = tables.RowCounts();
        manifest.Files = tables.Files();
        await WriteManifestAsync(manifestPath, manifest, ct).ConfigureAwait(false);

        var files = new Dictionary<string, string>();
        foreach (var (table, file) in manifest.Files)
        {
            files[table] = Path.Combine(directory, file);
        }
        return new RunResult(directory, manifestPath, files, manifest.RowCounts, manifest.TimingsSeconds, sim.Threads, headlines.Result());
    }

    /// <summary>
    /// Makes sure the run directory exists and holds no previous run. With <paramref name="force"/>, only files a run
    /// writes are removed (never the whole directory: a mistyped --out must not wipe unrelated data).
    /// </summary>
    private static string PrepareDirectory(string outputDirectory, bool force)
    {
        if (string.IsNullOrWhiteSpace(outputDirectory))
        {
            throw new OutputException("no output directory given");
        }
        string directory;
        try
        {
            directory = Path.GetFullPath(outputDirectory);
            if (File.Exists(directory))
            {
                throw new OutputException($"output path '{outputDirectory}' is a file, not a directory");
            }
            if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            {
                if (!force)
                {
                    throw new OutputException(
                        $"output directory '{outputDirectory}' is not empty; choose another directory or force the run to replace the previous one (--force)");
                }
                RemovePreviousRun(directory);
            }
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OutputException($"cannot use output directory '{outputDirectory}': {ex.Message}", ex);
        }
        return directory;
    }

    private static void RemovePreviousRun(string directory)
    {
        var names = new List<string> { RunManifest.FileName };
        foreach (var table in TableNames.All)
        {
            names.Add(TableNames.FileName(table));
        }
        foreach (var name in names)
        {
            File.Delete(Path.Combine(directory, name));
            foreach (var temp in Directory.EnumerateFiles(directory, "." + name + ".*.tmp"))
            {
                File.Delete(temp);
            }
        }
    }

    private static async Task WriteManifestAsync(string path, Manifest manifest, CancellationToken ct)
    {
        try
        {
            await RunManifest.WriteAsync(path, manifest, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"cannot write '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>The simulator's version without the build metadata suffix (the commit is recorded separately).</summary>
    private static string Version()
    {
        var informational = typeof(RunWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return typeof(RunWriter).Assembly.GetName().Version?.ToString() ?? "";
        }
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }

    /// <summary>Wall-clock seconds per phase; "write" is time the simulation thread spent on outputs (encoding overlaps the run).</summary>
    private sealed class Timings
    {
        public double Init, BurnIn, Steps, Write, Total;

        public Dictionary<string, double> ToDictionary() => new()
        {
            ["init"] = Init,
            ["burn_in"] = BurnIn,
            ["steps"] = Steps,
            ["write"] = Write,
            ["total"] = Total,
        };
    }
}
