using System.Globalization;
using AgentSim.Analysis;
using AgentSim.Analysis.Sweeps;
using AgentSim.Config;
using Spectre.Console;

namespace AgentSim.Cli;

/// <summary>
/// <c>agentsim sweep</c>: a local sweep (plan, run every run in parallel, summary), and the cluster subcommands
/// <c>plan</c>, <c>run</c> (one array task's share), <c>slurm</c> (the sbatch script) and <c>collect</c> (check,
/// summarise, name what to resubmit).
/// </summary>
internal static class SweepCommand
{
    /// <summary>Missing runs listed by <c>collect</c> before "... and N more".</summary>
    private const int ListedRuns = 10;

    public static int Execute(string[] args, TextWriter stdout, CancellationToken ct)
    {
        var options = SweepOptions.Parse(args);
        if (options.Help)
        {
            stdout.Write(options.Subcommand switch
            {
                "plan" => Usage.SweepPlan,
                "run" => Usage.SweepRun,
                "slurm" => Usage.SweepSlurm,
                "collect" => Usage.SweepCollect,
                _ => Usage.Sweep,
            });
            return ExitCodes.Success;
        }
        return options.Subcommand switch
        {
            "plan" => Plan(options, stdout, ct),
            "run" => RunTask(options, stdout, ct),
            "slurm" => Slurm(options, stdout),
            "collect" => Collect(options, stdout, ct),
            _ => Local(options, stdout, ct),
        };
    }

