using System.Globalization;
using AgentSim.Analysis.Sensitivity;
using AgentSim.Analysis.Sweeps;
using AgentSim.Config;
using Spectre.Console;

namespace AgentSim.Cli;

/// <summary>
/// <c>agentsim sensitivity</c>: plans a study's design as a sweep (so runs have ids, resume, common random numbers and
/// run on a Slurm array through <c>sweep slurm</c>), runs it here, and computes the indices (<c>sensitivity collect</c>).
/// </summary>
internal static class SensitivityCommand
{
    public static int Execute(string[] args, TextWriter stdout, CancellationToken ct)
    {
        var options = SweepOptions.Parse(args, "sensitivity");
        if (options.Help)
        {
            stdout.Write(Usage.Sensitivity);
            return ExitCodes.Success;
        }
        return options.Subcommand switch
        {
            "plan" => Plan(options, stdout, ct),
            "collect" => Collect(options.Target, stdout, ct),
            "" => Local(options, stdout, ct),
            _ => throw new UsageException($"'sensitivity {options.Subcommand}' does not exist: run a planned study's runs with 'agentsim sweep {options.Subcommand} DIR' (see 'agentsim sensitivity --help')"),
        };
    }

    private static int Local(SweepOptions options, TextWriter stdout, CancellationToken ct)
    {
        var (directory, study, resumed) = MakePlan(options, ct);
        var plan = directory.Plan;
        stdout.WriteLine(Describe(study, plan, options.Target));
        stdout.WriteLine(resumed
            ? $"output: {directory.Root} (resuming: {directory.Scan().Complete.Count} of {plan.Runs.Count} runs already complete)"
            : $"output: {directory.Root}");
        directory.RemoveStaleTemporaries();
        SweepBatchResult result;
        try
        {
            result = SweepCommand.Execute(directory, plan.Runs, options.Parallel, stdout, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            directory.RemoveTempRootIfEmpty();
            stdout.WriteLine($"cancelled: {directory.Scan().Complete.Count} of {plan.Runs.Count} runs complete; rerun the same command to resume (complete runs are skipped)");
            return ExitCodes.Cancelled;
        }
        directory.RemoveTempRootIfEmpty();
        var scan = directory.Scan();
        SweepTables.WriteSummaryAsync(directory, scan.Complete, CancellationToken.None).GetAwaiter().GetResult();
        if (result.Failures.Count > 0 || !scan.IsComplete)
        {
            foreach (var (run, error) in result.Failures.Take(10))
                stdout.WriteLine($"failed: {run.RunId} ({plan.Describe(run)}): {error}");
            stdout.WriteLine($"{scan.Complete.Count} of {plan.Runs.Count} runs complete; rerun the same command to retry the others");
            return ExitCodes.Failure;
        }
        return Collect(directory.Root, stdout, ct);
    }

    private static int Plan(SweepOptions options, TextWriter stdout, CancellationToken ct)
    {
        var (directory, study, resumed) = MakePlan(options, ct);
        stdout.WriteLine(Describe(study, directory.Plan, options.Target));
        stdout.WriteLine(resumed
            ? $"plan: {directory.Root} (already there, unchanged; {directory.Scan().Complete.Count} runs complete)"
            : $"plan: {Path.Combine(directory.Root, SweepPlan.FileName)}, {SensitivityStudy.FileName} and {SweepDirectory.RunsFile}");
        stdout.WriteLine($"next: agentsim sweep slurm {directory.Root} --submit (Slurm), or agentsim sweep run {directory.Root} --all (here); then agentsim sensitivity collect {directory.Root}");
        return ExitCodes.Success;
    }

    /// <summary><c>sensitivity collect DIR</c>: the indices from the complete runs, to sensitivity.parquet and a table.</summary>
    private static int Collect(string root, TextWriter stdout, CancellationToken ct)
    {
        var directory = SweepDirectory.Open(root);
        var study = SensitivityStudy.Read(root);
        var scan = directory.Scan();
        if (!scan.IsComplete)
        {
            stdout.WriteLine($"study {root}: {scan.Complete.Count} of {directory.Plan.Runs.Count} runs complete; 'agentsim sweep collect {root}' lists the missing ones and how to resubmit them");
            return ExitCodes.Incomplete;
        }
        SweepTables.WriteSummaryAsync(directory, scan.Complete, ct).GetAwaiter().GetResult();
        var outputs = SensitivityCollector.Outputs(study, directory);
        var indices = SensitivityCollector.Estimate(study, outputs);
        var path = Path.Combine(root, SensitivityStudy.ResultFile);
        SensitivityCollector.WriteAsync(path, study, indices, ct).GetAwaiter().GetResult();
        Print(stdout, study, outputs, indices);
        // The chart alone, without the report's per-run charts (which read every run's tables: minutes for a big study).
        var chart = Path.Combine(root, "sensitivity.png");
        if (Report.StudyCharts.Sensitivity(root) is { } drawn)
            File.WriteAllBytes(chart, drawn.Png);
        stdout.WriteLine($"indices: {path} ({indices.Count} rows); chart: {chart} (and in 'agentsim report {root}')");
        return ExitCodes.Success;
    }

    private static void Print(TextWriter stdout, SensitivityStudy study, IReadOnlyDictionary<string, StudyOutputValues> outputs, List<SensitivityIndex> indices)
    {
        var console = PlainConsole.Create(stdout, 160);
        var sobol = study.Method == SensitivityMethod.Sobol;
        string[] shown = sobol ? [SobolEstimator.FirstOrder, SobolEstimator.TotalOrder] : [MorrisEstimator.MuStar, MorrisEstimator.Mu, MorrisEstimator.Sigma];
        foreach (var output in study.Outputs)
        {
            var values = outputs[output.Name];
            var noise = double.IsNaN(values.NoiseShare) ? "" : string.Create(CultureInfo.InvariantCulture, $", seed noise {values.NoiseShare:P0} of the variance");
            var table = new Table().Border(TableBorder.Rounded)
                .Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{output.Name}: mean {values.Means.Average():G4}, sd {Math.Sqrt(values.Variance):G3} over {values.Means.Length} design points{noise}")));
            table.AddColumn("parameter");
            foreach (var index in shown)
                table.AddColumn(new TableColumn(Markup.Escape($"{index} [95% CI]")).RightAligned());
            var rank = shown[^(sobol ? 1 : 3)];
            foreach (var parameter in study.Parameters.OrderByDescending(p => indices.First(i => i.Output == output.Name && i.Parameter == p.Name && i.Index == rank).Estimate))
            {
                var cells = new List<string> { Markup.Escape(parameter.Key) };
                foreach (var index in shown)
                {
                    var i = indices.First(x => x.Output == output.Name && x.Parameter == parameter.Name && x.Index == index);
                    cells.Add(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{i.Estimate:F3} [{i.Low:F3}, {i.High:F3}]")));
                }
                table.AddRow(cells.ToArray());
            }
            console.Write(table);
        }
    }

    private static (SweepDirectory Directory, SensitivityStudy Study, bool Resumed) MakePlan(SweepOptions options, CancellationToken ct)
    {
        var overrides = options.Overrides();
        var loaded = ConfigLoader.Load(options.Target, overrides);
        var (study, plan) = SensitivityPlanner.Plan(loaded, options.Target, overrides, options.IndependentStreams);
        var provinces = Model.State.ProvinceData.Load(loaded.ResolvePath(loaded.Config.Provinces.DataFile));
        Model.Simulation.ValidateInputs(loaded.Config, provinces);
        var (directory, resumed) = SweepDirectory.CreateOrResumeAsync(options.OutputDirectory, plan, ct).GetAwaiter().GetResult();
        study.WriteAsync(directory.Root, ct).GetAwaiter().GetResult();
        return (directory, study, resumed);
    }

    private static string Describe(SensitivityStudy study, SweepPlan plan, string source)
    {
        var config = ConfigLoader.LoadFromString(plan.BaseConfigYaml, Path.Combine(plan.ConfigDirectory, "sweep-base.yaml")).Config;
        var rows = study.RowPoints.Count;
        return string.Create(CultureInfo.InvariantCulture,
            $"sensitivity {source}: {study.Method.ToString().ToLowerInvariant()} over {study.Parameters.Count} parameters, {rows} design points ({plan.Points / Math.Max(1, study.Arms.Count)} distinct) × {study.Arms.Count} arms × {plan.Replicates} replicates = {plan.Runs.Count} runs; {config.Firms:N0} firms, {config.BurnIn} burn-in + {config.Steps} quarters, {(plan.CommonRandomNumbers ? "common random numbers" : "independent streams")}");
    }
}
