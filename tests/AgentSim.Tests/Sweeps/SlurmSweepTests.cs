using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AgentSim.Analysis.Sweeps;
using AgentSim.Cli;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using Xunit.Abstractions;

namespace AgentSim.Tests.Sweeps;

/// <summary>
/// A sweep as a real Slurm array job on the single-node cluster <c>.ci/slurm-setup.sh</c> starts (CI does; see
/// docs/experiments.md): crash the node (slurmd, the step daemons and the running tasks, all SIGKILL) mid-sweep,
/// restart slurmd, let Slurm requeue the lost tasks, kill one more task by itself (Slurm does not retry that one),
/// let <c>sweep collect</c> name it and resubmit it, and check that every run is present exactly once with data
/// identical to a local sweep of the same config. Every wait is bounded.
/// </summary>
[Collection(CliCollection.Name)]
public sealed partial class SlurmSweepTests : IDisposable
{
    /// <summary>The whole test, from submission to the last check.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(230);

    private readonly TempDirectory _dir = new();
    private readonly ITestOutputHelper _log;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _jobs = new();

    public SlurmSweepTests(ITestOutputHelper log) => _log = log;

    public void Dispose()
    {
        // Never leave jobs behind on a failure: they would write into a deleted directory and hold the node.
        foreach (var job in _jobs)
            Run("scancel", job);
        _dir.Dispose();
    }

    [SkippableFact]
    [Trait("Category", "Slurm")]
    public void Array_sweep_survives_a_node_crash_and_a_killed_task_and_matches_a_local_sweep()
    {
        var state = Environment.GetEnvironmentVariable("AGENTSIM_SLURM_STATE");
        var available = Environment.GetEnvironmentVariable("AGENTSIM_SLURM") == "1" && state is not null
            && Environment.GetEnvironmentVariable("SLURM_CONF") is not null;
        const string howTo = "the Slurm sweep test needs a running single-node Slurm: as root, "
            + "'.ci/slurm-setup.sh start /tmp/agentsim-slurm && source /tmp/agentsim-slurm/env' (or run .ci/run with CI=true, which does it)";
        if (!available && Environment.GetEnvironmentVariable("CI") == "true")
            Assert.Fail($"CI=true but no Slurm cluster is available (AGENTSIM_SLURM, AGENTSIM_SLURM_STATE, SLURM_CONF unset): {howTo}");
        Skip.IfNot(available, $"Skipped: {howTo}.");

        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml("""
            replicates: 4
            parameters:
              - key: officials.promotion_strength
                values: [0.5, 1, 1.5, 2, 2.5, 3]
            """, steps: 12));
        var onSlurm = _dir.File("slurm-sweep");
        var local = _dir.File("local-sweep");
        Cli(ExitCodes.Success, "sweep", "plan", config, "--out", onSlurm);
        var directory = SweepDirectory.Open(onSlurm);
        Assert.Equal(24, directory.Plan.Runs.Count);

        // 12 tasks of 2 runs each, two at a time on the node's two CPUs.
        var submitted = Cli(ExitCodes.Success, "sweep", "slurm", onSlurm, "--tasks", "12", "--mem", "400M", "--time", "0:10:00", "--submit");
        var job = SubmittedJob().Match(submitted).Groups[1].Value;
        _jobs.Add(job);
        Log($"submitted array job {job}");

        // 1. Crash the node mid-sweep: some runs complete, tasks running.
        WaitFor("4 runs complete and a task running", () => directory.Scan().Complete.Count >= 4 && RunningTasks(job).Count > 0);
        var before = directory.Scan().Complete.Count;
        var killed = KillNode(state!, job, onSlurm);
        Log($"node crash: {before} of 24 runs complete; killed slurmd, {killed.Steps} slurmstepd and {killed.Tasks} task processes");
        Assert.True(killed.Tasks > 0, "no task process was running at the crash");
        Assert.True(killed.Steps > 0, "no step daemon of the job was found");
        Assert.True(before < 24, "the sweep finished before the crash");
        Start("slurmd", "-f", Environment.GetEnvironmentVariable("SLURM_CONF")!, "-N", "localhost");
        Log("slurmd restarted");

