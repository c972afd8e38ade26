using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.Checkpoints;
using AgentSim.Model.Guards;
using AgentSim.Model.State;
using AgentSim.Output.Tables;

namespace AgentSim.Output.Runs;

/// <summary>
/// Runs one simulation and writes its run directory: the tables of docs/outputs.md and <c>manifest.json</c>.
/// The manifest is written first with status "incomplete" and rewritten with "complete" only after every table has
/// been completed (fsync and rename), so an interrupted run is recognisable, and no table ever appears under its
/// final name unless it is whole. Parquet encoding runs on background writers while the simulation continues.
/// <para>
/// With <see cref="RunRequest.CheckpointEvery"/> the run also writes checkpoints (see <see cref="RunCheckpoint"/>) and
/// its tables in parts, so that <see cref="ResumeAsync"/> continues an interrupted run to the same tables an
/// uninterrupted run writes. Every quarter passes the <see cref="InvariantGuard"/>; a violation stops the run with
/// <see cref="InvariantViolationException"/>, keeping the quarters before it (see docs/reliability.md).
/// </para>
/// </summary>
public static class RunWriter
{
    /// <summary>Rows buffered per table before they are handed over as one row group; bounds memory on long runs.</summary>
    public const int RowGroupRows = 1 << 16;

    /// <summary>Largest firms row group: a snapshot of more firms is split so a buffer never holds millions of rows.</summary>
    public const int FirmRowGroupRows = 1 << 20;

    /// <summary>Bytes of one buffered firms row (19 columns: ten doubles, seven int32 values and codes, two bools), rounded up.</summary>
    private const long FirmRowBytes = 112;

    /// <summary>
    /// Runs the burn-in (not recorded), then <c>Config.Steps</c> quarters, appending each quarter's rows.
    /// Throws <see cref="OutputException"/> for an unusable output directory, the model's
    /// <see cref="InputException"/> for bad input, <see cref="MemoryLimitException"/> when the run cannot fit in memory
    /// (before anything is written), <see cref="InvariantViolationException"/> when a quarter breaks an invariant, and
    /// <see cref="OperationCanceledException"/> when cancelled; in every failure case the manifest keeps status
    /// "incomplete" and no partial table appears under a final name.
    /// </summary>
    public static async Task<RunResult> RunAsync(RunRequest request, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Config);
        ArgumentNullException.ThrowIfNull(request.Provinces);
        ArgumentOutOfRangeException.ThrowIfNegative(request.CheckpointEvery);
        var clock = Stopwatch.StartNew();
        var config = request.Config;
        EnsureMemory(config, request.Provinces.Count);
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
        var guard = new InvariantGuard(sim, request.FirmChecksEvery);

