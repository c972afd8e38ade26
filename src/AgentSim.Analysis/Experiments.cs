using AgentSim.Config;
using AgentSim.Core;
using AgentSim.Model;
using AgentSim.Model.State;
using AgentSim.Output.Runs;

namespace AgentSim.Analysis;

/// <summary>A scenario ready to run: its resolved config and provinces data.</summary>
public sealed record ScenarioSpec(string Name, string ConfigPath, SimulationConfig Config, IReadOnlyList<ProvinceRow> Provinces);

/// <summary>One replicate of one scenario: its seed, series and indicators.</summary>
public sealed record ReplicateRun(string Scenario, int Replicate, long Seed, RunSeries Series, IReadOnlyList<Indicator> Indicators);

/// <summary>How replicates are run.</summary>
public sealed record ExperimentOptions
{
    /// <summary>When set, each replicate's tables are written to DIR/scenario=NAME/replicate=R/ (Hive partitions).</summary>
    public string? TablesDirectory { get; init; }

    /// <summary>Runs at once; 0 = one per core. Each run then uses one thread: results do not depend on either.</summary>
    public int Parallel { get; init; }

    /// <summary>Put each scenario's replicates under scenario=NAME/ (off for a single scenario's replicates).</summary>
    public bool PartitionByScenario { get; init; } = true;

    /// <summary>Replace a previous run's files in the table directories.</summary>
    public bool Force { get; init; }
}

/// <summary>Progress of an experiment: runs finished out of the total, and recorded quarters simulated over all runs.</summary>
public readonly record struct ExperimentProgress(int Done, int Total, TimeSpan Elapsed, long QuartersDone = 0, long QuartersTotal = 0);

/// <summary>Scenario statistics across replicates, and paired statistics against the reference scenario.</summary>
public sealed record ScenarioSummary(string Scenario, IReadOnlyList<ReplicateStatistic> Statistics, IReadOnlyList<ReplicateStatistic> VersusReference);

/// <summary>The result of <see cref="Experiments.Compare"/>.</summary>
public sealed record CompareResult(string Reference, int Replicates, IReadOnlyList<ScenarioSummary> Scenarios, IReadOnlyList<ReplicateRun> Runs);

/// <summary>
/// Replicates and scenario comparisons. Replicate r of every scenario uses the same seed (common random
/// numbers), derived from the scenario's base seed, so differences between scenarios are not sampling noise.
/// </summary>
public static class Experiments
{
    /// <summary>Seed of replicate r: the base seed itself for r = 0 (a plain run), a hash of (base, r) otherwise.</summary>
    public static long ReplicateSeed(long baseSeed, int replicate) =>
        replicate == 0 ? baseSeed
            : (long)(CounterRng.Mix(CounterRng.Mix((ulong)baseSeed ^ RngStreams.ReplicateSeed) + (ulong)replicate) >> 1);

