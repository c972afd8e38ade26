using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.Guards;
using AgentSim.Model.State;
using AgentSim.Output;
using AgentSim.Output.Runs;

namespace AgentSim.Analysis.Sweeps;

/// <summary>What happened to one run.</summary>
public enum RunOutcome
{
    /// <summary>It ran and its directory was published under its final name.</summary>
    Completed,
    /// <summary>It was already complete; nothing was done.</summary>
    Skipped,
    /// <summary>It ran, but another execution of the same run published first; this copy was discarded.</summary>
    Duplicate,
    /// <summary>It failed; see the message.</summary>
    Failed,
}

/// <summary>Progress of a batch of sweep runs.</summary>
/// <param name="Done">Runs finished (completed, skipped, duplicate or failed).</param>
/// <param name="Failed">Runs that failed.</param>
/// <param name="Skipped">Runs that were already complete.</param>
/// <param name="Total">Runs in the batch.</param>
/// <param name="Elapsed">Time since the batch started.</param>
/// <param name="Eta">Estimated time to finish, from the pace of the runs executed so far; null before the first.</param>
/// <param name="Last">The run that has just finished, and how.</param>
public readonly record struct SweepProgress(int Done, int Failed, int Skipped, int Total, TimeSpan Elapsed, TimeSpan? Eta,
    (PlannedRun Run, RunOutcome Outcome, string? Error) Last);

/// <summary>The outcome of a batch: each run's outcome, and the error of each failed run.</summary>
public sealed record SweepBatchResult(IReadOnlyDictionary<string, RunOutcome> Outcomes, IReadOnlyList<(PlannedRun Run, string Error)> Failures)
{
    public int Count(RunOutcome outcome) => Outcomes.Values.Count(o => o == outcome);
}

/// <summary>
/// Runs the runs of a sweep. Each run writes into a fresh temporary directory under <c>.tmp/</c> and is renamed to
/// its partition directory only when complete (tables, manifest and <c>sweep-run.json</c>): a run already complete is
/// skipped, a run that fails or is cancelled leaves nothing under a final name, and when the same run executes twice
/// (a requeued Slurm task) only the first rename succeeds.
/// </summary>
public sealed class SweepRunner
{
    private readonly SweepDirectory _directory;
    private readonly ConcurrentDictionary<string, IReadOnlyList<ProvinceRow>> _provinces = new();

    public SweepRunner(SweepDirectory directory) => _directory = directory;

