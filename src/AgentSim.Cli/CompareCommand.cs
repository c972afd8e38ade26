using System.Globalization;
using AgentSim.Analysis;
using AgentSim.Model;
using AgentSim.Model.State;
using Spectre.Console;

namespace AgentSim.Cli;

/// <summary>
/// <c>agentsim compare CONFIG... [--replicates N]</c> and <c>agentsim run CONFIG --replicates N</c>: several seeds
/// (common random numbers across scenarios), indicators with 95% intervals, summary.parquet and replicates.parquet.
/// </summary>
internal static class CompareCommand
{
    public const int DefaultReplicates = 10;

    public static int Execute(string[] args, TextWriter stdout, CancellationToken ct)
    {
        var options = RunOptions.Parse(args, "compare");
        if (options.Help)
        {
            stdout.Write(Usage.Compare);
            return ExitCodes.Success;
        }
        var scenarios = new List<ScenarioSpec>();
        foreach (var path in options.ConfigPaths)
        {
            var (config, directory, _) = CliApp.ConfigSource(path, options.Overrides());
            options.ApplyTo(config);
            var provinces = ProvinceData.Load(Path.Combine(directory, config.Provinces.DataFile));
            Simulation.ValidateInputs(config, provinces);
            Indicators.EnsureHorizon(config.Steps, "compare");
            scenarios.Add(new ScenarioSpec(config.Name, path, config, provinces));
        }
        string output = options.Out ?? Path.Combine("runs", "compare-" + string.Join("-", scenarios.Select(s => s.Name)));
        int replicates = options.Replicates ?? DefaultReplicates;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"comparing {string.Join(", ", scenarios.Select(s => s.Name))}: {replicates} replicates each (same seeds), {scenarios[0].Config.Firms:N0} firms, {scenarios[0].Config.Steps} quarters"));
        var result = Run(scenarios, replicates, options, output, stdout, ct);
        var checks = SignatureChecks.Evaluate(result, scenarios);
        SummaryTables.WriteAsync(result, checks, output, ct).GetAwaiter().GetResult();
        Print(stdout, result, output, options.Raw);
        PrintChecks(stdout, checks, output, options.Raw);
        if (options.Latex)
        {
            string tex = Path.Combine(Path.GetFullPath(output), SignatureLatex.FileName);
            File.WriteAllText(tex, SignatureLatex.Write(checks, result.Replicates));
            stdout.WriteLine($"latex: {tex} (a tabular of the signature table; needs \\usepackage{{booktabs}})");
        }
        if (options.Tables) ReportCommand.AfterRun(options, output, stdout, ct);
        return ExitCodes.Success;
    }

    /// <summary><c>run CONFIG --replicates N</c>: the replicates of one scenario, tables under OUT/replicate=R/.</summary>
    public static int RunReplicates(RunOptions options, ScenarioSpec scenario, TextWriter stdout, CancellationToken ct)
    {
        string output = options.OutputDirectory;
        int replicates = options.Replicates!.Value;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"running {options.ConfigPath}: {replicates} replicates, {scenario.Config.Firms:N0} firms, {scenario.Config.Steps} quarters"));
        var result = Run([scenario], replicates, options, output, stdout, ct, tables: true, partitionByScenario: false);
        SummaryTables.WriteAsync(result, output, ct).GetAwaiter().GetResult();
        Print(stdout, result, output, options.Raw);
        ReportCommand.AfterRun(options, output, stdout, ct);
        return ExitCodes.Success;
    }

    private static CompareResult Run(List<ScenarioSpec> scenarios, int replicates, RunOptions options, string output, TextWriter stdout,
        CancellationToken ct, bool tables = false, bool partitionByScenario = true)
    {
        int jobs = scenarios.Count * replicates;
        int concurrent = Math.Min(options.Parallel > 0 ? options.Parallel : Environment.ProcessorCount, jobs);
        foreach (var scenario in scenarios)
        {
            AgentSim.Output.Runs.RunWriter.EnsureMemory(scenario.Config, scenario.Provinces.Count, concurrent);
        }
        PrepareOutput(output, options.Force);
        var experiment = new ExperimentOptions
        {
            TablesDirectory = tables || options.Tables ? output : null,
            PartitionByScenario = partitionByScenario,
            Parallel = options.Parallel,
            Force = options.Force,
        };
        int lastTenth = 0;
        var progress = new Reporter(p =>
        {
            // About ten lines per experiment, by quarters simulated over all runs: runs finish together when they run
            // in parallel, so counting finished runs alone would stay silent until the end.
            lock (stdout)
            {
                int tenth = (int)(10L * p.QuartersDone / Math.Max(1, p.QuartersTotal));
                if (tenth <= lastTenth && p.Done < p.Total) return;
                if (p.Done == p.Total && lastTenth > 10) return;
                lastTenth = p.Done == p.Total ? 11 : tenth;
                double fraction = (double)p.QuartersDone / Math.Max(1, p.QuartersTotal);
                double eta = fraction > 0 ? p.Elapsed.TotalSeconds * (1 - fraction) / fraction : 0;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"runs {p.Done}/{p.Total} done · {100 * fraction:F0}% of quarters · elapsed {p.Elapsed.TotalSeconds:F0} s · eta {eta:F0} s"));
            }
        });
        return Experiments.Compare(scenarios, replicates, experiment, progress, ct);
    }

    /// <summary>Creates the output directory of a comparison or ablation; a non-empty one needs --force.</summary>
    internal static void PrepareOutput(string output, bool force)
    {
        string full = Path.GetFullPath(output);
        if (File.Exists(full)) throw new AgentSim.Output.Runs.OutputException($"output path '{output}' is a file, not a directory");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any(e => !AgentSim.Output.Runs.FolderLock.IsLockFile(e)) && !force)
            throw new AgentSim.Output.Runs.OutputException($"output directory '{output}' is not empty; choose another directory or replace it (--force)");
        Directory.CreateDirectory(full);
    }

    /// <summary>The indicators table: human labels and values in each indicator's unit, or with --raw the snake_case names and plain numbers of summary.parquet.</summary>
    private static void Print(TextWriter stdout, CompareResult result, string output, bool raw)
    {
        // One row per indicator: wide enough for five scenarios without wrapping.
        var console = PlainConsole.Create(stdout, Math.Max(120, 42 + 30 * result.Scenarios.Count));
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"Indicators: mean [95% CI] over {result.Replicates} replicates")));
        table.AddColumn(new TableColumn("indicator").NoWrap());
        foreach (var s in result.Scenarios) table.AddColumn(new TableColumn(Markup.Escape(s.Scenario)).RightAligned().NoWrap());
        var names = result.Scenarios.SelectMany(s => s.Statistics.Select(x => x.Name)).Distinct().ToList();
        foreach (var name in names)
        {
            var cells = new List<string> { Markup.Escape(raw ? name : IndicatorCatalog.Label(name)) };
            foreach (var s in result.Scenarios)
                cells.Add(Markup.Escape(Cell(s.Statistics.FirstOrDefault(x => x.Name == name), raw)));
            table.AddRow(cells.ToArray());
        }
        var paired = result.Scenarios.SelectMany(s => s.VersusReference.Select(x => x.Name)).Distinct().ToList();
        if (paired.Count > 0)
        {
            table.AddEmptyRow();
            table.AddRow(Markup.Escape($"vs {result.Reference} (same seeds):"));
            foreach (var name in paired)
            {
                var cells = new List<string> { Markup.Escape(raw ? name : IndicatorCatalog.Label(name)) };
                foreach (var s in result.Scenarios)
                    cells.Add(Markup.Escape(Cell(s.VersusReference.FirstOrDefault(x => x.Name == name), raw)));
                table.AddRow(cells.ToArray());
            }
        }
        console.Write(table);
        stdout.WriteLine($"summary: {Path.Combine(Path.GetFullPath(output), "summary.parquet")} (and replicates.parquet)");
    }

    /// <summary>The criteria of MODEL.md section 6 this comparison speaks to, each with its value and whether it holds.</summary>
    private static void PrintChecks(TextWriter stdout, IReadOnlyList<SignatureCheck> checks, string output, bool raw)
    {
        if (checks.Count == 0)
        {
            stdout.WriteLine("signature results: none evaluated (they need a baseline scenario, on the GDP rule, as the first config)");
            return;
        }
        var console = PlainConsole.Create(stdout, 160);
        var table = new Table().Border(TableBorder.Rounded).Title("Signature results (MODEL.md section 6) and calibration bands");
        table.AddColumn(new TableColumn("id").NoWrap());
        table.AddColumn(new TableColumn("criterion"));
        table.AddColumn(new TableColumn("scenario").NoWrap());
        table.AddColumn(new TableColumn(Markup.Escape("value [95% CI]")).RightAligned().NoWrap());
        table.AddColumn(new TableColumn("holds").NoWrap());
        foreach (var c in checks)
        {
            string value = c.Id == "S2b"
                ? $"{Value(c.Measure, c.Mean, raw)} (min {Value(c.Measure, c.Low, raw)})"
                : raw ? string.Create(CultureInfo.InvariantCulture, $"{Format(c.Mean)} [{Format(c.Low)}, {Format(c.High)}]")
                : IndicatorCatalog.FormatInterval(c.Measure, c.Mean, c.Low, c.High);
            table.AddRow(Markup.Escape(c.Id), Markup.Escape(c.Criterion), Markup.Escape(c.Scenario), Markup.Escape(value), c.Holds ? "yes" : "NO");
        }
        console.Write(table);
        int held = checks.Count(c => c.Holds);
        stdout.WriteLine($"{held} of {checks.Count} criteria hold; {Path.Combine(Path.GetFullPath(output), "signature.parquet")}");
    }

    private static string Cell(ReplicateStatistic? s, bool raw) =>
        s is null ? ""
        : raw ? string.Create(CultureInfo.InvariantCulture, $"{Format(s.Mean)} [{Format(s.Low)}, {Format(s.High)}]")
        : IndicatorCatalog.FormatInterval(s.Name, s.Mean, s.Low, s.High);

    private static string Value(string indicator, double v, bool raw) => raw ? Format(v) : IndicatorCatalog.FormatValue(indicator, v);

    private static string Format(double v) =>
        Math.Abs(v) >= 100 ? v.ToString("F0", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 1 ? v.ToString("F2", CultureInfo.InvariantCulture)
        : v.ToString("F4", CultureInfo.InvariantCulture);

    private sealed class Reporter(Action<ExperimentProgress> report) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value) => report(value);
    }
}
