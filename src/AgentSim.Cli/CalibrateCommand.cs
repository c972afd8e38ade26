using System.Globalization;
using System.Text;
using AgentSim.Analysis.Sensitivity;
using AgentSim.Config;
using Spectre.Console;

namespace AgentSim.Cli;

/// <summary>
/// <c>agentsim calibrate SPEC</c>: simulated method of moments over the free parameters of SPEC's
/// <c>calibration:</c> section; every evaluation logged (resume by rerunning), the best parameters as a config that
/// extends SPEC, the fit against the targets and the parameters the moments identify only weakly.
/// </summary>
internal static class CalibrateCommand
{
    public static int Execute(string[] args, TextWriter stdout, CancellationToken ct)
    {
        var options = SweepOptions.Parse(args, "calibrate");
        if (options.Help)
        {
            stdout.Write(Usage.Calibrate);
            return ExitCodes.Success;
        }
        if (options.Subcommand.Length > 0)
            throw new UsageException($"'calibrate {options.Subcommand}' does not exist (see 'agentsim calibrate --help')");
        if (options.IndependentStreams)
            throw new UsageException("calibrate always uses common random numbers: the same seeds at every evaluation keep the objective a fixed function of the parameters");
        var overrides = options.Overrides();
        var loaded = ConfigLoader.Load(options.Target, overrides);
        var provinces = Model.State.ProvinceData.Load(loaded.ResolvePath(loaded.Config.Provinces.DataFile));
        Model.Simulation.ValidateInputs(loaded.Config, provinces);
        var directory = options.OutputDirectory;
        var calibrator = new Calibrator(loaded, provinces, directory, options.Parallel);
        var spec = loaded.Calibration!;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calibrate {options.Target}: {calibrator.Parameters.Count} parameters ({string.Join(", ", calibrator.Parameters.Select(p => p.Key))}) to {calibrator.Moments.Count} moments, {spec.Replicates} replicates per evaluation, at most {spec.MaxEvaluations} evaluations; {loaded.Config.Firms:N0} firms, {loaded.Config.BurnIn} burn-in + {loaded.Config.Steps} quarters"));
        stdout.WriteLine($"output: {directory}");
        var count = 0;
        var best = double.PositiveInfinity;
        calibrator.Evaluated += (e, logged) =>
        {
            count++;
            best = Math.Min(best, e.Objective);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"evaluation {count}/{spec.MaxEvaluations}{(logged ? " (from the log)" : "")}: objective {e.Objective:G4} (best {best:G4}) at {string.Join(", ", calibrator.Parameters.Select((p, i) => $"{p.Key}={e.Values[i]}"))}"));
        };
        CalibrationResult result;
        try
        {
            result = calibrator.Run(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stdout.WriteLine($"cancelled after {count} evaluations; rerun the same command to resume (logged evaluations are not run again)");
            return ExitCodes.Cancelled;
        }
        var bestPath = calibrator.WriteAsync(result, options.Target, ct).GetAwaiter().GetResult();
        var fitPath = Path.Combine(directory, "fit.md");
        File.WriteAllText(fitPath, FitMarkdown(result));
        Print(stdout, result);
        stdout.WriteLine(result.Converged
            ? $"converged after {result.Evaluations.Count} evaluations ({result.Resumed} from the log)"
            : $"stopped at the budget of {spec.MaxEvaluations} evaluations ({result.Resumed} from the log) before the simplex converged; raise calibration.max_evaluations and rerun to continue");
        stdout.WriteLine($"best: {bestPath} (agentsim run {bestPath}); every evaluation: {Path.Combine(directory, Calibrator.TableFile)}; fit: {fitPath}");
        return ExitCodes.Success;
    }

    private static void Print(TextWriter stdout, CalibrationResult result)
    {
        var console = PlainConsole.Create(stdout, 160);
        var fit = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"Fitted vs target (objective {result.Best.Objective.ToString("G4", CultureInfo.InvariantCulture)})"));
        foreach (var c in new[] { "moment", "target", "sd", "fitted", "95% CI", "z", "source" })
            fit.AddColumn(c);
        foreach (var m in result.Fit)
            fit.AddRow(Markup.Escape(m.Indicator), F(m.Target), F(m.Sd), F(m.Fitted), Markup.Escape($"[{F(m.Low)}, {F(m.High)}]"), m.Z.ToString("F2", CultureInfo.InvariantCulture), Markup.Escape(m.Source));
        console.Write(fit);
        var id = new Table().Border(TableBorder.Rounded).Title("Identification at the optimum");
        foreach (var c in new[] { "parameter", "best", "std. error", "share of range", "" })
            id.AddColumn(c);
        foreach (var p in result.Identification)
            id.AddRow(Markup.Escape(p.Key), F(p.Best), F(p.StandardError), p.RelativeError.ToString("P0", CultureInfo.InvariantCulture), p.Weak ? "weakly identified" : "");
        console.Write(id);
    }

    private static string FitMarkdown(CalibrationResult result)
    {
        var text = new StringBuilder();
        text.AppendLine("| moment | target | sd | fitted | 95% CI | z | source |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var m in result.Fit)
            text.AppendLine($"| {m.Indicator} | {F(m.Target)} | {F(m.Sd)} | {F(m.Fitted)} | [{F(m.Low)}, {F(m.High)}] | {m.Z.ToString("F2", CultureInfo.InvariantCulture)} | {m.Source} |");
        text.AppendLine();
        text.AppendLine("| parameter | best | std. error | share of range | |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var p in result.Identification)
            text.AppendLine($"| {p.Key} | {F(p.Best)} | {F(p.StandardError)} | {p.RelativeError.ToString("P0", CultureInfo.InvariantCulture)} | {(p.Weak ? "weakly identified" : "")} |");
        return text.ToString();
    }

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