    /// <summary>
    /// Runs <paramref name="runs"/>, <paramref name="parallel"/> at a time (0: one per core). A failed run is
    /// recorded and the others go on; cancellation stops all and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<SweepBatchResult> RunAsync(IReadOnlyList<PlannedRun> runs, int parallel, IProgress<SweepProgress>? progress = null,
        CancellationToken ct = default)
    {
        var cores = Environment.ProcessorCount;
        parallel = Math.Max(1, Math.Min(parallel > 0 ? parallel : cores, Math.Max(1, runs.Count)));
        // With fewer runs at once than cores, each run gets the spare cores as threads; results do not depend on it.
        var threads = Math.Max(1, cores / parallel);
        EnsureMemoryForRunsAtOnce(runs, parallel, threads);
        var outcomes = new ConcurrentDictionary<string, RunOutcome>(StringComparer.Ordinal);
        var failures = new ConcurrentBag<(PlannedRun, string)>();
        var clock = Stopwatch.StartNew();
        int done = 0, failed = 0, skipped = 0, executed = 0;
        var gate = new object();

        await Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
            async (run, token) =>
            {
                var (outcome, error) = await RunOneAsync(run, threads, token).ConfigureAwait(false);
                outcomes[run.RunId] = outcome;
                if (error is not null)
                    failures.Add((run, error));
                lock (gate)
                {
                    done++;
                    if (outcome == RunOutcome.Failed) failed++;
                    if (outcome == RunOutcome.Skipped) skipped++;
                    else executed++;
                    // Pace from executed runs only: skipped ones cost nothing and would make the estimate far too low.
                    var remaining = runs.Count - done;
                    TimeSpan? eta = executed > 0 ? TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / executed * remaining) : null;
                    progress?.Report(new SweepProgress(done, failed, skipped, runs.Count, clock.Elapsed, eta, (run, outcome, error)));
                }
            }).ConfigureAwait(false);
        var ordered = runs.Select(r => r.RunId).Where(outcomes.ContainsKey).ToDictionary(id => id, id => outcomes[id], StringComparer.Ordinal);
        return new SweepBatchResult(ordered, failures.OrderBy(f => f.Item1.Index).ToList());
    }

    /// <summary>
    /// Refuses (<see cref="MemoryLimitException"/>) a batch whose <paramref name="parallel"/> largest runs still to do would
    /// not fit in memory together. Each run also checks itself when it starts; this catches the sum before any starts.
    /// A run whose config cannot be loaded is left out here: it fails on its own, with its own message.
    /// </summary>
    private void EnsureMemoryForRunsAtOnce(IReadOnlyList<PlannedRun> runs, int parallel, int threads)
    {
        if (parallel < 2)
            return;
        var byPoint = new Dictionary<int, long>();
        var estimates = new List<long>();
        foreach (var run in runs)
        {
            if (_directory.IsComplete(run))
                continue;
            if (!byPoint.TryGetValue(run.Point, out var bytes))
            {
                try
                {
                    var (config, loaded) = ConfigFor(run, threads);
                    var provinces = _provinces.GetOrAdd(loaded.ResolvePath(config.Provinces.DataFile), ProvinceData.Load);
                    bytes = RunWriter.EstimateBytes(config, provinces.Count);
                }
                catch (Exception ex) when (ex is ConfigException or InputException or SweepException)
                {
                    bytes = 0;
                }
                byPoint[run.Point] = bytes;
            }
            estimates.Add(bytes);
        }
        int atOnce = Math.Min(parallel, estimates.Count);
        if (atOnce < 2)
            return;
        estimates.Sort();
        long total = 0;
        for (int i = estimates.Count - atOnce; i < estimates.Count; i++)
            total = checked(total + estimates[i]);
        MemoryEstimate.EnsureFits(total, string.Create(CultureInfo.InvariantCulture, $"{atOnce} sweep runs at once (--parallel {parallel})"));
    }

    /// <summary>
    /// Runs one run unless it is already complete. Returns its outcome and, for a failure, the error; throws only
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled.
    /// </summary>
    public async Task<(RunOutcome Outcome, string? Error)> RunOneAsync(PlannedRun run, int threads, CancellationToken ct = default)
    {
        if (_directory.IsComplete(run))
            return (RunOutcome.Skipped, null);
        var temp = _directory.NewTempPath(run);
        try
        {
            await ExecuteAsync(run, temp, threads, ct).ConfigureAwait(false);
            return (Publish(run, temp), null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            SweepDirectory.TryDeleteDirectory(temp);
            throw;
        }
        catch (Exception ex) when (EnvironmentErrors.Describe(ex) is not null)
        {
            // A full or read-only disk fails every run alike: the batch stops (exit 2) instead of recording each failure.
            SweepDirectory.TryDeleteDirectory(temp);
            throw;
        }
        catch (Exception ex)
        {
            SweepDirectory.TryDeleteDirectory(temp);
            return (RunOutcome.Failed, ex is ConfigException or InputException or OutputException or SweepException
                ? ex.Message
                : $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The run's config: the plan's base config with the run's values, its seed and the thread count.</summary>
    public (SimulationConfig Config, LoadedConfig Loaded) ConfigFor(PlannedRun run, int threads)
    {
        var plan = _directory.Plan;
        var loaded = SweepPlanner.LoadPoint(plan, run);
        var config = loaded.Config;
        // A plan is only valid for the configs it was made from: the same values under another version's defaults
        // would be a different experiment under the same id.
        var id = SweepPlanner.RunId(SweepPlanner.IdentityYaml(config), run.Replicate, plan.CommonRandomNumbers);
        if (id != run.RunId)
            throw new SweepException($"run {run.RunId}: its config now hashes to {id}; the plan was made by another version of AgentSim, make a new plan");
        config.Seed = run.Seed;
        config.Threads = threads;
        return (config, loaded);
    }

    private async Task ExecuteAsync(PlannedRun run, string temp, int threads, CancellationToken ct)
    {
        var (config, loaded) = ConfigFor(run, threads);
        var dataFile = loaded.ResolvePath(config.Provinces.DataFile);
        var provinces = _provinces.GetOrAdd(dataFile, ProvinceData.Load);
        Simulation.ValidateInputs(config, provinces);
        RunSeries? series = null;
        var result = await RunWriter.RunAsync(new RunRequest
        {
            Config = config,
            Provinces = provinces,
            OutputDirectory = temp,
            ConfigPath = _directory.Plan.ConfigPath,
            ResolvedConfigYaml = ConfigYaml.Write(config),
            Threads = threads,
            OnStep = sim =>
            {
                series ??= new RunSeries(sim);
                series.Record(sim);
            },
        }, null, ct).ConfigureAwait(false);
        var record = new SweepRunRecord
        {
            RunId = run.RunId,
            RunIndex = run.Index,
            Point = run.Point,
            Replicate = run.Replicate,
            Seed = run.Seed,
            Parameters = _directory.Plan.Columns.Select((c, i) => (c.Name, run.Values[i])).ToDictionary(x => x.Name, x => x.Item2),
            Indicators = SweepIndicators.Compute(series),
            Host = SweepDirectory.HostName,
            FinishedUtc = DateTimeOffset.UtcNow,
            TableBytes = result.Files.Values.ToDictionary(f => Path.GetFileName(f)!, f => new FileInfo(f).Length, StringComparer.Ordinal),
        };
        await AtomicFile.WriteAllTextAsync(Path.Combine(temp, SweepRunRecord.FileName),
            System.Text.Json.JsonSerializer.Serialize(record, SweepRunRecord.JsonOptions) + "\n", ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Renames the finished temporary directory to the run's final name. rename(2) of a directory onto a non-empty
    /// one fails, so of two executions of the same run exactly one wins; the other finds the run complete and
    /// discards its copy. Something else at the final name (a stray, incomplete directory) is moved aside first.
    /// </summary>
    private RunOutcome Publish(PlannedRun run, string temp)
    {
        var final = _directory.FinalPath(run);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Move(temp, final);
                return RunOutcome.Completed;
            }
            catch (IOException) when (Directory.Exists(final))
            {
                if (_directory.IsComplete(run))
                {
                    SweepDirectory.TryDeleteDirectory(temp);
                    return RunOutcome.Duplicate;
                }
                if (attempt > 0)
                    throw;
                var aside = _directory.NewTempPath(run) + ".stale";
                Directory.Move(final, aside);
                SweepDirectory.TryDeleteDirectory(aside);
            }
        }
    }
}
