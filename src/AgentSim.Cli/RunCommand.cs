using System.Globalization;
using AgentSim.Analysis;
using AgentSim.Config;
using AgentSim.Model.State;
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
            return CompareCommand.RunReplicates(options, new ScenarioSpec(config.Name, options.ConfigPath, config, provinces), stdout, ct);
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
        };

        var interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        var threads = config.Threads > 0 ? config.Threads : Environment.ProcessorCount;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"running {options.ConfigPath}: {config.Firms:N0} firms, {config.BurnIn} burn-in + {config.Steps} quarters, seed {config.Seed}, {threads} threads"));

        var result = interactive
            ? RunWithProgressBar(console, request, ct)
            : RunWithProgressLines(stdout, request, ct);
        Summary.Print(console, result);
        ReportCommand.AfterRun(options, options.OutputDirectory, stdout, ct);
        return ExitCodes.Success;
    }

    /// <summary>Progress bars on a terminal; the simulation runs on a worker thread while Spectre redraws.</summary>
    private static RunResult RunWithProgressBar(IAnsiConsole console, RunRequest request, CancellationToken ct)
    {
        var config = request.Config;
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var burnIn = config.BurnIn > 0 ? ctx.AddTask("burn-in", autoStart: true, maxValue: config.BurnIn) : null;
                var quarters = ctx.AddTask("quarters", autoStart: false, maxValue: Math.Max(1, config.Steps));
                var reporter = new ImmediateProgress(p =>
                {
                    switch (p.Phase)
                    {
                        case RunPhase.BurnIn:
                            burnIn?.Value(p.Step);
                            break;
                        case RunPhase.Simulating:
                            if (!quarters.IsStarted)
                            {
                                quarters.StartTask();
                            }
                            quarters.Value(p.Step);
                            quarters.Description(string.Create(CultureInfo.InvariantCulture, $"quarter {p.Step}/{p.TotalSteps} · {p.FirmsAlive:N0} firms"));
                            break;
                        case RunPhase.Finishing:
                            quarters.Description("writing tables");
                            break;
                    }
                });
                var result = await Task.Run(() => RunWriter.RunAsync(request, reporter, ct), ct).ConfigureAwait(false);
                quarters.Description(string.Create(CultureInfo.InvariantCulture, $"{config.Steps} quarters"));
                return result;
            })
            .GetAwaiter().GetResult();
    }

    /// <summary>Plain lines when output is redirected (CI, logs, tests): about ten per run, never redrawn.</summary>
    private static RunResult RunWithProgressLines(TextWriter stdout, RunRequest request, CancellationToken ct)
    {
        var every = Math.Max(1, (request.Config.Steps + 9) / 10);
        var stepsStartedAt = TimeSpan.Zero;
        var reporter = new ImmediateProgress(p =>
        {
            switch (p.Phase)
            {
                case RunPhase.BurnIn when p.Step == p.TotalSteps:
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"burn-in done ({p.TotalSteps} quarters) · {p.FirmsAlive:N0} firms · elapsed {Clock(p.Elapsed)}"));
                    stepsStartedAt = p.Elapsed;
                    break;
                case RunPhase.Simulating when p.Step % every == 0 || p.Step == p.TotalSteps:
                    var perStep = (p.Elapsed - stepsStartedAt) / p.Step;
                    var eta = perStep * (p.TotalSteps - p.Step);
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"quarter {p.Step}/{p.TotalSteps} · {p.FirmsAlive:N0} firms · elapsed {Clock(p.Elapsed)} · eta {Clock(eta)}"));
                    break;
                case RunPhase.Finishing:
                    stdout.WriteLine("writing tables");
                    break;
            }
        });
        return RunWriter.RunAsync(request, reporter, ct).GetAwaiter().GetResult();
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

    /// <summary>--out, or runs/&lt;config file name without extension&gt; relative to the working directory.</summary>
    public string OutputDirectory => Out ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(ConfigPath));

    public static RunOptions Parse(string[] args) => Parse(args, "run");

    /// <summary>Parses the options of <paramref name="command"/> ("run" takes one config, "compare" one or more).</summary>
    public static RunOptions Parse(string[] args, string command)
    {
        var options = new RunOptions();
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 2)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"{arg} needs a value (see 'agentsim {command} --help')");
                }
                return args[++i];
            }
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
                case "--report":
                    options.Report = true;
                    break;
                case "--set":
                    var set = Value();
                    if (set.IndexOf('=', StringComparison.Ordinal) <= 0)
                    {
                        throw new UsageException($"--set '{set}': expected KEY=VALUE, e.g. --set officials.tenure=16");
                    }
                    options.Sets.Add(set);
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
        if (command == "compare" && options.Report && !options.Tables)
        {
            throw new UsageException("--report needs the runs' tables: add --tables");
        }
        options.ConfigPath = positional[0];
        options.ConfigPaths.AddRange(positional);
        return options;
    }

    /// <summary>The --set entries, then the shorthands as overrides, so the loader's resolved YAML includes them.</summary>
    public IReadOnlyList<string> Overrides()
    {
        var all = new List<string>(Sets);
        if (Seed is { } seed) all.Add(string.Create(CultureInfo.InvariantCulture, $"seed={seed}"));
        if (Firms is { } firms) all.Add(string.Create(CultureInfo.InvariantCulture, $"firms={firms}"));
        if (Steps is { } steps) all.Add(string.Create(CultureInfo.InvariantCulture, $"steps={steps}"));
        if (Threads is { } threads) all.Add(string.Create(CultureInfo.InvariantCulture, $"threads={threads}"));
        return all;
    }

    /// <summary>Applies the shorthands to the typed config as well, so they hold whatever the loader does with overrides.</summary>
    public void ApplyTo(SimulationConfig config)
    {
        if (Seed is { } seed) config.Seed = seed;
        if (Firms is { } firms) config.Firms = firms;
        if (Steps is { } steps) config.Steps = steps;
        if (Threads is { } threads) config.Threads = threads;
    }

    private static T Number<T>(string option, string text, T min, T max)
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
