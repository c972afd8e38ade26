using System.Globalization;
using AgentSim.Analysis;
using AgentSim.Config;
using AgentSim.Model.State;
using AgentSim.Output;
using AgentSim.Output.Runs;
using Spectre.Console;

namespace AgentSim.Cli;

/// <summary><c>agentsim run CONFIG [options]</c>: loads the config, runs it through <see cref="RunWriter"/>, prints a summary.</summary>
internal static class RunCommand
{
    public static int Execute(string[] args, TextWriter stdout, CancellationToken ct)
    {
        var options = RunOptions.Parse(args);
        if (options.Help)
        {
            stdout.Write(Usage.Run);
            return ExitCodes.Success;
        }

        var (config, configDirectory, resolvedYaml) = CliApp.ConfigSource(options.ConfigPath, options.Overrides());
        options.ApplyTo(config);
        var provinces = ProvinceData.Load(Path.Combine(configDirectory, config.Provinces.DataFile));
        AgentSim.Model.Simulation.ValidateInputs(config, provinces);
        if (options.Replicates is > 1)
        {
            Indicators.EnsureHorizon(config.Steps, "run --replicates");
            using var replicatesLock = FolderLock.Acquire(options.OutputDirectory);
            return CompareCommand.RunReplicates(options, new ScenarioSpec(config.Name, options.ConfigPath, config, provinces), stdout, ct);
        }
        RunWriter.EnsureMemory(config, provinces.Count);
        // Held until the report is written: a second run, resume or --force into this folder is refused meanwhile.
        using var folderLock = FolderLock.Acquire(options.OutputDirectory);
        if (options.Resume && Interrupted(options.OutputDirectory) is { } status)
        {
            if (status == Manifest.StatusComplete)
            {
                stdout.WriteLine($"the run in {options.OutputDirectory} is already complete; nothing to resume");
                return ExitCodes.Success;
            }
            // Same command line as the interrupted run: the checkpoint must match this config and data.
            var resumed = ResumeRun(stdout, new ResumeRequest
            {
                OutputDirectory = options.OutputDirectory,
                Config = config,
                Provinces = provinces,
                Threads = config.Threads,
                CheckpointEvery = options.CheckpointEvery,
                FirmChecksEvery = options.FirmChecksEvery ?? 1,
                OnStep = CliApp.StepHook,
            }, ct);
            ReportCommand.AfterRun(options, options.OutputDirectory, stdout, ct);
            return resumed;
        }
        var request = new RunRequest
        {
            Config = config,
            Provinces = provinces,
            OutputDirectory = options.OutputDirectory,
            ConfigPath = options.ConfigPath,
            ResolvedConfigYaml = resolvedYaml,
            Threads = config.Threads,
            Force = options.Force,
            CheckpointEvery = options.CheckpointEvery ?? 0,
            FirmChecksEvery = options.FirmChecksEvery ?? 1,
            OnStep = CliApp.StepHook,
        };

        var threads = config.Threads > 0 ? config.Threads : Environment.ProcessorCount;
        var checkpoints = request.CheckpointEvery > 0 ? $", checkpoint every {request.CheckpointEvery} quarters" : "";
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"running {options.ConfigPath}: {config.Firms:N0} firms, {config.BurnIn} burn-in + {config.Steps} quarters, seed {config.Seed}, {Summary.Threads(threads)}{checkpoints}"));
        var code = Report(stdout, progress => RunWriter.RunAsync(request, progress, ct), ct, options.Raw);
        ReportCommand.AfterRun(options, options.OutputDirectory, stdout, ct);
        return code;
    }

    /// <summary><c>agentsim resume DIR</c>: continues an interrupted checkpointed run with the config recorded in its manifest.</summary>
    public static int Resume(string[] args, TextWriter stdout, CancellationToken ct)
    {
        var options = ResumeOptions.Parse(args);
        if (options.Help)
        {
            stdout.Write(Usage.Resume);
            return ExitCodes.Success;
        }
        // A missing folder is not created by locking it: ResumeAsync reports it.
        using var folderLock = Directory.Exists(options.Directory) ? FolderLock.Acquire(options.Directory) : null;
        if (Interrupted(options.Directory) == Manifest.StatusComplete)
        {
            stdout.WriteLine($"the run in {options.Directory} is already complete; nothing to resume");
            return ExitCodes.Success;
        }
        return ResumeRun(stdout, new ResumeRequest
        {
            OutputDirectory = options.Directory,
            Threads = options.Threads ?? 0,
            CheckpointEvery = options.CheckpointEvery,
            FirmChecksEvery = options.FirmChecksEvery ?? 1,
            OnStep = CliApp.StepHook,
        }, ct);
    }

    private static int ResumeRun(TextWriter stdout, ResumeRequest request, CancellationToken ct)
    {
        var checkpoints = RunCheckpoint.List(Path.GetFullPath(request.OutputDirectory));
        var from = checkpoints.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $" from its checkpoint at step {checkpoints[0].Step}") : "";
        stdout.WriteLine($"resuming {request.OutputDirectory}{from}");
        return Report(stdout, progress => RunWriter.ResumeAsync(request, progress, ct), ct);
    }

    /// <summary>The status in DIR/manifest.json, or null when there is no readable manifest (nothing to resume).</summary>
    private static string? Interrupted(string directory)
    {
        var path = Path.Combine(directory, RunManifest.FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return RunManifest.Deserialize(File.ReadAllText(path)).Status;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"cannot read '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Runs with progress (a bar on a terminal, lines otherwise) and prints the summary.</summary>
    private static int Report(TextWriter stdout, Func<IProgress<RunProgress>, Task<RunResult>> run, CancellationToken ct, bool raw = false)
    {
        var interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        var result = interactive
            ? RunWithProgressBar(console, run, ct)
            : RunWithProgressLines(stdout, run);
        Summary.Print(console, result, raw);
        return ExitCodes.Success;
    }

    /// <summary>Progress bars on a terminal; the simulation runs on a worker thread while Spectre redraws.</summary>
    private static RunResult RunWithProgressBar(IAnsiConsole console, Func<IProgress<RunProgress>, Task<RunResult>> run, CancellationToken ct)
    {
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                ProgressTask? burnIn = null;
                ProgressTask? quarters = null;
                var reporter = new ImmediateProgress(p =>
                {
                    switch (p.Phase)
                    {
                        case RunPhase.BurnIn:
                            burnIn ??= ctx.AddTask("burn-in", autoStart: true, maxValue: p.TotalSteps);
                            burnIn.Value(p.Step);
                            break;
                        case RunPhase.Simulating:
                            quarters ??= ctx.AddTask("quarters", autoStart: true, maxValue: Math.Max(1, p.TotalSteps));
                            quarters.Value(p.Step);
                            quarters.Description(string.Create(CultureInfo.InvariantCulture, $"quarter {p.Step}/{p.TotalSteps} · {p.FirmsAlive:N0} firms"));
                            break;
                        case RunPhase.Finishing:
                            quarters?.Description("writing tables");
                            break;
                    }
                });
                var result = await Task.Run(() => run(reporter), ct).ConfigureAwait(false);
                quarters?.Description(string.Create(CultureInfo.InvariantCulture, $"{result.Headlines.Steps} quarters"));
                return result;
            })
            .GetAwaiter().GetResult();
    }

    /// <summary>Plain lines when output is redirected (CI, logs, tests): about ten per run, never redrawn.</summary>
    private static RunResult RunWithProgressLines(TextWriter stdout, Func<IProgress<RunProgress>, Task<RunResult>> run)
    {
        var stepsStartedAt = TimeSpan.Zero;
        var firstStep = -1;
        var reporter = new ImmediateProgress(p =>
        {
            var every = Math.Max(1, (p.TotalSteps + 9) / 10);
            switch (p.Phase)
            {
                case RunPhase.BurnIn when p.Step == p.TotalSteps:
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"burn-in done ({p.TotalSteps} quarters) · {p.FirmsAlive:N0} firms · elapsed {Clock(p.Elapsed)}"));
                    stepsStartedAt = p.Elapsed;
                    break;
                case RunPhase.Initialising when p.Step > 0:
                    // A resumed run starts at its checkpoint.
                    firstStep = p.Step;
                    stepsStartedAt = p.Elapsed;
                    break;
                case RunPhase.Simulating when p.Step % every == 0 || p.Step == p.TotalSteps:
                    var done = p.Step - Math.Max(0, firstStep);
                    var perStep = done > 0 ? (p.Elapsed - stepsStartedAt) / done : TimeSpan.Zero;
                    var eta = perStep * (p.TotalSteps - p.Step);
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"quarter {p.Step}/{p.TotalSteps} · {p.FirmsAlive:N0} firms · elapsed {Clock(p.Elapsed)} · eta {Clock(eta)}"));
                    break;
                case RunPhase.Finishing:
                    stdout.WriteLine("writing tables");
                    break;
            }
        });
        return run(reporter).GetAwaiter().GetResult();
    }

    private static string Clock(TimeSpan t) => t.ToString(t.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reports on the caller's thread. <see cref="Progress{T}"/> would post to the thread pool, so lines could arrive
    /// out of order or after the summary.
    /// </summary>
    private sealed class ImmediateProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}

