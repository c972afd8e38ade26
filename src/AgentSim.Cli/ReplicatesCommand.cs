using System.Globalization;
using AgentSim.Analysis;
using AgentSim.Analysis.Sensitivity;
using AgentSim.Analysis.Sweeps;
using AgentSim.Config;
using AgentSim.Report;
using Spectre.Console;

namespace AgentSim.Cli;

/// <summary>
/// <c>agentsim replicates CONFIG</c>: adds batches of replicates until every indicator's 95% interval half-width is
/// at most a fraction of its mean (or a cap is reached), and writes the curve of interval width and CV against N.
/// The replicates are the runs of a sweep with no parameters and <c>--max</c> replicates (ids, resume, common random
/// numbers, Slurm), run a batch at a time in plan order, so N replicates are always the first N.
/// </summary>
internal static class ReplicatesCommand
{
    /// <summary>Indicators checked by default: the signature results (pilot DiD only where the scenario has pilots).</summary>
    private static readonly string[] DefaultIndicators =
    [
        Indicators.ConsumptionShareEnd, Indicators.StrategicUtilisationEnd, Indicators.StrategicUtilisationGap,
        Indicators.StrategicPriceChange, Indicators.ZombieShareEnd, Indicators.PilotIncomeDid,
    ];

    private sealed class Options
    {
        public string Subcommand = "";
        public string Target = "";
        public string? Out;
        public int Parallel;
        public int Batch = 10;
        public int Max = 200;
        public double Precision = 0.05;
        public List<string> Indicators = new();
        public List<string> Sets = new();
        public int? Firms, Steps;
        public long? Seed;
        public bool Help;

        public IReadOnlyList<string> Overrides() => RunOptions.Overrides(Sets, Seed, Firms, Steps);
    }

