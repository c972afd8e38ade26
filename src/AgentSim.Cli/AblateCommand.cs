using System.Globalization;
using AgentSim.Analysis;
using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.State;
using AgentSim.Output;
using Spectre.Console;

namespace AgentSim.Cli;

/// <summary>
/// <c>agentsim ablate BASELINE OTHER... [--replicates N]</c>: reruns the comparison with one mechanism switched off at
/// a time (soft budgets, lever imitation, investment in the score, production floors, and v2's financial repression,
/// loan-to-deposit ceiling, wage rent sharing and steady start, and the strategic list itself) and tabulates the signature
/// indicators, so each result can be traced to the mechanism that produces it.
/// </summary>
internal static class AblateCommand
{
    /// <summary>The mechanisms, as config keys under <c>mechanisms</c>, with a label.</summary>
    public static readonly (string Key, string Label)[] Mechanisms =
    [
        ("", "all mechanisms on"),
        ("soft_budget", "no soft budgets or bailouts"),
        ("lever_imitation", "no lever imitation"),
        ("investment_in_score", "investment not in the GDP score"),
        ("production_floors", "no production floors"),
        ("financial_repression", "no financial repression (benchmark deposit rate)"),
        ("loan_to_deposit_ceiling", "no loan-to-deposit ceiling"),
        ("wage_rent_sharing", "wages do not follow margins"),
        ("steady_start", "no steady start (v1 start)"),
        ("strategic_list", "no strategic list in policy"),
    ];

    private static readonly string[] OwnIndicators =
    [
        Indicators.StrategicUtilisationEnd, Indicators.StrategicUtilisationGap, Indicators.StrategicPriceChange,
        Indicators.StrategicMarginEnd, Indicators.ZombieShareEnd, Indicators.ConsumptionShareEnd, Indicators.PilotIncomeDid,
    ];

    private static readonly string[] PairedNames =
    [
        PairedIndicators.StrategicUtilisationGap, PairedIndicators.ConsumptionShareGap, PairedIndicators.ZombieShareGap,
    ];

    public static int Execute(string[] args, TextWriter stdout, CancellationToken ct)
    {
        var options = RunOptions.Parse(args, "compare");
        if (options.Help)
        {
            stdout.Write(Usage.Ablate);
            return ExitCodes.Success;
        }
        int replicates = options.Replicates ?? CompareCommand.DefaultReplicates;
        string output = options.Out ?? Path.Combine("runs", "ablation");
        // Every variant is loaded and checked before the first run: a bad one found after hours of runs wastes them.
        var variants = new List<(string Label, List<ScenarioSpec> Scenarios)>();
        foreach (var (key, label) in Mechanisms)
        {
            var scenarios = new List<ScenarioSpec>();
            foreach (var path in options.ConfigPaths)
            {
                var overrides = options.Overrides().ToList();
                if (key.Length > 0) overrides.Add($"mechanisms.{key}=false");
                var (config, directory, _) = CliApp.ConfigSource(path, overrides);
                options.ApplyTo(config);
                var provinces = ProvinceData.Load(Path.Combine(directory, config.Provinces.DataFile));
                Simulation.ValidateInputs(config, provinces);
                Indicators.EnsureHorizon(config.Steps, "ablate");
                int concurrent = Math.Min(options.Parallel > 0 ? options.Parallel : Environment.ProcessorCount, options.ConfigPaths.Count * replicates);
                AgentSim.Output.Runs.RunWriter.EnsureMemory(config, provinces.Count, concurrent);
                scenarios.Add(new ScenarioSpec(config.Name, path, config, provinces));
            }
            variants.Add((label, scenarios));
        }
        CompareCommand.PrepareOutput(output, options.Force);

        var rows = new List<(string Label, string Scenario, ReplicateStatistic Stat, bool Paired)>();
        foreach (var (label, scenarios) in variants)
        {
            stdout.WriteLine($"{label}: {scenarios.Count} scenarios x {replicates} replicates");
            var result = Experiments.Compare(scenarios, replicates, new ExperimentOptions { Parallel = options.Parallel }, null, ct);
            foreach (var s in result.Scenarios)
            {
                foreach (var stat in s.Statistics.Where(x => OwnIndicators.Contains(x.Name)))
                    rows.Add((label, s.Scenario, stat, false));
                foreach (var stat in s.VersusReference.Where(x => PairedNames.Contains(x.Name)))
                    rows.Add((label, s.Scenario, stat, true));
            }
        }
        Print(stdout, rows, replicates);
        WriteParquet(Path.Combine(output, "ablation.parquet"), rows, ct);
        stdout.WriteLine($"ablation: {Path.Combine(Path.GetFullPath(output), "ablation.parquet")}");
        return ExitCodes.Success;
    }

    private static void Print(TextWriter stdout, List<(string Label, string Scenario, ReplicateStatistic Stat, bool Paired)> rows, int replicates)
    {
        var console = PlainConsole.Create(stdout, 200);
        // One row per indicator, one column per variant: the effect of switching a mechanism off reads across a row.
        var variants = rows.Select(r => r.Label).Distinct().ToList();
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"Ablation: mean over {replicates} replicates"));
        table.AddColumn("scenario");
        table.AddColumn("indicator");
        foreach (var v in variants) table.AddColumn(new TableColumn(Markup.Escape(v)).RightAligned());
        foreach (var (scenario, name, paired) in rows.Select(r => (r.Scenario, r.Stat.Name, r.Paired)).Distinct())
        {
            var cells = new List<string> { Markup.Escape(scenario), Markup.Escape(IndicatorCatalog.Label(name)) };
            foreach (var v in variants)
            {
                var hit = rows.FirstOrDefault(r => r.Label == v && r.Scenario == scenario && r.Stat.Name == name && r.Paired == paired);
                cells.Add(hit.Stat is null ? "" : IndicatorCatalog.FormatValue(name, hit.Stat.Mean));
            }
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
    }

    private static void WriteParquet(string path, List<(string Label, string Scenario, ReplicateStatistic Stat, bool Paired)> rows, CancellationToken ct)
    {
        var schema = new TableSchema("ablation",
        [
            new("variant", ColumnKind.String, "", "Which mechanism is switched off ('all mechanisms on' for the reference)."),
            new("scenario", ColumnKind.String, "", "Scenario name."),
            new("indicator", ColumnKind.String, "", "Indicator name."),
            new("versus_reference", ColumnKind.Bool, "", "True for a paired difference against the first scenario."),
            new("mean", ColumnKind.Double, "indicator unit", "Mean across replicates."),
            new("ci_low", ColumnKind.Double, "indicator unit", "Lower end of the 95% confidence interval."),
            new("ci_high", ColumnKind.Double, "indicator unit", "Upper end of the 95% confidence interval."),
        ]);
        var buffer = new TableBuffer(schema);
        foreach (var (label, scenario, stat, paired) in rows)
        {
            buffer.Strings("variant").Add(label);
            buffer.Strings("scenario").Add(scenario);
            buffer.Strings("indicator").Add(stat.Name);
            buffer.Bools("versus_reference").Add(paired);
            buffer.Doubles("mean").Add(stat.Mean);
            buffer.Doubles("ci_low").Add(stat.Low);
            buffer.Doubles("ci_high").Add(stat.High);
        }
        ParquetTableWriter.WriteAsync(path, buffer, ct).GetAwaiter().GetResult();
    }
}