        // The controller notices the lost tasks 40-70 s later; the local reference sweep runs meanwhile.
        Cli(ExitCodes.Success, "sweep", config, "--out", local, "--parallel", "1");
        Log("local reference sweep done");

        // 2. Kill one task by itself while it has runs to do: it fails, and Slurm does not retry it.
        var killedTask = -1;
        WaitFor("a task with runs left to run", () =>
        {
            ReleaseRequeued(job);
            var missing = directory.Scan().Missing.Select(r => r.Index % 12).ToHashSet();
            foreach (var (task, pid) in TaskProcesses(onSlurm))
            {
                if (missing.Contains(task) && Kill(pid))
                {
                    killedTask = task;
                    return true;
                }
            }
            // Everything may already be done; then there is nothing left to kill.
            return QueueEmpty(job) || missing.Count == 0;
        });
        Log(killedTask >= 0 ? $"killed the process of task {killedTask}" : "no task was left to kill");

        // 3. Let Slurm requeue what the crash lost, then collect and resubmit what is still missing.
        WaitFor("the array job to end", () => ReleaseRequeued(job) && QueueEmpty(job));
        var controllerLog = Path.Combine(state!, "log", "slurmctld.log");
        var requeued = File.ReadLines(controllerLog).Count(l => l.Contains($"Requeuing JobId={job}_", StringComparison.Ordinal));
        Log($"slurmctld requeued {requeued} tasks of job {job} after the crash");
        Assert.True(requeued > 0, "Slurm requeued none of the tasks lost in the crash");
        var (code, report) = CliCode("sweep", "collect", onSlurm);
        Log($"collect: exit {code}\n{report}");
        var resubmitted = false;
        if (code == ExitCodes.Incomplete)
        {
            var line = Resubmit().Match(report);
            Assert.True(line.Success, report);
            var (exit, output, error) = Run("sbatch", "--parsable", $"--array={line.Groups[1].Value}", line.Groups[2].Value);
            Assert.True(exit == 0, error);
            var again = output.Trim().Split(';')[0];
            _jobs.Add(again);
            resubmitted = true;
            Log($"resubmitted tasks {line.Groups[1].Value} as job {again}");
            WaitFor("the resubmitted job to end", () => QueueEmpty(again));
            (code, report) = CliCode("sweep", "collect", onSlurm);
            Log($"collect: exit {code}\n{report}");
        }
        else
        {
            Assert.Equal(ExitCodes.Success, code);
        }
        if (killedTask >= 0)
            Assert.True(resubmitted, "a killed task's runs were complete without resubmission");

        // Every run exactly once, complete, nothing else under final names, no temporary directories left.
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("24 of 24 runs complete, 0 missing", report);
        var scan = directory.Scan();
        Assert.True(scan.IsComplete);
        Assert.Empty(scan.Temporaries);
        Assert.Equal(24, Directory.EnumerateFiles(onSlurm, "sweep-run.json", SearchOption.AllDirectories).Count());
        Assert.Equal(24, Directory.EnumerateFiles(onSlurm, "provinces.parquet", SearchOption.AllDirectories).Count());
        Assert.Equal(directory.Plan.Runs.Select(r => r.RunId).Order(), Directory.EnumerateFiles(onSlurm, "sweep-run.json", SearchOption.AllDirectories)
            .Select(f => SweepDirectory.ReadRecord(Path.GetDirectoryName(f)!)!.RunId).Order());