    public static int Execute(string[] args, TextWriter stdout, CancellationToken ct)
    {
        var options = Parse(args);
        if (options.Help)
        {
            stdout.Write(Usage.Replicates);
            return ExitCodes.Success;
        }
        if (options.Subcommand == "collect")
            return Collect(SweepDirectory.Open(options.Target), options, stdout, ct, ran: null);
        // Checked before anything runs, against every indicator a run can have.
        foreach (var name in options.Indicators.Where(name => !StudyIndicators.Known.Contains(name)))
            throw new UsageException($"--indicators: '{name}' is not an indicator{(Nearest(name, StudyIndicators.Known) is { } near ? $" (did you mean '{near}'?)" : "")}; see docs/experiments.md for the list");
        var overrides = options.Overrides();
        var loaded = ConfigLoader.Load(options.Target, overrides);
        var provinces = Model.State.ProvinceData.Load(loaded.ResolvePath(loaded.Config.Provinces.DataFile));
        Model.Simulation.ValidateInputs(loaded.Config, provinces);
        var plan = SweepPlanner.PlanPoints(loaded, options.Target, overrides, [], [Array.Empty<(string, string)>()], options.Max, commonRandomNumbers: true);
        var output = options.Out ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(options.Target) + "-replicates");
        var (directory, resumed) = SweepDirectory.CreateOrResumeAsync(output, plan, ct).GetAwaiter().GetResult();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replicates {options.Target}: batches of {options.Batch} until every 95% interval is within ±{options.Precision:P0} of its mean, at most {options.Max}; {loaded.Config.Firms:N0} firms, {loaded.Config.BurnIn} burn-in + {loaded.Config.Steps} quarters"));
        stdout.WriteLine(resumed ? $"output: {directory.Root} (resuming: {directory.Scan().Complete.Count} replicates already complete)" : $"output: {directory.Root}");
        if (options.Subcommand == "plan")
        {
            stdout.WriteLine($"next: agentsim sweep slurm {directory.Root} --submit (runs all {options.Max}), then agentsim replicates collect {directory.Root}");
            return ExitCodes.Success;
        }
        directory.RemoveStaleTemporaries();
        var done = 0;
        while (true)
        {
            var n = Math.Min(options.Max, Math.Max(2, done + options.Batch));
            try
            {
                var result = SweepCommand.Execute(directory, plan.Runs.Take(n).ToList(), options.Parallel, stdout, ct);
                if (result.Failures.Count > 0)
                {
                    foreach (var (run, error) in result.Failures.Take(5))
                        stdout.WriteLine($"failed: replicate {run.Replicate}: {error}");
                    stdout.WriteLine("rerun the same command to retry (complete replicates are kept)");
                    return ExitCodes.Failure;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                directory.RemoveTempRootIfEmpty();
                stdout.WriteLine("cancelled; rerun the same command to resume (complete replicates are kept)");
                return ExitCodes.Cancelled;
            }
            done = n;
            var values = Values(directory, n);
            var points = ReplicateCurve.At(values, Chosen(options, values), n);
            var precise = ReplicateCurve.IsPreciseEnough(points, options.Precision);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"N = {n}: widest interval ±{points.Select(p => p.RelativeHalfWidth).DefaultIfEmpty(double.NaN).Max():P1} of its mean ({points.OrderByDescending(p => p.RelativeHalfWidth).FirstOrDefault()?.Indicator}){(precise ? ", every one within the target" : string.Empty)}"));
            if (precise || n >= options.Max)
                break;
        }
        directory.RemoveTempRootIfEmpty();
        return Collect(directory, options, stdout, ct, done);
    }

    /// <summary>The curve over the complete prefix of replicates, to replicates.parquet, a chart and a table.</summary>
    private static int Collect(SweepDirectory directory, Options options, TextWriter stdout, CancellationToken ct, int? ran)
    {
        var complete = directory.Plan.Runs.TakeWhile(directory.IsComplete).Count();
        var n = ran ?? complete;
        if (n < 2)
        {
            stdout.WriteLine($"{directory.Root}: {complete} replicates complete; at least 2 are needed");
            return ExitCodes.Incomplete;
        }
        var values = Values(directory, n);
        var indicators = Chosen(options, values);
        var curve = new List<PrecisionPoint>();
        for (var k = 2; k <= n; k++)
            curve.AddRange(ReplicateCurve.At(values, indicators, k));
        var path = Path.Combine(directory.Root, ReplicateCurve.FileName);
        ReplicateCurve.WriteAsync(path, curve, ct).GetAwaiter().GetResult();
        var chart = Path.Combine(directory.Root, "replicates.png");
        File.WriteAllBytes(chart, Chart(curve, options.Precision));

        var final = curve.Where(p => p.Replicates == n).ToList();
        var console = PlainConsole.Create(stdout, 160);
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"Precision of the mean against N (target: ±{options.Precision.ToString("P0", CultureInfo.InvariantCulture)})"));
        table.AddColumn("indicator");
        var shown = new[] { 2, 5, 10, 20, 50, 100, 200, 500, 1000 }.Where(k => k < n).Append(n).ToList();
        foreach (var k in shown)
            table.AddColumn(new TableColumn($"N={k}").RightAligned());
        table.AddColumn(new TableColumn("CV").RightAligned());
        table.AddColumn(new TableColumn("N needed").RightAligned());
        foreach (var name in final.Select(p => p.Indicator))
        {
            var cells = new List<string> { Markup.Escape(name) };
            cells.AddRange(shown.Select(k => curve.First(p => p.Replicates == k && p.Indicator == name).RelativeHalfWidth.ToString("P1", CultureInfo.InvariantCulture)));
            var last = final.First(p => p.Indicator == name);
            cells.Add(last.Cv.ToString("F3", CultureInfo.InvariantCulture));
            cells.Add(ReplicateCurve.Projected([last], options.Precision).ToString(CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        var precise = ReplicateCurve.IsPreciseEnough(final, options.Precision);
        stdout.WriteLine(precise
            ? $"{n} replicates put every interval within ±{options.Precision.ToString("P0", CultureInfo.InvariantCulture)} of its mean"
            : $"after {n} replicates (the cap) some intervals are wider than ±{options.Precision.ToString("P0", CultureInfo.InvariantCulture)}; about {ReplicateCurve.Projected(final, options.Precision)} would be needed (an indicator with a mean near zero may never get there: judge its half-width in its own units)");
        stdout.WriteLine($"curve: {path}; chart: {chart}");
        return ExitCodes.Success;
    }

    private static List<IReadOnlyDictionary<string, double>> Values(SweepDirectory directory, int n) =>
        directory.Plan.Runs.Take(n)
            .Select(run => (IReadOnlyDictionary<string, double>)(SweepDirectory.ReadRecord(directory.FinalPath(run))
                ?? throw new SweepException($"replicate {run.Replicate} ({run.RunId}) is not complete")).Indicators.ToDictionary(i => i.Name, i => i.Value))
            .ToList();

    /// <summary>The candidate at the smallest edit distance from <paramref name="name"/>, when that is at most a third of its length.</summary>
    private static string? Nearest(string name, IEnumerable<string> candidates) =>
        candidates.Select(c => (c, Distance: EditDistance(name, c))).Where(x => x.Distance * 3 <= name.Length)
            .OrderBy(x => x.Distance).Select(x => x.c).FirstOrDefault();

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    private static List<string> Chosen(Options options, List<IReadOnlyDictionary<string, double>> values)
    {
        if (options.Indicators.Count > 0)
        {
            foreach (var name in options.Indicators.Where(name => !values[0].ContainsKey(name)))
                throw new UsageException($"--indicators: '{name}' is not an indicator of these runs{(Nearest(name, values[0].Keys) is { } near ? $" (did you mean '{near}'?)" : "")}; they have {string.Join(", ", values[0].Keys)}");
            return options.Indicators;
        }
        return DefaultIndicators.Where(name => values[0].TryGetValue(name, out var v) && double.IsFinite(v)).ToList();
    }

    private static byte[] Chart(List<PrecisionPoint> curve, double precision) =>
        StudyCharts.Replicates(curve.Select(p => (p.Indicator, p.Replicates, p.RelativeHalfWidth, p.Cv)).ToList(), precision);

    private static Options Parse(string[] args)
    {
        var options = new Options();
        var start = 0;
        if (args.Length > 0 && args[0] is "plan" or "collect")
        {
            options.Subcommand = args[0];
            start = 1;
        }
        var command = options.Subcommand.Length == 0 ? "replicates" : $"replicates {options.Subcommand}";
        var cursor = new ArgumentCursor(args, start, command);
        var positional = new List<string>();
        while (cursor.MoveNext())
        {
            var arg = cursor.Current;
            switch (arg)
            {
                case "-h" or "--help": options.Help = true; break;
                case "--debug": break;
                case "--out": options.Out = cursor.Value(); break;
                case "--parallel": options.Parallel = RunOptions.Number(arg, cursor.Value(), 0, 1024); break;
                case "--batch": options.Batch = RunOptions.Number(arg, cursor.Value(), 1, 100_000); break;
                case "--max": options.Max = RunOptions.Number(arg, cursor.Value(), 2, 100_000); break;
                case "--precision":
                    var text = cursor.Value();
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p <= 0 || p >= 10)
                        throw new UsageException($"--precision: expected a fraction of the mean such as 0.05, got '{text}'");
                    options.Precision = p;
                    break;
                case "--indicators":
                    options.Indicators.AddRange(cursor.Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "--firms": options.Firms = RunOptions.Number(arg, cursor.Value(), 1, int.MaxValue); break;
                case "--steps": options.Steps = RunOptions.Number(arg, cursor.Value(), 1, int.MaxValue); break;
                case "--seed": options.Seed = RunOptions.Number(arg, cursor.Value(), 0L, long.MaxValue); break;
                case "--set": options.Sets.Add(RunOptions.SetValue(cursor.Value())); break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                        throw new UsageException($"unknown option '{arg}' (see 'agentsim replicates --help')");
                    positional.Add(arg);
                    break;
            }
        }
        if (options.Help)
            return options;
        if (positional.Count != 1)
            throw new UsageException(options.Subcommand == "collect"
                ? "replicates collect needs one directory: agentsim replicates collect DIR"
                : $"{command} needs one config file: agentsim {command} CONFIG [options]");
        options.Target = positional[0];
        if (options.Batch > options.Max)
            options.Batch = options.Max;
        return options;
    }
}