/// <summary>Command-line options of <c>run</c>, parsed by hand: the grammar is small and errors must be precise.</summary>
internal sealed class RunOptions
{
    public string ConfigPath { get; private set; } = "";
    public string? Out { get; private set; }
    public long? Seed { get; private set; }
    public int? Threads { get; private set; }
    public int? Firms { get; private set; }
    public int? Steps { get; private set; }
    public List<string> Sets { get; } = new();
    public bool Force { get; private set; }
    public bool Help { get; private set; }
    public int? Replicates { get; private set; }
    public int Parallel { get; private set; }
    public bool Tables { get; private set; }
    public bool Report { get; private set; }
    public List<string> ConfigPaths { get; } = new();
    public int? CheckpointEvery { get; private set; }
    public int? FirmChecksEvery { get; private set; }
    public bool Resume { get; private set; }

    /// <summary>Indicator names and values as in the Parquet tables (snake_case, full precision), for scripts.</summary>
    public bool Raw { get; private set; }

    /// <summary>compare: also write the signature table as a LaTeX tabular (signature.tex).</summary>
    public bool Latex { get; private set; }

    /// <summary>--out, or runs/&lt;config file name without extension&gt; relative to the working directory.</summary>
    public string OutputDirectory => Out ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(ConfigPath));

    public static RunOptions Parse(string[] args) => Parse(args, "run");

    /// <summary>Parses the options of <paramref name="command"/> ("run" takes one config, "compare" one or more).</summary>
    public static RunOptions Parse(string[] args, string command)
    {
        var options = new RunOptions();
        var positional = new List<string>();
        var cursor = new ArgumentCursor(args, 0, command);
        while (cursor.MoveNext())
        {
            var arg = cursor.Current;
            string Value() => cursor.Value();
            switch (arg)
            {
                case "-h" or "--help":
                    options.Help = true;
                    break;
                case "--force":
                    options.Force = true;
                    break;
                case "--debug":
                    break;
                case "--out":
                    options.Out = Value();
                    break;
                case "--seed":
                    options.Seed = Number<long>(arg, Value(), 0, long.MaxValue);
                    break;
                case "--threads":
                    options.Threads = Number<int>(arg, Value(), 0, 1024);
                    break;
                case "--firms":
                    options.Firms = Number<int>(arg, Value(), 1, int.MaxValue);
                    break;
                case "--steps":
                    options.Steps = Number<int>(arg, Value(), 1, int.MaxValue);
                    break;
                case "--replicates":
                    options.Replicates = Number<int>(arg, Value(), 1, 100_000);
                    break;
                case "--parallel":
                    options.Parallel = Number<int>(arg, Value(), 0, 1024);
                    break;
                case "--tables":
                    options.Tables = true;
                    break;
                case "--checkpoint-every" when command == "run":
                    options.CheckpointEvery = Number<int>(arg, Value(), 1, int.MaxValue);
                    break;
                case "--firm-checks-every" when command == "run":
                    options.FirmChecksEvery = Number<int>(arg, Value(), 0, int.MaxValue);
                    break;
                case "--resume" when command == "run":
                    options.Resume = true;
                    break;
                case "--report":
                    options.Report = true;
                    break;
                case "--raw":
                    options.Raw = true;
                    break;
                case "--latex" when command == "compare":
                    options.Latex = true;
                    break;
                case "--set":
                    options.Sets.Add(SetValue(Value()));
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        throw new UsageException($"unknown option '{arg}' (see 'agentsim {command} --help')");
                    }
                    positional.Add(arg);
                    break;
            }
        }
        if (options.Help)
        {
            return options;
        }
        if (positional.Count == 0)
        {
            throw new UsageException(command == "compare"
                ? "compare needs one or more config files: agentsim compare CONFIG... [options]"
                : "run needs a config file: agentsim run CONFIG [options]");
        }
        if (positional.Count > 1 && command != "compare")
        {
            throw new UsageException($"run takes one config file, got {positional.Count}: {string.Join(", ", positional)} (to run several, use 'agentsim compare')");
        }
        if (command == "run" && (options.Tables || options.Parallel != 0) && options.Replicates is null or 1)
        {
            throw new UsageException("--tables and --parallel apply to replicates: add --replicates N");
        }
        if (options.Resume && options.Force)
        {
            throw new UsageException("--resume and --force are alternatives: --resume continues an interrupted run from its last checkpoint, --force restarts it from the beginning");
        }
        if ((options.Resume || options.CheckpointEvery is not null) && options.Replicates is > 1)
        {
            throw new UsageException("--checkpoint-every and --resume apply to a single run, not to --replicates");
        }
        if (command == "compare" && options.Report && !options.Tables)
        {
            throw new UsageException("--report needs the runs' tables: add --tables");
        }
        options.ConfigPath = positional[0];
        options.ConfigPaths.AddRange(positional);
        return options;
    }

    /// <summary>The --set entries, then the shorthands as overrides, so the loader's resolved YAML includes them.</summary>
    public IReadOnlyList<string> Overrides() => Overrides(Sets, Seed, Firms, Steps, Threads);

    /// <summary>The overrides of any command's options: the --set entries, then --seed, --firms, --steps, --threads.</summary>
    public static IReadOnlyList<string> Overrides(IEnumerable<string> sets, long? seed, int? firms, int? steps, int? threads = null)
    {
        var all = new List<string>(sets);
        if (seed is { } s) all.Add(string.Create(CultureInfo.InvariantCulture, $"seed={s}"));
        if (firms is { } f) all.Add(string.Create(CultureInfo.InvariantCulture, $"firms={f}"));
        if (steps is { } t) all.Add(string.Create(CultureInfo.InvariantCulture, $"steps={t}"));
        if (threads is { } n) all.Add(string.Create(CultureInfo.InvariantCulture, $"threads={n}"));
        return all;
    }

    /// <summary>A --set value, checked to be KEY=VALUE (the key itself is checked when the config loads).</summary>
    public static string SetValue(string set) =>
        set.IndexOf('=', StringComparison.Ordinal) > 0 ? set
            : throw new UsageException($"--set '{set}': expected KEY=VALUE, e.g. --set officials.tenure=16");

    /// <summary>Applies the shorthands to the typed config as well, so they hold whatever the loader does with overrides.</summary>
    public void ApplyTo(SimulationConfig config)
    {
        if (Seed is { } seed) config.Seed = seed;
        if (Firms is { } firms) config.Firms = firms;
        if (Steps is { } steps) config.Steps = steps;
        if (Threads is { } threads) config.Threads = threads;
    }

    internal static T Number<T>(string option, string text, T min, T max)
        where T : struct, System.Numerics.INumber<T>
    {
        if (!T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException($"{option}: expected a whole number, got '{text}'");
        }
        if (value < min || value > max)
        {
            throw new UsageException($"{option}: {value} is out of range [{min}, {max}]");
        }
        return value;
    }
}