    /// <summary><c>sweep CONFIG</c>: plans (or resumes) and runs every run here, then writes summary.parquet.</summary>
    private static int Local(SweepOptions options, TextWriter stdout, CancellationToken ct)
    {
        // Two local sweeps into one folder would run every run twice; 'sweep run' tasks share a folder by design
        // (a run done twice is published once) and take no lock.
        var (directory, resumed) = MakePlan(options, ct, lockFolder: true, out var folderLock);
        using var held = folderLock;
        var plan = directory.Plan;
        var before = directory.Scan().Complete.Count;
        stdout.WriteLine(Describe(plan, options.Target));
        stdout.WriteLine(resumed
            ? $"output: {directory.Root} (resuming: {before} of {plan.Runs.Count} runs already complete)"
            : $"output: {directory.Root}");
        directory.RemoveStaleTemporaries();

        SweepBatchResult? result = null;
        var cancelled = false;
        try
        {
            result = Execute(directory, plan.Runs, options.Parallel, stdout, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            cancelled = true;
        }
        directory.RemoveTempRootIfEmpty();
        var scan = directory.Scan();
        var rows = SweepTables.WriteSummaryAsync(directory, scan.Complete, CancellationToken.None).GetAwaiter().GetResult();
        if (cancelled)
        {
            stdout.WriteLine($"cancelled: {scan.Complete.Count} of {plan.Runs.Count} runs complete; rerun the same command to resume (complete runs are skipped)");
            return ExitCodes.Cancelled;
        }
        PrintPoints(stdout, directory, scan.Complete);
        PrintFailures(stdout, result!);
        stdout.WriteLine($"complete: {scan.Complete.Count} of {plan.Runs.Count} runs ({result!.Count(RunOutcome.Completed)} run now, {result.Count(RunOutcome.Skipped)} already complete, {result.Failures.Count} failed)");
        stdout.WriteLine($"summary: {Path.Combine(directory.Root, SweepDirectory.SummaryFile)} ({rows} rows, one per run)");
        stdout.WriteLine($"tables: read_parquet('{Path.Combine(directory.Root, "**", "provinces.parquet")}', hive_partitioning = true)");
        return scan.IsComplete ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary><c>sweep plan CONFIG --out DIR</c>: writes the run table for a cluster.</summary>
    private static int Plan(SweepOptions options, TextWriter stdout, CancellationToken ct)
    {
        var (directory, resumed) = MakePlan(options, ct, lockFolder: false, out _);
        var plan = directory.Plan;
        stdout.WriteLine(Describe(plan, options.Target));
        stdout.WriteLine(resumed
            ? $"plan: {Path.Combine(directory.Root, SweepPlan.FileName)} (already there, unchanged; {directory.Scan().Complete.Count} runs complete)"
            : $"plan: {Path.Combine(directory.Root, SweepPlan.FileName)} and {SweepDirectory.RunsFile}");
        stdout.WriteLine("next: agentsim sweep slurm DIR --submit (Slurm), agentsim sweep run DIR --task-index I --tasks N (any array job), agentsim sweep run DIR --all (here)");
        return ExitCodes.Success;
    }

    /// <summary><c>sweep run DIR</c>: the runs of one array task (or all of them with --all).</summary>
    private static int RunTask(SweepOptions options, TextWriter stdout, CancellationToken ct)
    {
        var directory = SweepDirectory.Open(options.Target);
        var plan = directory.Plan;
        IReadOnlyList<PlannedRun> runs;
        string share;
        if (options.All)
        {
            runs = plan.Runs;
            share = "all runs";
        }
        else
        {
            var tasks = options.Tasks ?? SlurmJob.Read(directory)?.Tasks ?? plan.Runs.Count;
            var index = options.TaskIndex ?? EnvironmentIndex()
                ?? throw new UsageException("no task index: give --task-index I, run under a Slurm array (SLURM_ARRAY_TASK_ID) or a Kubernetes indexed job (JOB_COMPLETION_INDEX), or use --all");
            if (index >= tasks)
                throw new UsageException($"task index {index} is out of range: the sweep has {tasks} tasks (0 to {tasks - 1})");
            runs = SweepShards.Runs(plan, index, tasks);
            share = string.Create(CultureInfo.InvariantCulture, $"task {index} of {tasks}: {runs.Count} runs");
        }
        var parallel = options.ParallelGiven ? options.Parallel
            : int.TryParse(Environment.GetEnvironmentVariable("SLURM_CPUS_PER_TASK"), NumberStyles.None, CultureInfo.InvariantCulture, out var cpus) ? cpus : 0;
        stdout.WriteLine($"sweep {directory.Root}: {share} on {SweepDirectory.HostName} (pid {Environment.ProcessId})");
        var removed = directory.RemoveStaleTemporaries();
        if (removed > 0)
            stdout.WriteLine($"removed {removed} temporary run directories left by ended processes");
        SweepBatchResult result;
        try
        {
            result = Execute(directory, runs, parallel, stdout, ct, interactive: false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stdout.WriteLine("cancelled; runs not finished are redone when the task runs again");
            return ExitCodes.Cancelled;
        }
        directory.RemoveTempRootIfEmpty();
        PrintFailures(stdout, result);
        stdout.WriteLine($"done: {result.Count(RunOutcome.Completed)} run, {result.Count(RunOutcome.Skipped)} already complete, {result.Count(RunOutcome.Duplicate)} finished elsewhere first, {result.Failures.Count} failed");
        return result.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary><c>sweep slurm DIR</c>: writes (and with --submit, submits) the sbatch array script.</summary>
    private static int Slurm(SweepOptions options, TextWriter stdout)
    {
        var directory = SweepDirectory.Open(options.Target);
        var runs = directory.Plan.Runs.Count;
        var tasks = Math.Min(options.Tasks ?? Math.Min(runs, 1000), runs);
        var previous = SlurmJob.Read(directory);
        var script = Path.Combine(SlurmJob.Folder(directory), SlurmJob.ScriptFile);
        var job = new SlurmJob
        {
            Tasks = tasks,
            CpusPerTask = options.CpusPerTask,
            Memory = options.Memory,
            Time = options.Time,
            Partition = options.Partition,
            Script = script,
            Submitted = previous?.Submitted ?? new List<string>(),
        };
        if (previous is not null && previous.Tasks != tasks && previous.Submitted.Count > 0)
            stdout.WriteLine($"note: the job submitted before used {previous.Tasks} tasks; if it is still running, its tasks and the new ones split the runs differently (harmless: a run done twice is kept once)");
        Directory.CreateDirectory(Path.Combine(directory.Root, SweepDirectory.LogsFolder));
        Output.AtomicFile.WriteAllTextAsync(script, job.ScriptText(directory)).GetAwaiter().GetResult();
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
        stdout.WriteLine($"script: {script} ({runs} runs in {tasks} array tasks, {options.CpusPerTask} CPUs and {options.Memory} each, time limit {options.Time})");
        if (options.Submit)
        {
            var id = SlurmJob.Submit(script);
            job.Submitted.Add(id);
            stdout.WriteLine($"submitted: job {id}; logs in {Path.Combine(directory.Root, SweepDirectory.LogsFolder)}; when it ends: agentsim sweep collect {options.Target}");
        }
        else
        {
            stdout.WriteLine($"submit with: sbatch {script}");
        }
        job.WriteAsync(directory).GetAwaiter().GetResult();
        return ExitCodes.Success;
    }

    /// <summary>
    /// <c>sweep collect DIR</c>: checks that every planned run is present exactly once and complete, rebuilds
    /// summary.parquet, removes leftovers of ended processes and names what to resubmit.
    /// </summary>
    private static int Collect(SweepOptions options, TextWriter stdout, CancellationToken ct)
    {
        var directory = SweepDirectory.Open(options.Target);
        var plan = directory.Plan;
        var removed = directory.RemoveStaleTemporaries();
        var scan = directory.Scan();
        var rows = SweepTables.WriteSummaryAsync(directory, scan.Complete, ct).GetAwaiter().GetResult();
        stdout.WriteLine($"sweep {directory.Root}: {scan.Complete.Count} of {plan.Runs.Count} runs complete, {scan.Missing.Count} missing");
        if (removed > 0)
            stdout.WriteLine($"removed {removed} temporary run directories left by ended processes");
        if (scan.Temporaries.Count > 0)
            stdout.WriteLine($"in progress (or left by another host): {scan.Temporaries.Count} temporary run directories under {directory.TempRoot}");
        foreach (var (runId, places) in scan.Duplicates)
            stdout.WriteLine($"error: run {runId} is present {places.Count} times: {string.Join(", ", places)}");
        foreach (var place in scan.Unexpected)
            stdout.WriteLine($"error: {place} holds a complete run that is not at its planned place");
        foreach (var place in scan.Incomplete)
            stdout.WriteLine($"warning: {place} is at a run's final name but is not that complete run; it is replaced when the run is redone");
        if (scan.Missing.Count > 0)
        {
            foreach (var run in scan.Missing.Take(ListedRuns))
                stdout.WriteLine($"missing: {run.RunId} ({plan.Describe(run)})");
            if (scan.Missing.Count > ListedRuns)
                stdout.WriteLine($"missing: ... and {scan.Missing.Count - ListedRuns} more (all in {SweepDirectory.RunsFile}, minus summary.parquet)");
            var job = SlurmJob.Read(directory);
            if (job is not null)
            {
                var tasks = SweepShards.TasksOf(scan.Missing, job.Tasks);
                var script = Path.Combine(SlurmJob.Folder(directory), SlurmJob.ScriptFile);
                if (!string.Equals(Path.GetFullPath(job.Script), script, StringComparison.Ordinal) || !File.Exists(script))
                {
                    // The folder was moved (or copied): the old script runs the old path. Rewritten for this one.
                    Output.AtomicFile.WriteAllTextAsync(script, job.ScriptText(directory), ct).GetAwaiter().GetResult();
                    if (!OperatingSystem.IsWindows())
                        File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
                    stdout.WriteLine($"note: the sweep was made in {Path.GetDirectoryName(Path.GetDirectoryName(job.Script))}; its Slurm script is rewritten for {directory.Root}");
                }
                var shown = script.Any(c => char.IsWhiteSpace(c) || "'\"$`\\;&|<>()*?!".Contains(c)) ? SlurmJob.Quote(script) : script;
                stdout.WriteLine($"resubmit: sbatch --array={SweepShards.ArraySpec(tasks)} {shown}");
            }
            else
            {
                stdout.WriteLine($"resume: agentsim sweep run {options.Target} --all (or make a Slurm script with 'agentsim sweep slurm {options.Target}')");
            }
        }
        stdout.WriteLine($"summary: {Path.Combine(directory.Root, SweepDirectory.SummaryFile)} ({rows} rows)");
        if (scan.Duplicates.Count > 0 || scan.Unexpected.Count > 0)
            return ExitCodes.Failure;
        return scan.Missing.Count == 0 ? ExitCodes.Success : ExitCodes.Incomplete;
    }

    private static (SweepDirectory Directory, bool Resumed) MakePlan(SweepOptions options, CancellationToken ct, bool lockFolder,
        out Output.Runs.FolderLock? folderLock)
    {
        var overrides = options.Overrides();
        var loaded = ConfigLoader.Load(options.Target, overrides);
        var plan = SweepPlanner.Plan(loaded, options.Target, overrides, options.IndependentStreams);
        // The provinces data is checked once here rather than failing every run, and so is every point against it
        // (a value naming an unknown province, a data file swept over): before the first run starts, not when that run does.
        var provinces = Model.State.ProvinceData.Load(loaded.ResolvePath(loaded.Config.Provinces.DataFile));
        Model.Simulation.ValidateInputs(loaded.Config, provinces);
        var data = new Dictionary<string, IReadOnlyList<Model.State.ProvinceRow>>(StringComparer.Ordinal);
        foreach (var first in plan.Runs.GroupBy(r => r.Point).Select(g => g.First()))
        {
            try
            {
                var point = SweepPlanner.LoadPoint(plan, first);
                var file = point.ResolvePath(point.Config.Provinces.DataFile);
                if (!data.TryGetValue(file, out var rows))
                    data[file] = rows = Model.State.ProvinceData.Load(file);
                Model.Simulation.ValidateInputs(point.Config, rows);
            }
            catch (Model.State.InputException ex)
            {
                throw new SweepException($"sweep point {string.Join(", ", plan.Columns.Select((c, i) => $"{c.Name}={first.Labels[i]}"))}: {ex.Message}");
            }
        }
        folderLock = lockFolder ? Output.Runs.FolderLock.Acquire(options.OutputDirectory) : null;
        try
        {
            return SweepDirectory.CreateOrResumeAsync(options.OutputDirectory, plan, ct).GetAwaiter().GetResult();
        }
        catch
        {
            folderLock?.Dispose();
            throw;
        }
    }

    private static string Describe(SweepPlan plan, string source)
    {
        var config = ConfigLoader.LoadFromString(plan.BaseConfigYaml, Path.Combine(plan.ConfigDirectory, "sweep-base.yaml")).Config;
        var parameters = plan.Columns.Count == 0 ? "no parameters" : string.Join(", ", plan.Columns.Select(c => c.Key));
        return string.Create(CultureInfo.InvariantCulture,
            $"sweep {source}: {plan.Runs.Count} runs ({plan.Points} points of {parameters} × {plan.Replicates} replicates), {config.Firms:N0} firms, {config.BurnIn} burn-in + {config.Steps} quarters, {(plan.CommonRandomNumbers ? "common random numbers" : "independent streams")}");
    }

    /// <summary>Runs a batch with a progress bar on a terminal, or about twenty progress lines otherwise.</summary>
    internal static SweepBatchResult Execute(SweepDirectory directory, IReadOnlyList<PlannedRun> runs, int parallel, TextWriter stdout,
        CancellationToken ct, bool interactive = true)
    {
        var runner = new SweepRunner(directory);
        interactive = interactive && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        if (!interactive)
        {
            var every = Math.Max(1, runs.Count / 20);
            var progress = new Reporter(p =>
            {
                lock (stdout)
                {
                    if (p.Last.Outcome == RunOutcome.Failed)
                        stdout.WriteLine($"failed: run {p.Last.Run.RunId} ({directory.Plan.Describe(p.Last.Run)}): {p.Last.Error}");
                    if (p.Done % every == 0 || p.Done == p.Total)
                        stdout.WriteLine(Line(p));
                }
            });
            return runner.RunAsync(runs, parallel, progress, ct).GetAwaiter().GetResult();
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"runs 0/{runs.Count}")), maxValue: Math.Max(1, runs.Count));
                var progress = new Reporter(p =>
                {
                    task.Value(p.Done);
                    task.Description(Markup.Escape(Line(p)));
                    if (p.Last.Outcome == RunOutcome.Failed)
                        console.MarkupLine($"[red]failed[/]: run {p.Last.Run.RunId} ({Markup.Escape(directory.Plan.Describe(p.Last.Run))}): {Markup.Escape(p.Last.Error ?? "")}");
                });
                return await Task.Run(() => runner.RunAsync(runs, parallel, progress, ct), ct).ConfigureAwait(false);
            })
            .GetAwaiter().GetResult();
    }