        phase.Restart();
        var burnIn = -sim.Step;
        try
        {
            for (var done = 1; sim.Step < 0; done++)
            {
                ct.ThrowIfCancellationRequested();
                sim.Advance();
                guard.Check();
                progress?.Report(new RunProgress(RunPhase.BurnIn, done, burnIn, HeadlineTracker.FirmsAlive(sim), clock.Elapsed));
            }
        }
        catch (InvariantViolationException ex)
        {
            manifest.Error = ex.Message;
            await WriteManifestAsync(manifestPath, manifest, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        timings.BurnIn = phase.Elapsed.TotalSeconds;

        var headlines = new HeadlineTracker(sim, config.Steps);
        headlines.CaptureBase();
        var session = new Session(directory, manifest, sim, guard, headlines, new RunTableSet(sim, directory), request.Provinces,
            request.CheckpointEvery, request.OnStep, timings, clock, progress);
        return await SimulateAsync(session, 0, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Continues an interrupted checkpointed run from its last checkpoint, to the tables an uninterrupted run writes.
    /// Throws <see cref="OutputException"/> when the directory holds no interrupted run (no manifest, or a complete one),
    /// and <see cref="CheckpointException"/> when there is no usable checkpoint: none, truncated or damaged (checksum),
    /// another format version, another config or provinces data, or a table part missing or altered. Other failures
    /// are as for <see cref="RunAsync"/>.
    /// </summary>
    public static async Task<RunResult> ResumeAsync(ResumeRequest request, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var (directory, manifestPath, manifest) = ReadInterruptedRun(request.OutputDirectory);
        var config = request.Config ?? ConfigFromManifest(manifest, manifestPath);
        var checkpoints = RunCheckpoint.List(directory);
        if (checkpoints.Count == 0)
        {
            throw new CheckpointException(
                $"no checkpoint to resume from in '{Path.Combine(request.OutputDirectory, RunCheckpoint.DirectoryName)}' (checkpoints are written by 'run ... --checkpoint-every K'); restart the run from the beginning with 'agentsim run CONFIG --out {request.OutputDirectory} --force'");
        }
        var (step, path) = checkpoints[0];
        var header = RunCheckpoint.Open(path);
        var name = Path.Combine(RunCheckpoint.DirectoryName, Path.GetFileName(path));
        if (header.Step != step || header.Steps != config.Steps || step <= 0 || step >= config.Steps)
        {
            throw new CheckpointException($"checkpoint '{name}' does not belong to this run (step {header.Step} of {header.Steps}, the run has {config.Steps} quarters)");
        }
        var configHash = RunCheckpoint.ConfigHash(config);
        if (header.ConfigSha256 != configHash)
        {
            throw new CheckpointException(
                $"checkpoint '{name}' was written for a different configuration (config SHA-256 {header.ConfigSha256[..Math.Min(12, header.ConfigSha256.Length)]}…, this config {configHash[..12]}…); resume with the config the run was started with, or restart it with --force");
        }
        if (manifest.Seed != config.Seed)
        {
            // The seed shown in the manifest must be the one the run uses; the recorded config (checked against the
            // checkpoint's hash below) is the truth, so a manifest whose seed disagrees with it was edited.
            throw new CheckpointException(
                $"'{manifestPath}' says seed {manifest.Seed}, but the run's recorded config (and its checkpoint) has seed {config.Seed}: the manifest was edited; restore it, or restart the run with --force");
        }
        var timings = new Timings();
        var phase = Stopwatch.StartNew();
        progress?.Report(new RunProgress(RunPhase.Initialising, step, config.Steps, config.Firms, clock.Elapsed));

        Simulation? sim = null;
        Session? session = null;
        try
        {
            RunCheckpoint.ReadPayload(path, reader =>
            {
                RunCheckpoint.ReadSection(reader, "provinces");
                var provinces = RunCheckpoint.ReadProvinces(reader);
                var provincesHash = RunCheckpoint.ProvincesHash(provinces);
                if (provincesHash != header.ProvincesSha256)
                {
                    throw new CheckpointException($"checkpoint '{name}' is damaged: its provinces data does not match its header");
                }
                if (request.Provinces is not null && RunCheckpoint.ProvincesHash(request.Provinces) != provincesHash)
                {
                    throw new CheckpointException($"checkpoint '{name}' was written for different provinces data; resume with the data the run was started with, or restart it with --force");
                }
                EnsureMemory(config, provinces.Count);
                sim = new Simulation(config, provinces, request.Threads > 0 ? request.Threads : config.Threads);
                RunCheckpoint.ReadSection(reader, "engine");
                sim.ReadState(reader);
                if (sim.Step != step)
                {
                    throw new CheckpointException($"checkpoint '{name}' is damaged: its state is at step {sim.Step}, its name says {step}");
                }
                var headlines = new HeadlineTracker(sim, config.Steps);
                RunCheckpoint.ReadSection(reader, "headlines");
                StateSerializer.Read(reader, headlines, StateSerializer.Mode.Lenient);
                var tables = new RunTableSet(sim, directory);
                RunCheckpoint.ReadSection(reader, "tables");
                var sources = tables.Sources.ToList();
                var count = reader.ReadInt32();
                if (count != sources.Count)
                {
                    throw new CheckpointException($"checkpoint '{name}' holds {count} tables, this run has {sources.Count}");
                }
                foreach (var (table, source) in sources)
                {
                    var found = reader.ReadString();
                    if (found != table)
                    {
                        throw new CheckpointException($"checkpoint '{name}' holds table '{found}' where this build expects '{table}'");
                    }
                    StateSerializer.Read(reader, source, StateSerializer.Mode.Lenient);
                }
                RunCheckpoint.ReadSection(reader, "end");
                session = new Session(directory, manifest, sim, new InvariantGuard(sim, request.FirmChecksEvery), headlines, tables, provinces,
                    request.CheckpointEvery ?? header.CheckpointEvery, request.OnStep, timings, clock, progress);
            });
            PrepareParts(directory, header.Segments, name);
            session!.Tables.RestoreSegments(header.Segments);
            timings.Init = phase.Elapsed.TotalSeconds;
            manifest.Threads = sim!.Threads;
            manifest.ResumedFromStep = step;
            manifest.Error = null;
            manifest.Status = Manifest.StatusIncomplete;
            await WriteManifestAsync(manifestPath, manifest, ct).ConfigureAwait(false);
            return await SimulateAsync(session, step, ct).ConfigureAwait(false);
        }
        finally
        {
            sim?.Dispose();
        }
    }

    /// <summary>
    /// Estimated peak memory of one run of <paramref name="config"/> (engine state and scratch, officials' history, output
    /// buffers), without the runtime's fixed allowance. Multiply by the runs that share the process.
    /// </summary>
    public static long EstimateBytes(SimulationConfig config, int provinces)
    {
        ArgumentNullException.ThrowIfNull(config);
        long bytes = MemoryEstimate.SimulationBytes(config, provinces);
        if (config.Output.FirmsEvery > 0)
        {
            long slots = (long)config.Firms + config.Firms / 5 + 64;
            long rows = Math.Min(slots, config.Output.FirmsSample > 0 ? config.Output.FirmsSample : long.MaxValue);
            rows = Math.Min(rows, FirmRowGroupRows);
            // The table's buffer and the writer's two spares, each sized once for a row group.
            bytes += rows * FirmRowBytes * 3;
        }
        return bytes;
    }

    /// <summary>Refuses (<see cref="MemoryLimitException"/>) a run whose estimate exceeds the memory available.</summary>
    public static void EnsureMemory(SimulationConfig config, int provinces, int concurrentRuns = 1)
    {
        ArgumentNullException.ThrowIfNull(config);
        var runs = Math.Max(1, concurrentRuns);
        var what = runs == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{config.Firms:N0} firms")
            : string.Create(CultureInfo.InvariantCulture, $"{runs} runs of {config.Firms:N0} firms at once");
        MemoryEstimate.EnsureFits(checked(EstimateBytes(config, provinces) * runs), what);
    }

    /// <summary>The recorded quarters and everything after them: shared by a fresh run and a resumed one.</summary>
    private static async Task<RunResult> SimulateAsync(Session s, int startStep, CancellationToken ct)
    {
        var sim = s.Sim;
        var config = sim.Config;
        var tables = s.Tables;
        var timings = s.Timings;
        var lastStep = config.Steps - 1;
        var simulate = new Stopwatch();
        var write = new Stopwatch();
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? diskFailure = null;
        try
        {
            // Opening the tables (files, and buffers sized for a firm snapshot) is output work on this thread: timed as such.
            write.Start();
            if (s.CheckpointEvery > 0 || tables.Segmented)
            {
                // A resumed run continues in parts (the earlier ones are joined at the end), even with no further checkpoints.
                var to = s.CheckpointEvery > 0 ? NextCheckpoint(startStep, s.CheckpointEvery, config.Steps) : config.Steps;
                await tables.OpenSegmentAsync(startStep, to, ct).ConfigureAwait(false);
            }
            else
            {
                await tables.OpenAsync(ct).ConfigureAwait(false);
            }
            write.Stop();
            for (var step = startStep; step < config.Steps; step++)
            {
                ct.ThrowIfCancellationRequested();
                simulate.Start();
                sim.Advance();
                simulate.Stop();
                s.OnStep?.Invoke(sim);
                s.Guard.Check();
                write.Start();
                s.Headlines.Record();
                await tables.AppendStepAsync(step, lastStep, ct).ConfigureAwait(false);
                if (s.CheckpointEvery > 0 && (step + 1) % s.CheckpointEvery == 0 && step < lastStep)
                {
                    await CheckpointAsync(s, step + 1, ct).ConfigureAwait(false);
                }
                write.Stop();
                s.Progress?.Report(new RunProgress(RunPhase.Simulating, step + 1, config.Steps, HeadlineTracker.FirmsAlive(sim), s.Clock.Elapsed));
            }
            ct.ThrowIfCancellationRequested();
            s.Progress?.Report(new RunProgress(RunPhase.Finishing, config.Steps, config.Steps, HeadlineTracker.FirmsAlive(sim), s.Clock.Elapsed));
            write.Start();
            await tables.CompleteAsync(ct).ConfigureAwait(false);
            write.Stop();
            timings.Steps = simulate.Elapsed.TotalSeconds;
            timings.Write = write.Elapsed.TotalSeconds;
        }
        catch (InvariantViolationException ex)
        {
            await KeepWhatWasWrittenAsync(s, ex).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex) when (EnvironmentErrors.Describe(ex) is { } sentence)
        {
            s.Manifest.Error = sentence;
            diskFailure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
        }
        finally
        {
            await tables.DisposeAsync().ConfigureAwait(false);
        }
        if (diskFailure is not null)
        {
            // A full or read-only disk: the manifest says why the run stopped, if there is room to say it once the
            // tables' temporary files are gone.
            try
            {
                await WriteManifestAsync(Path.Combine(s.Directory, RunManifest.FileName), s.Manifest, CancellationToken.None).ConfigureAwait(false);
            }
            catch (OutputException)
            {
            }
            diskFailure.Throw();
        }

        var manifest = s.Manifest;
        var manifestPath = Path.Combine(s.Directory, RunManifest.FileName);
        timings.Total = s.Clock.Elapsed.TotalSeconds;
        manifest.Status = Manifest.StatusComplete;
        manifest.FinishedUtc = DateTimeOffset.UtcNow;
        manifest.TimingsSeconds = timings.ToDictionary();
        manifest.RowCounts = tables.RowCounts();
        manifest.Files = tables.Files();
        await WriteManifestAsync(manifestPath, manifest, ct).ConfigureAwait(false);
        if (tables.Segmented)
        {
            // The tables are whole and the manifest says so: the checkpoints and parts have served their purpose.
            RemoveCheckpoints(s.Directory);
        }

        var files = new Dictionary<string, string>();
        foreach (var (table, file) in manifest.Files)
        {
            files[table] = Path.Combine(s.Directory, file);
        }
        return new RunResult(s.Directory, manifestPath, files, manifest.RowCounts, manifest.TimingsSeconds, sim.Threads, s.Headlines.Result());
    }

    /// <summary>
    /// After a broken invariant: the tables are completed with the quarters before the failing one (those passed every
    /// check), under their final names, and the manifest records the error and keeps status "incomplete".
    /// </summary>
    private static async Task KeepWhatWasWrittenAsync(Session s, InvariantViolationException violation)
    {
        var manifest = s.Manifest;
        manifest.Error = violation.Message;
        try
        {
            await s.Tables.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            manifest.RowCounts = s.Tables.RowCounts();
            manifest.Files = s.Tables.Files();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OutputException or InvalidOperationException)
        {
            manifest.Error += $" (the tables so far could not be completed: {ex.Message})";
        }
        manifest.TimingsSeconds = s.Timings.ToDictionary();
        await WriteManifestAsync(Path.Combine(s.Directory, RunManifest.FileName), manifest, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Completes the current table parts, writes the checkpoint for <paramref name="step"/>, prunes old ones, opens the next parts.</summary>
    private static async Task CheckpointAsync(Session s, int step, CancellationToken ct)
    {
        var tables = s.Tables;
        await tables.CompleteSegmentAsync(ct).ConfigureAwait(false);
        var header = new CheckpointHeader
        {
            FormatVersion = RunCheckpoint.FormatVersion,
            Step = step,
            Steps = s.Sim.Config.Steps,
            CheckpointEvery = s.CheckpointEvery,
            ConfigSha256 = s.ConfigHash,
            ProvincesSha256 = RunCheckpoint.ProvincesHash(s.Provinces),
            Version = Version(),
            CreatedUtc = DateTimeOffset.UtcNow,
            Segments = tables.Segments.ToList(),
        };
        var path = Path.Combine(s.Directory, RunCheckpoint.DirectoryName, RunCheckpoint.FileName(step));
        try
        {
            await RunCheckpoint.WriteAsync(path, header, writer => WritePayload(writer, s), ct).ConfigureAwait(false);
            foreach (var (_, old) in RunCheckpoint.List(s.Directory).Skip(RunCheckpoint.Keep))
            {
                File.Delete(old);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"cannot write checkpoint '{path}': {ex.Message}", ex);
        }
        await tables.OpenSegmentAsync(step, NextCheckpoint(step, s.CheckpointEvery, s.Sim.Config.Steps), ct).ConfigureAwait(false);
    }

    private static void WritePayload(BinaryWriter writer, Session s)
    {
        RunCheckpoint.WriteSection(writer, "provinces");
        RunCheckpoint.WriteProvinces(writer, s.Provinces);
        RunCheckpoint.WriteSection(writer, "engine");
        s.Sim.WriteState(writer);
        RunCheckpoint.WriteSection(writer, "headlines");
        StateSerializer.Write(writer, s.Headlines, StateSerializer.Mode.Lenient);
        RunCheckpoint.WriteSection(writer, "tables");
        var sources = s.Tables.Sources.ToList();
        writer.Write(sources.Count);
        foreach (var (table, source) in sources)
        {
            writer.Write(table);
            StateSerializer.Write(writer, source, StateSerializer.Mode.Lenient);
        }
        RunCheckpoint.WriteSection(writer, "end");
    }

    private static int NextCheckpoint(int from, int every, int steps) => Math.Min(from - from % every + every, steps);

    /// <summary>Checks the parts a checkpoint lists (present, unaltered) and removes every other file under checkpoint/parts.</summary>
    private static void PrepareParts(string directory, IReadOnlyList<TableSegment> segments, string checkpointName)
    {
        var parts = Path.Combine(directory, RunCheckpoint.DirectoryName, RunCheckpoint.PartsDirectoryName);
        EnsureNotLink(Path.Combine(directory, RunCheckpoint.DirectoryName), directory);
        EnsureNotLink(parts, directory);
        var listed = new HashSet<string>(segments.Select(s => s.File), StringComparer.Ordinal);
        foreach (var segment in segments)
        {
            var path = Path.Combine(parts, segment.File);
            if (segment.File.Contains('/') || segment.File.Contains('\\') || !File.Exists(path))
            {
                throw new CheckpointException(
                    $"table part '{segment.File}' that checkpoint '{checkpointName}' needs is missing; the run cannot be resumed: restart it with --force");
            }
            if (RunCheckpoint.FileHash(path) != segment.Sha256)
            {
                throw new CheckpointException(
                    $"table part '{segment.File}' that checkpoint '{checkpointName}' needs has been altered (checksum mismatch); the run cannot be resumed: restart it with --force");
            }
        }
        if (Directory.Exists(parts))
        {
            foreach (var file in Directory.EnumerateFiles(parts))
            {
                if (!listed.Contains(Path.GetFileName(file)))
                {
                    File.Delete(file);
                }
            }
        }
        foreach (var temp in Directory.EnumerateFiles(Path.Combine(directory, RunCheckpoint.DirectoryName), ".*.tmp"))
        {
            File.Delete(temp);
        }
    }

    private static (string Directory, string ManifestPath, Manifest Manifest) ReadInterruptedRun(string outputDirectory)
    {
        if (string.IsNullOrWhiteSpace(outputDirectory))
        {
            throw new OutputException("no run directory given");
        }
        string directory;
        try
        {
            directory = Path.GetFullPath(outputDirectory);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or IOException)
        {
            throw new OutputException($"cannot use run directory '{outputDirectory}': {ex.Message}", ex);
        }
        if (!Directory.Exists(directory))
        {
            throw new OutputException($"there is no run directory '{outputDirectory}'");
        }
        var manifestPath = Path.Combine(directory, RunManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new OutputException($"'{outputDirectory}' holds no {RunManifest.FileName}, so it is not a run directory; nothing to resume");
        }
        Manifest manifest;
        try
        {
            manifest = RunManifest.Deserialize(File.ReadAllText(manifestPath));
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new OutputException($"cannot read '{manifestPath}': {ex.Message}", ex);
        }
        if (manifest.Status == Manifest.StatusComplete)
        {
            throw new OutputException($"the run in '{outputDirectory}' is already complete; nothing to resume");
        }
        return (directory, manifestPath, manifest);
    }

    /// <summary>The run's config as recorded in its manifest (the resolved YAML, which reloads to the same config).</summary>
    public static SimulationConfig ConfigFromManifest(Manifest manifest, string manifestPath)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (string.IsNullOrWhiteSpace(manifest.ResolvedConfigYaml))
        {
            throw new OutputException($"'{manifestPath}' records no resolved config; the run cannot be resumed from it");
        }
        return ConfigLoader.LoadFromString(manifest.ResolvedConfigYaml, manifestPath).Config;
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
            if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any(e => !FolderLock.IsLockFile(e)))
            {
                if (!force)
                {
                    throw new OutputException(NonEmptyMessage(outputDirectory, directory));
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

    /// <summary>The refusal for a non-empty directory, with the choices when it holds an interrupted run.</summary>
    private static string NonEmptyMessage(string outputDirectory, string directory)
    {
        var manifestPath = Path.Combine(directory, RunManifest.FileName);
        Manifest? previous = null;
        try
        {
            previous = File.Exists(manifestPath) ? RunManifest.Deserialize(File.ReadAllText(manifestPath)) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
        }
        if (previous is not null && previous.Status != Manifest.StatusComplete)
        {
            var checkpoints = RunCheckpoint.List(directory);
            return checkpoints.Count > 0
                ? $"output directory '{outputDirectory}' holds an interrupted run (checkpoint at step {checkpoints[0].Step}); continue it with 'agentsim resume {outputDirectory}' (or 'run ... --resume'), or restart it from the beginning with --force"
                : $"output directory '{outputDirectory}' holds an interrupted run without a checkpoint; restart it with --force, or choose another directory";
        }
        return $"output directory '{outputDirectory}' is not empty; choose another directory or force the run to replace the previous one (--force)";
    }

    private static void RemovePreviousRun(string directory)
    {
        // Checked before anything is deleted, so a refusal leaves the previous run whole.
        EnsureNotLink(Path.Combine(directory, RunCheckpoint.DirectoryName), directory);
        EnsureNotLink(Path.Combine(directory, RunCheckpoint.DirectoryName, RunCheckpoint.PartsDirectoryName), directory);
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
        RemoveCheckpoints(directory);
    }

    /// <summary>
    /// Refuses a folder the run would delete files in when it is a symbolic link: its files are not in the run folder,
    /// and deleting "the run's files" through it would delete someone else's.
    /// </summary>
    private static void EnsureNotLink(string path, string runDirectory)
    {
        var info = new DirectoryInfo(path);
        if (info.Exists && info.LinkTarget is not null)
        {
            throw new OutputException(
                $"'{Path.GetRelativePath(runDirectory, path)}' in '{runDirectory}' is a symbolic link (to {info.LinkTarget}); AgentSim never deletes through a link: remove the link, then rerun");
        }
    }

    /// <summary>Removes the checkpoints and table parts a run wrote (only those files, then the directories if empty).</summary>
    private static void RemoveCheckpoints(string directory)
    {
        var checkpoints = Path.Combine(directory, RunCheckpoint.DirectoryName);
        var parts = Path.Combine(checkpoints, RunCheckpoint.PartsDirectoryName);
        EnsureNotLink(checkpoints, directory);
        EnsureNotLink(parts, directory);
        try
        {
            if (Directory.Exists(parts))
            {
                foreach (var file in Directory.EnumerateFiles(parts, "*.parquet").Concat(Directory.EnumerateFiles(parts, ".*.tmp")))
                {
                    File.Delete(file);
                }
                if (!Directory.EnumerateFileSystemEntries(parts).Any())
                {
                    Directory.Delete(parts);
                }
            }
            if (Directory.Exists(checkpoints))
            {
                foreach (var file in Directory.EnumerateFiles(checkpoints, "step-*.ckpt").Concat(Directory.EnumerateFiles(checkpoints, ".*.tmp")))
                {
                    File.Delete(file);
                }
                if (!Directory.EnumerateFileSystemEntries(checkpoints).Any())
                {
                    Directory.Delete(checkpoints);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"cannot remove the checkpoints in '{checkpoints}': {ex.Message}", ex);
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

    /// <summary>Everything the quarter loop needs, for a fresh or a resumed run.</summary>
    private sealed class Session(
        string directory,
        Manifest manifest,
        Simulation sim,
        InvariantGuard guard,
        HeadlineTracker headlines,
        RunTableSet tables,
        IReadOnlyList<ProvinceRow> provinces,
        int checkpointEvery,
        Action<Simulation>? onStep,
        Timings timings,
        Stopwatch clock,
        IProgress<RunProgress>? progress)
    {
        public string Directory { get; } = directory;
        public Manifest Manifest { get; } = manifest;
        public Simulation Sim { get; } = sim;
        public InvariantGuard Guard { get; } = guard;
        public HeadlineTracker Headlines { get; } = headlines;
        public RunTableSet Tables { get; } = tables;
        public IReadOnlyList<ProvinceRow> Provinces { get; } = provinces;
        public int CheckpointEvery { get; } = checkpointEvery;
        public Action<Simulation>? OnStep { get; } = onStep;
        public Timings Timings { get; } = timings;
        public Stopwatch Clock { get; } = clock;
        public IProgress<RunProgress>? Progress { get; } = progress;
        public string ConfigHash { get; } = checkpointEvery > 0 ? RunCheckpoint.ConfigHash(sim.Config) : "";
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