/// <summary>Command-line options of <c>resume</c>.</summary>
internal sealed class ResumeOptions
{
    public string Directory { get; private set; } = "";
    public int? Threads { get; private set; }
    public int? CheckpointEvery { get; private set; }
    public int? FirmChecksEvery { get; private set; }
    public bool Help { get; private set; }

    public static ResumeOptions Parse(string[] args)
    {
        var options = new ResumeOptions();
        var positional = new List<string>();
        var cursor = new ArgumentCursor(args, 0, "resume");
        while (cursor.MoveNext())
        {
            var arg = cursor.Current;
            string Value() => cursor.Value();
            switch (arg)
            {
                case "-h" or "--help":
                    options.Help = true;
                    break;
                case "--debug":
                    break;
                case "--threads":
                    options.Threads = RunOptions.Number<int>(arg, Value(), 0, 1024);
                    break;
                case "--checkpoint-every":
                    options.CheckpointEvery = RunOptions.Number<int>(arg, Value(), 1, int.MaxValue);
                    break;
                case "--firm-checks-every":
                    options.FirmChecksEvery = RunOptions.Number<int>(arg, Value(), 0, int.MaxValue);
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        throw new UsageException($"unknown option '{arg}' for resume (see 'agentsim resume --help')");
                    }
                    positional.Add(arg);
                    break;
            }
        }
        if (options.Help)
        {
            return options;
        }
        if (positional.Count != 1)
        {
            throw new UsageException(positional.Count == 0
                ? "resume needs the run directory: agentsim resume DIR"
                : $"resume takes one run directory, got {positional.Count}: {string.Join(", ", positional)}");
        }
        options.Directory = positional[0];
        return options;
    }
}