    /// <summary>Runs `replicates` seeds of each scenario (in parallel across runs) and returns every run, in order.</summary>
    public static IReadOnlyList<ReplicateRun> RunReplicates(IReadOnlyList<ScenarioSpec> scenarios, int replicates, ExperimentOptions options,
        IProgress<ExperimentProgress>? progress = null, CancellationToken ct = default)
    {
        if (replicates < 1) throw new ArgumentOutOfRangeException(nameof(replicates), "at least one replicate");
        var jobs = scenarios.SelectMany(s => Enumerable.Range(0, replicates).Select(r => (Scenario: s, Replicate: r))).ToList();
        var results = new ReplicateRun[jobs.Count];
        int parallel = options.Parallel > 0 ? options.Parallel : Environment.ProcessorCount;
        parallel = Math.Min(parallel, jobs.Count);
        // With fewer runs than cores, each run gets the spare cores as threads.
        int threadsPerRun = Math.Max(1, Environment.ProcessorCount / parallel);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int done = 0;
        long quarters = 0, totalQuarters = jobs.Sum(j => (long)j.Scenario.Config.Steps);
        void Quarter() => progress?.Report(new ExperimentProgress(Volatile.Read(ref done), jobs.Count, clock.Elapsed, Interlocked.Increment(ref quarters), totalQuarters));
        System.Threading.Tasks.Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, j =>
        {
            var (scenario, replicate) = jobs[j];
            results[j] = RunOne(scenario, replicate, threadsPerRun, options, Quarter, ct);
            int finished = Interlocked.Increment(ref done);
            progress?.Report(new ExperimentProgress(finished, jobs.Count, clock.Elapsed, Interlocked.Read(ref quarters), totalQuarters));
        });
        return results;
    }

    /// <summary>
    /// Runs every scenario on the same replicate seeds and summarises each, with paired differences against
    /// the first scenario (the reference, normally the baseline).
    /// </summary>
    public static CompareResult Compare(IReadOnlyList<ScenarioSpec> scenarios, int replicates, ExperimentOptions options,
        IProgress<ExperimentProgress>? progress = null, CancellationToken ct = default)
    {
        if (scenarios.Count == 0) throw new ArgumentException("no scenarios");
        var names = scenarios.Select(s => s.Name).ToList();
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InputException($"two scenarios are named '{duplicate.Key}'; give them different 'name' values");
        var runs = RunReplicates(scenarios, replicates, options, progress, ct);
        var reference = scenarios[0].Name;
        var summaries = new List<ScenarioSummary>();
        foreach (var scenario in scenarios)
        {
            var own = runs.Where(r => r.Scenario == scenario.Name).OrderBy(r => r.Replicate).ToList();
            var stats = ReplicateStatistic.Summarise(own.Select(r => r.Indicators));
            var paired = new List<ReplicateStatistic>();
            if (scenario.Name != reference)
            {
                var baseline = runs.Where(r => r.Scenario == reference).OrderBy(r => r.Replicate).ToList();
                paired = ReplicateStatistic.Summarise(own.Zip(baseline, (a, b) => (IReadOnlyList<Indicator>)PairedIndicators.Compute(a.Series, b.Series)));
            }
            summaries.Add(new ScenarioSummary(scenario.Name, stats, paired));
        }
        return new CompareResult(reference, replicates, summaries, runs);
    }

    private static ReplicateRun RunOne(ScenarioSpec scenario, int replicate, int threads, ExperimentOptions options, Action onQuarter, CancellationToken ct)
    {
        var config = ReplicateConfig(scenario.Config, replicate);
        RunSeries? series = null;
        if (options.TablesDirectory is null)
        {
            using var sim = new Simulation(config, scenario.Provinces, threads);
            var guard = new AgentSim.Model.Guards.InvariantGuard(sim);
            while (sim.Step < 0)
            {
                sim.Advance();
                guard.Check();
            }
            series = new RunSeries(sim);
            for (int t = 0; t < config.Steps; t++)
            {
                ct.ThrowIfCancellationRequested();
                sim.Advance();
                guard.Check();
                series.Record(sim);
                onQuarter();
            }
        }
        else
        {
            string directory = options.PartitionByScenario
                ? Path.Combine(options.TablesDirectory, $"scenario={scenario.Name}", $"replicate={replicate}")
                : Path.Combine(options.TablesDirectory, $"replicate={replicate}");
            // The scenario name is a single path component (the config rules say so); never write outside the tables directory.
            string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.TablesDirectory)) + Path.DirectorySeparatorChar;
            if (!Path.GetFullPath(directory).StartsWith(root, StringComparison.Ordinal))
                throw new OutputException($"scenario name '{scenario.Name}' would put its tables outside '{options.TablesDirectory}'");
            RunWriter.RunAsync(new RunRequest
            {
                Config = config,
                Provinces = scenario.Provinces,
                OutputDirectory = directory,
                ConfigPath = scenario.ConfigPath,
                ResolvedConfigYaml = ConfigYaml.Write(config),
                Threads = threads,
                Force = options.Force,
                OnStep = sim =>
                {
                    series ??= new RunSeries(sim);
                    series.Record(sim);
                    onQuarter();
                },
            }, null, ct).GetAwaiter().GetResult();
        }
        return new ReplicateRun(scenario.Name, replicate, config.Seed, series!, Indicators.Compute(series!));
    }

    /// <summary>A deep copy of the config with the replicate's seed (through the YAML writer, which round-trips exactly).</summary>
    public static SimulationConfig ReplicateConfig(SimulationConfig config, int replicate)
    {
        var copy = ConfigLoader.LoadFromString(ConfigYaml.Write(config), "replicate.yaml").Config;
        copy.Provinces.DataFile = config.Provinces.DataFile;
        copy.Seed = ReplicateSeed(config.Seed, replicate);
        return copy;
    }
}