        // Identical data to the local sweep of the same config.
        foreach (var run in directory.Plan.Runs)
        {
            foreach (var table in new[] { "provinces", "industries", "nation", "officials" })
                Assert.Equal(RunFixtures.Read(Path.Combine(local, run.Partition), table), RunFixtures.Read(Path.Combine(onSlurm, run.Partition), table));
        }
        Assert.Equal(ParquetReadBack.ReadWithParquetSharp(Path.Combine(local, "summary.parquet")),
            ParquetReadBack.ReadWithParquetSharp(Path.Combine(onSlurm, "summary.parquet")));
        Log($"all 24 runs present once and identical to the local sweep; {_clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>SIGKILLs slurmd, the job's step daemons and every process of its tasks, as a node crash would.</summary>
    private (int Steps, int Tasks) KillNode(string state, string job, string sweepDirectory)
    {
        var slurmd = int.Parse(File.ReadAllText(Path.Combine(state, "slurmd.pid")).Trim(), CultureInfo.InvariantCulture);
        Kill(slurmd);
        // Each array task has its own job id ("%A"); its step daemons are named "slurmstepd: [ID.batch]" and so on.
        var ids = Run("squeue", "-h", "-j", job, "-o", "%A").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var steps = 0;
        foreach (var (pid, commandLine) in Processes())
        {
            if (commandLine.StartsWith("slurmstepd", StringComparison.Ordinal)
                && (ids.Any(id => commandLine.Contains($"[{id}.", StringComparison.Ordinal)) || commandLine.Contains($"[{job}.", StringComparison.Ordinal))
                && Kill(pid))
                steps++;
        }
        var tasks = TaskProcesses(sweepDirectory).Count(t => Kill(t.Pid));
        return (steps, tasks);
    }

    /// <summary>Processes running 'sweep run DIR --task-index I', with their task index.</summary>
    private static List<(int Task, int Pid)> TaskProcesses(string sweepDirectory)
    {
        var list = new List<(int, int)>();
        foreach (var (pid, commandLine) in Processes())
        {
            if (pid == Environment.ProcessId || !commandLine.Contains(sweepDirectory, StringComparison.Ordinal))
                continue;
            var index = TaskIndex().Match(commandLine);
            if (index.Success)
                list.Add((int.Parse(index.Groups[1].Value, CultureInfo.InvariantCulture), pid));
        }
        return list;
    }

    private static IEnumerable<(int Pid, string CommandLine)> Processes()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            yield return (pid, commandLine);
        }
    }

    private static bool Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private List<string> RunningTasks(string job) =>
        Run("squeue", "-h", "-j", job, "-t", "RUNNING", "-o", "%i").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private bool QueueEmpty(string job)
    {
        var (exit, output, _) = Run("squeue", "-h", "-j", job, "-o", "%i %T %r");
        // squeue fails for a job id the controller has already forgotten (MinJobAge): that job has ended too.
        return exit != 0 || output.Trim().Length == 0;
    }

    /// <summary>Requeued tasks wait about two minutes (Reason=BeginTime); this starts them at once. Always true.</summary>
    private bool ReleaseRequeued(string job)
    {
        Run("scontrol", "update", $"JobId={job}", "StartTime=now");
        return true;
    }

    private void WaitFor(string what, Func<bool> condition)
    {
        while (!condition())
        {
            if (_clock.Elapsed > Budget)
            {
                var queue = Run("squeue", "-a", "-o", "%i %T %r %M").Output;
                var state = Environment.GetEnvironmentVariable("AGENTSIM_SLURM_STATE")!;
                var controller = File.Exists(Path.Combine(state, "log", "slurmctld.log"))
                    ? string.Join('\n', File.ReadLines(Path.Combine(state, "log", "slurmctld.log")).TakeLast(30))
                    : "";
                Assert.Fail($"timed out after {_clock.Elapsed.TotalSeconds:F0} s waiting for {what}\nsqueue:\n{queue}\nslurmctld.log:\n{controller}");
            }
            Thread.Sleep(1000);
        }
        Log($"{what}: reached");
    }

    private string Cli(int expected, params string[] args)
    {
        var (code, output) = CliCode(args);
        Assert.True(code == expected, $"agentsim {string.Join(' ', args)}: exit {code}\n{output}");
        return output;
    }

    private static (int Code, string Output) CliCode(params string[] args)
    {
        var (code, stdout, stderr) = SweepFixtures.Cli(args);
        return (code, stdout + stderr);
    }

    private static void Start(string file, params string[] args)
    {
        var (exit, _, error) = Run(file, args);
        Assert.True(exit == 0, $"{file}: {error}");
    }

    private static (int Exit, string Output, string Error) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", $"{file} timed out");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    private void Log(string message) =>
        _log.WriteLine($"[{_clock.Elapsed.TotalSeconds,5:F0} s] {message}");

    [GeneratedRegex(@"submitted: job (\d+)")]
    private static partial Regex SubmittedJob();

    [GeneratedRegex(@"resubmit: sbatch --array=(\S+) (\S+)")]
    private static partial Regex Resubmit();

    [GeneratedRegex(@"--task-index (\d+)")]
    private static partial Regex TaskIndex();
}