    private static string Line(SweepProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"runs {p.Done}/{p.Total} · failed {p.Failed} · already complete {p.Skipped} · elapsed {Clock(p.Elapsed)} · eta {(p.Eta is { } eta ? Clock(eta) : "?")}");

    private static string Clock(TimeSpan t) => t.ToString(t.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    private static void PrintFailures(TextWriter stdout, SweepBatchResult result)
    {
        if (result.Failures.Count == 0)
            return;
        stdout.WriteLine($"{result.Failures.Count} runs failed (rerun the same command to retry them):");
        foreach (var (run, error) in result.Failures.Take(ListedRuns))
            stdout.WriteLine($"  {run.RunId}: {error}");
    }

    /// <summary>Mean of a few headline indicators per parameter point, when there are few enough points to read.</summary>
    private static void PrintPoints(TextWriter stdout, SweepDirectory directory, IReadOnlyList<PlannedRun> complete)
    {
        var plan = directory.Plan;
        if (complete.Count == 0 || plan.Points > 60)
            return;
        string[] shown = [Indicators.ConsumptionShareEnd, Indicators.StrategicUtilisationEnd, Indicators.ZombieShareEnd, Indicators.PilotIncomeDid];
        var records = complete.Select(r => (Run: r, Record: SweepDirectory.ReadRecord(directory.FinalPath(r)))).Where(x => x.Record is not null).ToList();
        var present = shown.Where(name => records.Any(x => x.Record!.Indicators.Any(i => i.Name == name))).ToList();
        var console = PlainConsole.Create(stdout, 160);
        var table = new Table().Border(TableBorder.Rounded).Title("Mean over replicates, by point");
        foreach (var column in plan.Columns)
            table.AddColumn(Markup.Escape(column.Name));
        table.AddColumn(new TableColumn("runs").RightAligned());
        foreach (var name in present)
            table.AddColumn(new TableColumn(Markup.Escape(IndicatorCatalog.Label(name))).RightAligned());
        foreach (var point in records.GroupBy(x => x.Run.Point).OrderBy(g => g.Key))
        {
            var cells = point.First().Run.Labels.Select(Markup.Escape).ToList();
            cells.Add(point.Count().ToString(CultureInfo.InvariantCulture));
            foreach (var name in present)
            {
                var values = point.Select(x => x.Record!.Indicators.FirstOrDefault(i => i.Name == name)?.Value ?? double.NaN).Where(double.IsFinite).ToList();
                cells.Add(values.Count == 0 ? "" : IndicatorCatalog.FormatValue(name, values.Average()));
            }
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
    }

    /// <summary>The array index the scheduler gives this task: Slurm's, else a Kubernetes indexed job's.</summary>
    private static int? EnvironmentIndex()
    {
        foreach (var name in new[] { "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX" })
        {
            var text = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(text))
                continue;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                throw new UsageException($"{name}='{text}' is not a task index");
            return index;
        }
        return null;
    }

    private sealed class Reporter(Action<SweepProgress> report) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => report(value);
    }
}
