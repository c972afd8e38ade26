using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AgentSim.Analysis.Sweeps;
using AgentSim.Output;

namespace AgentSim.Cli;

/// <summary>
/// The Slurm array job of a sweep: <c>DIR/slurm/sweep.sbatch</c> (one array task per shard, requeued after node
/// failures, logs in DIR/logs/) and <c>DIR/slurm/job.json</c>, which records the shard count so that
/// <c>sweep collect</c> can name the tasks to resubmit. Kubernetes indexed jobs need no script: their pods run
/// <c>agentsim sweep run DIR --tasks N</c> and the index comes from JOB_COMPLETION_INDEX.
/// </summary>
internal sealed class SlurmJob
{
    public const string ScriptFile = "sweep.sbatch";
    public const string JobFile = "job.json";

    public int Tasks { get; init; }
    public int CpusPerTask { get; init; } = 1;
    public string Memory { get; init; } = "2G";
    public string Time { get; init; } = "01:00:00";
    public string? Partition { get; init; }
    public string Script { get; init; } = "";
    public List<string> Submitted { get; init; } = new();

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static string Folder(SweepDirectory directory) => Path.Combine(directory.Root, SweepDirectory.SlurmFolder);

    /// <summary>The recorded job of a sweep directory, or null when <c>sweep slurm</c> has not been run there.</summary>
    public static SlurmJob? Read(SweepDirectory directory)
    {
        var path = Path.Combine(Folder(directory), JobFile);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<SlurmJob>(File.ReadAllText(path), Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public Task WriteAsync(SweepDirectory directory) =>
        AtomicFile.WriteAllTextAsync(Path.Combine(Folder(directory), JobFile), JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>The sbatch script: array 0..Tasks-1, requeue on node failure, one shard per task.</summary>
    public string ScriptText(SweepDirectory directory)
    {
        var plan = directory.Plan;
        var (host, entry) = Launcher();
        var logs = Path.Combine(directory.Root, SweepDirectory.LogsFolder);
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append(CultureInfo.InvariantCulture,
            $"# AgentSim sweep '{plan.Name}': {plan.Runs.Count} runs in {Tasks} array tasks; task I runs the runs with run_index % {Tasks} == I\n");
        text.Append("# and skips those already complete, so a task can be rerun at any time. Written by 'agentsim sweep slurm';\n");
        text.Append("# 'agentsim sweep collect DIR' checks the results and prints the sbatch line that resubmits missing runs.\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --job-name=agentsim-{JobName(plan.Name)}\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{Tasks - 1}\n");
        text.Append("#SBATCH --requeue\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={CpusPerTask}\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --mem={Memory}\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --time={Time}\n");
        if (Partition is not null)
            text.Append(CultureInfo.InvariantCulture, $"#SBATCH --partition={Partition}\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --output={logs}/%A_%a.out\n");
        text.Append("#SBATCH --open-mode=append\n");
        text.Append("set -euo pipefail\n");
        text.Append("export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1\n");
        text.Append(CultureInfo.InvariantCulture,
            $"exec {Quote(host)} {Quote(entry)} sweep run {Quote(directory.Root)} --task-index \"$SLURM_ARRAY_TASK_ID\" --tasks {Tasks} --parallel \"${{SLURM_CPUS_PER_TASK:-1}}\"\n");
        return text.ToString();
    }

    /// <summary>Submits the script with sbatch; returns the job id. <paramref name="array"/> replaces the script's --array.</summary>
    public static string Submit(string script, string? array = null)
    {
        var start = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--parsable");
        if (array is not null)
            start.ArgumentList.Add($"--array={array}");
        start.ArgumentList.Add(script);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SweepException("sbatch did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new SweepException($"sbatch not found: is this a Slurm login node? The script is written; submit it with 'sbatch {script}'");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new SweepException($"sbatch failed (exit code {process.ExitCode}): {stderr.Trim()}");
            return stdout.Result.Trim().Split(';')[0];
        }
    }

    /// <summary>
    /// How the script starts AgentSim: the dotnet host running this process (or the one next to the runtime) and the
    /// absolute path of agentsim.dll, so tasks run exactly the build that made the script.
    /// </summary>
    public static (string Host, string Entry) Launcher()
    {
        var entry = typeof(CliApp).Assembly.Location;
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet")
            return (process, entry);
        var fromRuntime = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..",
            OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        if (File.Exists(fromRuntime))
            return (fromRuntime, entry);
        return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet", entry);
    }

    private static string JobName(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        return safe.Length == 0 ? "sweep" : safe;
    }

    /// <summary>Single-quoted for bash.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
