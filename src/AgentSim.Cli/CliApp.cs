using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.Checkpoints;
using AgentSim.Model.Guards;
using AgentSim.Model.State;
using AgentSim.Output.Runs;

namespace AgentSim.Cli;

/// <summary>Process exit codes; distinct so scripts and schedulers can tell failures apart.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    /// <summary><c>sweep collect</c>: the sweep is consistent but some runs are missing (resubmit them).</summary>
    public const int Incomplete = 3;
    /// <summary>The run stopped because a quarter broke an invariant (NaN, negative stock, identity off); the tables keep the quarters before it.</summary>
    public const int InvariantViolation = 4;
    /// <summary>Interrupted by the user (Ctrl+C), following the shell convention 128 + SIGINT.</summary>
    public const int Cancelled = 130;
}

/// <summary>A malformed command line: reported as <c>error: ...</c> with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The command-line application. Tests call <see cref="Run"/> directly: it is the real entry point.</summary>
public static class CliApp
{
    /// <summary>
    /// Loads a config file: (path, <c>--set key=value</c> overrides in order) to the resolved config, the directory
    /// its relative paths are resolved against, and the resolved config as YAML for the manifest. The command-line
    /// shorthands (--seed, --firms, --steps, --threads) arrive as overrides after the user's --set entries.
    /// Defaults to the YAML loader; tests swap in a source that returns a small config. A source reports bad
    /// input with <see cref="ConfigException"/> or <see cref="InputException"/>.
    /// </summary>
    public static Func<string, IReadOnlyList<string>, (SimulationConfig Config, string ConfigDirectory, string ResolvedYaml)> ConfigSource { get; set; }
        = LoadYaml;

    /// <summary>The YAML loader (<see cref="ConfigLoader"/>) in the shape of <see cref="ConfigSource"/>.</summary>
    /// <summary>
    /// What Ctrl+C left behind and how to go on, for the command that was running: only a single run can be resumed;
    /// replicates and comparisons start again (a sweep says itself that it resumes).
    /// </summary>
    internal static string CancelledMessage(string[] args)
    {
        string command = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "";
        int at = Array.IndexOf(args, "--replicates");
        bool replicates = at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out int n) && n > 1;
        if (command == "compare" || command == "ablate" || (command == "run" && replicates))
            return "error: cancelled; the runs in progress were stopped and the output directory is incomplete; replicates cannot be resumed: rerun the same command with --force to start again";
        if (command == "sweep")
            return "error: cancelled; finished runs are kept: run the same sweep command again to continue with the rest";
        return "error: cancelled; the run directory is left incomplete (its manifest says so); a run started with --checkpoint-every can be continued with 'agentsim resume DIR'";
    }

    /// <summary>Test hook: called with the simulation after every recorded quarter of 'run' and 'resume', before the invariant checks.</summary>
    internal static Action<Simulation>? StepHook { get; set; }

    public static (SimulationConfig Config, string ConfigDirectory, string ResolvedYaml) LoadYaml(string path, IReadOnlyList<string> overrides)
    {
        var loaded = ConfigLoader.Load(path, overrides);
        return (loaded.Config, loaded.ConfigDirectory, loaded.ResolvedYaml);
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        var debug = args.Contains("--debug");
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl+C stops the run cleanly (tables deleted, manifest left incomplete); a second one kills.
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (kill, scancel, a Slurm time limit) stops like Ctrl+C: a sweep drops its runs in progress cleanly
        // and a run leaves its manifest incomplete. A second SIGTERM terminates at once.
        using var onTerminate = OnTerminate(cancel);
        try
        {
            try
            {
                return Dispatch(args, stdout, stderr, cancel.Token);
            }
            catch (AggregateException ex) when (ex.Flatten().InnerExceptions.Count > 0)
            {
                // Parallel runs (replicates, compare) wrap what a run threw: report the first failure as itself.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.Flatten().InnerExceptions[0]).Throw();
                throw;
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            stderr.WriteLine(CancelledMessage(args));
            return ExitCodes.Cancelled;
        }
        catch (InvariantViolationException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
            stderr.WriteLine("The run stopped; its tables hold the quarters before this one, and manifest.json records the error (status incomplete).");
            return ExitCodes.InvariantViolation;
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            stderr.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (AgentSim.Output.EnvironmentErrors.Describe(ex) is { } sentence)
        {
            stderr.WriteLine($"error: {sentence}");
            return ExitCodes.BadInput;
        }
        catch (Exception ex)
        {
            stderr.WriteLine($"error: unexpected failure ({ex.GetType().Name}): {ex.Message}");
            if (debug)
            {
                stderr.WriteLine(ex.ToString());
            }
            else
            {
                stderr.WriteLine("This is a bug in AgentSim: please report it with the command line and config (rerun with --debug for the stack trace).");
            }
            return ExitCodes.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static System.Runtime.InteropServices.PosixSignalRegistration? OnTerminate(CancellationTokenSource cancel)
    {
        try
        {
            return System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
            {
                context.Cancel = !cancel.IsCancellationRequested;
                cancel.Cancel();
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Exceptions that mean the user's input is wrong (exit code 2, message only, no stack trace).</summary>
    private static bool IsUserError(Exception ex) => ex is UsageException or ConfigException or InputException or OutputException
        or AgentSim.Analysis.Sweeps.SweepException or CheckpointException or MemoryLimitException or UserFileException;

    private static int Dispatch(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (args.Length == 0)
        {
            stderr.Write(Usage.General);
            return ExitCodes.BadInput;
        }
        switch (args[0])
        {
            case "-h" or "--help" or "help":
                stdout.Write(Usage.General);
                return ExitCodes.Success;
            case "--version":
                stdout.WriteLine($"agentsim {typeof(CliApp).Assembly.GetName().Version}");
                return ExitCodes.Success;
            case "run":
                return RunCommand.Execute(args[1..], stdout, ct);
            case "resume":
                return RunCommand.Resume(args[1..], stdout, ct);
            case "ablate":
                return AblateCommand.Execute(args[1..], stdout, ct);
            case "compare":
                return CompareCommand.Execute(args[1..], stdout, ct);
            case "sweep":
                return SweepCommand.Execute(args[1..], stdout, ct);
            case "calibrate":
                return CalibrateCommand.Execute(args[1..], stdout, ct);
            case "replicates":
                return ReplicatesCommand.Execute(args[1..], stdout, ct);
            case "sensitivity":
                return SensitivityCommand.Execute(args[1..], stdout, ct);
            case "report":
                return ReportCommand.Execute(args[1..], stdout, ct);
            case "validate":
                return InfoCommands.Validate(args[1..], stdout);
            case "explain":
                return InfoCommands.Explain(args[1..], stdout);
            case "scenarios":
                return InfoCommands.Scenarios(args[1..], stdout);
            default:
                throw new UsageException($"unknown command '{args[0]}' (commands: run, resume, compare, sweep, sensitivity, calibrate, replicates, ablate, report, validate, explain, scenarios; see 'agentsim --help')");
        }
    }
}
