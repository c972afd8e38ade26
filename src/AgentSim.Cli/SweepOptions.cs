using System.Globalization;

namespace AgentSim.Cli;

/// <summary>
/// Command-line options of <c>sweep</c> and its subcommands. Parsed by hand like <see cref="RunOptions"/>; each
/// subcommand accepts only its own options, so a misplaced one is an error rather than silently ignored.
/// </summary>
internal sealed class SweepOptions
{
    /// <summary>The subcommands; anything else in first position is the CONFIG of a local sweep.</summary>
    public static readonly string[] Subcommands = ["plan", "run", "slurm", "collect"];

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [""] = ["--out", "--parallel", "--firms", "--steps", "--seed", "--set", "--independent-streams"],
        ["plan"] = ["--out", "--firms", "--steps", "--seed", "--set", "--independent-streams"],
        ["run"] = ["--task-index", "--tasks", "--parallel", "--all"],
        ["slurm"] = ["--tasks", "--cpus-per-task", "--mem", "--time", "--partition", "--submit"],
        ["collect"] = [],
    };

    private static readonly HashSet<string> Flags = ["--independent-streams", "--all", "--submit", "--help", "-h", "--debug"];

    /// <summary>"" for a local sweep, else the subcommand.</summary>
    public string Subcommand { get; private set; } = "";

    /// <summary>CONFIG for a local sweep and plan; DIR for run, slurm and collect.</summary>
    public string Target { get; private set; } = "";

    public string? Out { get; private set; }
    public int Parallel { get; private set; }
    public int? Firms { get; private set; }
    public int? Steps { get; private set; }
    public long? Seed { get; private set; }
    public List<string> Sets { get; } = new();
    public bool IndependentStreams { get; private set; }
    public int? TaskIndex { get; private set; }
    public int? Tasks { get; private set; }
    public bool All { get; private set; }
    public int CpusPerTask { get; private set; } = 1;
    public string Memory { get; private set; } = "2G";
    public string Time { get; private set; } = "01:00:00";
    public string? Partition { get; private set; }
    public bool Submit { get; private set; }
    public bool Help { get; private set; }

    /// <summary>Whether --parallel was given (otherwise a task uses SLURM_CPUS_PER_TASK, or every core).</summary>
    public bool ParallelGiven { get; private set; }

    /// <summary>--out, or runs/&lt;config file name without extension&gt;.</summary>
    public string OutputDirectory => Out ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(Target));

    public string CommandName => Subcommand.Length == 0 ? Command : $"{Command} {Subcommand}";

    /// <summary>The command these options belong to: <c>sweep</c>, or a study command built on sweeps (<c>sensitivity</c>, <c>replicates</c>).</summary>
    public string Command { get; private init; } = "sweep";

    /// <param name="command">The command, for messages; its section (sweep:, sensitivity:) is named after it.</param>
    public static SweepOptions Parse(string[] args, string command = "sweep")
    {
        var options = new SweepOptions { Command = command };
        var start = 0;
        if (args.Length > 0 && Subcommands.Contains(args[0]))
        {
            options.Subcommand = args[0];
            start = 1;
        }
        var allowed = Allowed[options.Subcommand];
        var positional = new List<string>();
        var cursor = new ArgumentCursor(args, start, options.CommandName);
        while (cursor.MoveNext())
        {
            var arg = cursor.Current;
            var inline = cursor.Inline;
            if (arg is "-h" or "--help")
            {
                options.Help = true;
                continue;
            }
            if (arg == "--debug")
                continue;
            if (arg.StartsWith('-') && arg.Length > 1)
            {
                if (!allowed.Contains(arg))
                {
                    var elsewhere = Allowed.Where(kv => kv.Value.Contains(arg)).Select(kv => kv.Key.Length == 0 ? $"{command} CONFIG" : $"{command} {kv.Key}").ToList();
                    throw new UsageException(elsewhere.Count > 0
                        ? $"'{options.CommandName}' has no option {arg} (it belongs to {string.Join(" and ", elsewhere)}; see 'agentsim {options.CommandName} --help')"
                        : $"unknown option '{arg}' (see 'agentsim {options.CommandName} --help')");
                }
                if (Flags.Contains(arg))
                {
                    if (inline is not null)
                        throw new UsageException($"{arg} takes no value");
                    options.SetFlag(arg);
                    continue;
                }
                options.SetValue(arg, cursor.Value());
                continue;
            }
            positional.Add(arg);
        }
        if (options.Help)
            return options;
        var what = options.Subcommand is "" or "plan" ? "CONFIG" : "DIR";
        if (positional.Count == 0)
            throw new UsageException($"{options.CommandName} needs {(what == "CONFIG" ? $"a config file with a {(command == "replicates" ? "scenario" : command + ": section")}" : $"a {command} directory")}: agentsim {options.CommandName} {what} [options]");
        if (positional.Count > 1)
            throw new UsageException($"{options.CommandName} takes one {what}, got {positional.Count}: {string.Join(", ", positional)}");
        options.Target = positional[0];
        if (options.All && options.TaskIndex is not null)
            throw new UsageException("--all and --task-index exclude each other: run every run, or one task's share");
        if (options.TaskIndex is { } index && options.Tasks is { } tasks && index >= tasks)
            throw new UsageException($"--task-index {index} is out of range for --tasks {tasks} (0 to {tasks - 1})");
        return options;
    }

    private void SetFlag(string flag)
    {
        switch (flag)
        {
            case "--independent-streams": IndependentStreams = true; break;
            case "--all": All = true; break;
            case "--submit": Submit = true; break;
        }
    }

    private void SetValue(string option, string value)
    {
        switch (option)
        {
            case "--out": Out = value; break;
            case "--parallel": Parallel = RunOptions.Number<int>(option, value, 0, 1024); ParallelGiven = true; break;
            case "--firms": Firms = RunOptions.Number<int>(option, value, 1, int.MaxValue); break;
            case "--steps": Steps = RunOptions.Number<int>(option, value, 1, int.MaxValue); break;
            case "--seed": Seed = RunOptions.Number<long>(option, value, 0, long.MaxValue); break;
            case "--task-index": TaskIndex = RunOptions.Number<int>(option, value, 0, int.MaxValue - 1); break;
            case "--tasks": Tasks = RunOptions.Number<int>(option, value, 1, int.MaxValue); break;
            case "--cpus-per-task": CpusPerTask = RunOptions.Number<int>(option, value, 1, 4096); break;
            case "--mem": Memory = SlurmValue(option, value, "a size such as 4G or 500M"); break;
            case "--time": Time = SlurmValue(option, value, "a time limit such as 2:00:00 or 1-00:00:00"); break;
            case "--partition": Partition = SlurmValue(option, value, "a partition name"); break;
            case "--set": Sets.Add(RunOptions.SetValue(value)); break;
        }
    }

    /// <summary>The --set entries, then --seed/--firms/--steps, as for 'run'.</summary>
    public IReadOnlyList<string> Overrides() => RunOptions.Overrides(Sets, Seed, Firms, Steps);

    /// <summary>Values that end up on an #SBATCH line: no spaces, quotes or shell specials.</summary>
    private static string SlurmValue(string option, string value, string expected)
    {
        if (value.Length == 0 || value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is ':' or '-' or '_' or '.' or ',')))
            throw new UsageException($"{option}: expected {expected}, got '{value}'");
        return value;
    }
}
