using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentSim.Analysis.Sweeps;
using AgentSim.Config;
using AgentSim.Model.State;
using AgentSim.Output;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace AgentSim.Analysis.Sensitivity;

/// <summary>A free parameter as checked: its config key, bounds and starting value.</summary>
public sealed record FreeParameter(string Key, double Min, double Max, double Start, bool Integer);

/// <summary>A target moment as checked: the indicator, its target and the uncertainty that weights it.</summary>
public sealed record TargetMoment(string Indicator, double Target, double Sd, string Source);

/// <summary>One evaluation of the objective: the parameters (as applied), each moment's mean over the replicates and the objective.</summary>
public sealed record CalibrationEvaluation(int Index, IReadOnlyList<string> Values, IReadOnlyList<double> Moments, IReadOnlyList<double> MomentSds, double Objective);

/// <summary>A fitted moment at the best parameters: its mean over replicates with a 95% interval, against the target.</summary>
public sealed record FittedMoment(string Indicator, double Target, double Sd, double Fitted, double Low, double High, string Source)
{
    /// <summary>(fitted − target) / sd: how many target uncertainties the fit misses by.</summary>
    public double Z => (Fitted - Target) / Sd;
}

/// <summary>How well the moments pin a parameter down at the optimum.</summary>
/// <param name="StandardError">Asymptotic standard error from the moments' Jacobian: sqrt of the diagonal of (JᵀWJ)⁻¹, with W = diag(1/sd²).</param>
/// <param name="RelativeError">StandardError / (max − min).</param>
public sealed record Identification(string Key, double Best, double StandardError, double RelativeError, bool Weak);

public sealed record CalibrationResult(IReadOnlyList<CalibrationEvaluation> Evaluations, CalibrationEvaluation Best, IReadOnlyList<FittedMoment> Fit,
    IReadOnlyList<Identification> Identification, bool Converged, int Resumed);

/// <summary>
/// Simulated method of moments: minimises Σ ((m̄_j(θ) − target_j) / sd_j)² over the free parameters θ, where m̄_j is
/// moment j's mean over the same replicates (common random numbers, so the objective is a fixed function of θ rather
/// than a new draw at every call) — with MathNet's Nelder–Mead simplex, on an unbounded transform of the box
/// θ = min + (max − min)(1 + tanh z) / 2. Every evaluation is appended to <see cref="LogFile"/> as it finishes; since
/// the optimiser is deterministic, a rerun replays the same path and takes the evaluations already logged instead of
/// running them again, which is how an interrupted calibration resumes.
/// </summary>
public sealed class Calibrator
{
    public const string LogFile = "evaluations.jsonl";
    public const string IdentityFile = "calibration.json";
    public const string TableFile = "calibration.parquet";
    public const string BestConfigFile = "calibrated.yaml";

    /// <summary>Relative standard error above which a parameter is reported as weakly identified.</summary>
    public const double WeakThreshold = 0.25;

    /// <summary>Finite-difference step of the identification check, as a share of each parameter's range.</summary>
    public const double JacobianStep = 0.05;

    /// <summary>Significant digits of an evaluated value: stable log keys, and no run differs from another by rounding noise.</summary>
    private const int Digits = 6;

    private readonly LoadedConfig _loaded;
    private readonly IReadOnlyList<ProvinceRow> _provinces;
    private readonly string _directory;
    private readonly int _parallel;
    private readonly CalibrationConfig _spec;
    private readonly Dictionary<string, CalibrationEvaluation> _log = new(StringComparer.Ordinal);
    private readonly List<CalibrationEvaluation> _evaluations = new();
    private int _resumed;
    private int _calls;

    public IReadOnlyList<FreeParameter> Parameters { get; }
    public IReadOnlyList<TargetMoment> Moments { get; }

    /// <summary>Evaluations done so far (taken from the log or run), with the objective; for progress lines.</summary>
    public event Action<CalibrationEvaluation, bool>? Evaluated;

    /// <exception cref="ConfigException">A problem with the calibration section, at its line.</exception>
    public Calibrator(LoadedConfig loaded, IReadOnlyList<ProvinceRow> provinces, string directory, int parallel = 0)
    {
        _loaded = loaded;
        _provinces = provinces;
        _directory = directory;
        _parallel = parallel;
        _spec = loaded.Calibration ?? throw new SweepException($"{loaded.SourcePath} has no 'calibration:' section (see docs/sensitivity.md)");
        Parameters = CheckParameters(loaded, _spec);
        Moments = CheckMoments(loaded, _spec);
    }

    /// <summary>The indicators a moment can name: the per-run signature indicators.</summary>
    public static IReadOnlyList<string> MomentNames { get; } = typeof(Indicators).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToList();

    public CalibrationResult Run(CancellationToken ct = default)
    {
        Directory.CreateDirectory(_directory);
        CheckIdentity();
        ReadLog();
        var k = Parameters.Count;
        var start = Vector<double>.Build.Dense(Parameters.Select(p => ToZ(p, p.Start)).ToArray());
        // An initial simplex a fifth of each range wide (in z around the start), so the first moves are informative.
        var step = Vector<double>.Build.Dense(Parameters.Select(p => Math.Max(0.2, Math.Abs(ToZ(p, p.Start + 0.2 * (p.Max - p.Min) * (p.Start > (p.Min + p.Max) / 2 ? -1 : 1)) - ToZ(p, p.Start)))).ToArray());
        var converged = false;
        try
        {
            var objective = ObjectiveFunction.Value(z => Evaluate(z.Select((v, i) => FromZ(Parameters[i], v)).ToArray(), ct).Objective);
            new NelderMeadSimplex(_spec.Tolerance, int.MaxValue).FindMinimum(objective, start, step);
            converged = true;
        }
        catch (BudgetExhausted)
        {
        }
        catch (Exception ex) when (ex.InnerException is OperationCanceledException || ex is MaximumIterationsException)
        {
            ct.ThrowIfCancellationRequested();
        }
        ct.ThrowIfCancellationRequested();
        var best = _evaluations.MinBy(e => e.Objective)!;
        var identification = Identify(best, ct);
        var fit = Fit(best, ct);
        return new CalibrationResult(_evaluations.ToList(), best, fit, identification, converged, _resumed);
    }

    private sealed class BudgetExhausted : Exception;

    /// <summary>The objective at <paramref name="x"/> (rounded as applied): from the log when it is there, else run.</summary>
    private CalibrationEvaluation Evaluate(double[] x, CancellationToken ct, bool counted = true)
    {
        ct.ThrowIfCancellationRequested();
        // Near convergence the simplex can keep landing on points that round to ones already evaluated; those cost
        // nothing, so the budget alone would not stop it.
        if (counted && ++_calls > 20 * _spec.MaxEvaluations)
            throw new BudgetExhausted();
        var values = x.Select((v, i) => Text(Parameters[i], v)).ToList();
        var key = string.Join('\n', values);
        if (_log.TryGetValue(key, out var known))
        {
            if (counted && !_evaluations.Contains(known))
            {
                _evaluations.Add(known);
                _resumed++;
                Evaluated?.Invoke(known, true);
            }
            return known;
        }
        if (counted && _evaluations.Count >= _spec.MaxEvaluations)
            throw new BudgetExhausted();
        var runs = RunAt(values, ct);
        var means = Moments.Select(m => runs.Average(r => Value(r, m.Indicator))).ToList();
        var sds = Moments.Select(m => Sd(runs.Select(r => Value(r, m.Indicator)).ToList())).ToList();
        var objective = Moments.Select((m, j) => Math.Pow((means[j] - m.Target) / m.Sd, 2)).Sum();
        var evaluation = new CalibrationEvaluation(_log.Count, values, means, sds, objective);
        _log[key] = evaluation;
        File.AppendAllText(Path.Combine(_directory, LogFile), JsonSerializer.Serialize(evaluation, JsonOptions) + "\n");
        if (counted)
        {
            _evaluations.Add(evaluation);
            Evaluated?.Invoke(evaluation, false);
        }
        return evaluation;
    }

    private IReadOnlyList<ReplicateRun> RunAt(IReadOnlyList<string> values, CancellationToken ct)
    {
        var assignments = Parameters.Select((p, i) => $"{p.Key}={values[i]}").ToList();
        var config = ConfigLoader.LoadFromString(_loaded.ResolvedYaml, _loaded.SourcePath, assignments).Config;
        var scenario = new ScenarioSpec(config.Name, _loaded.SourcePath, config, _provinces);
        return Experiments.RunReplicates([scenario], _spec.Replicates, new ExperimentOptions { Parallel = _parallel }, null, ct);
    }

    private static double Value(ReplicateRun run, string indicator) =>
        run.Indicators.FirstOrDefault(i => i.Name == indicator)?.Value
        ?? throw new SweepException($"indicator {indicator} is not computed for this scenario (pilot indicators need pilot provinces and a switch inside the horizon)");

    private static double Sd(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>
    /// Local identification at the optimum: the Jacobian of the moments by forward differences (one extra evaluation
    /// per parameter, a <see cref="JacobianStep"/> of its range inward), and standard errors from (JᵀWJ)⁻¹. A parameter
    /// the moments barely move has a large error: it is weakly identified, and its fitted value is mostly its start.
    /// </summary>
    private List<Identification> Identify(CalibrationEvaluation best, CancellationToken ct)
    {
        var x = best.Values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var k = Parameters.Count;
        var m = Moments.Count;
        var jacobian = Matrix<double>.Build.Dense(m, k);
        for (var i = 0; i < k; i++)
        {
            var p = Parameters[i];
            var h = JacobianStep * (p.Max - p.Min) * (x[i] + JacobianStep * (p.Max - p.Min) <= p.Max ? 1 : -1);
            var moved = (double[])x.Clone();
            moved[i] += h;
            var shifted = Evaluate(moved, ct, counted: false);
            var actual = double.Parse(shifted.Values[i], CultureInfo.InvariantCulture) - x[i];
            for (var j = 0; j < m; j++)
                jacobian[j, i] = actual == 0 ? 0 : (shifted.Moments[j] - best.Moments[j]) / actual;
        }
        // A parameter that moves no moment at all (its column of J is zero) is unidentified; the others are judged
        // among themselves, so that one inert parameter does not make every error infinite.
        var active = Enumerable.Range(0, k).Where(i => jacobian.Column(i).L2Norm() > 0).ToList();
        var errors = Enumerable.Repeat(double.PositiveInfinity, k).ToArray();
        if (active.Count > 0)
        {
            var j = Matrix<double>.Build.Dense(m, active.Count, (r, c) => jacobian[r, active[c]]);
            var weights = Matrix<double>.Build.DenseOfDiagonalArray(Moments.Select(t => 1 / (t.Sd * t.Sd)).ToArray());
            var information = j.Transpose() * weights * j;
            // Nearly collinear columns (two parameters moving the moments alike) leave the information matrix
            // singular: their combination is identified, each alone is not.
            if (information.ConditionNumber() < 1e12)
            {
                var covariance = information.Inverse();
                for (var c = 0; c < active.Count; c++)
                    errors[active[c]] = covariance[c, c] >= 0 ? Math.Sqrt(covariance[c, c]) : double.PositiveInfinity;
            }
        }
        var list = new List<Identification>();
        for (var i = 0; i < k; i++)
        {
            var p = Parameters[i];
            var relative = errors[i] / (p.Max - p.Min);
            list.Add(new Identification(p.Key, x[i], errors[i], relative, !(relative <= WeakThreshold)));
        }
        return list;
    }

    private List<FittedMoment> Fit(CalibrationEvaluation best, CancellationToken ct)
    {
        var t = _spec.Replicates > 1 ? MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, _spec.Replicates - 1, 0.975) : 0;
        return Moments.Select((m, j) =>
        {
            var half = t * best.MomentSds[j] / Math.Sqrt(_spec.Replicates);
            return new FittedMoment(m.Indicator, m.Target, m.Sd, best.Moments[j], best.Moments[j] - half, best.Moments[j] + half, m.Source);
        }).ToList();
    }

    /// <summary>Writes calibration.parquet (every evaluation, in order) and the best parameters as a config extending the spec.</summary>
    public async Task<string> WriteAsync(CalibrationResult result, string specPath, CancellationToken ct = default)
    {
        var columns = new List<ColumnSpec> { new("evaluation", ColumnKind.Int32, "", "Order of the evaluation in the optimiser's path.") };
        var names = Parameters.Select(p => Column(p.Key)).ToList();
        columns.AddRange(Parameters.Select((p, i) => new ColumnSpec(names[i], ColumnKind.Double, "", $"Value of {p.Key}.")));
        columns.AddRange(Moments.Select(m => new ColumnSpec(m.Indicator, ColumnKind.Double, "", $"Mean of {m.Indicator} over the replicates (target {m.Target}).")));
        columns.Add(new ColumnSpec("objective", ColumnKind.Double, "", "Σ ((moment − target) / sd)²."));
        columns.Add(new ColumnSpec("best", ColumnKind.Bool, "", "Whether this is the best evaluation."));
        var table = new TableBuffer(new TableSchema("calibration", columns));
        for (var e = 0; e < result.Evaluations.Count; e++)
        {
            var ev = result.Evaluations[e];
            table.Ints("evaluation").Add(e);
            for (var i = 0; i < Parameters.Count; i++)
                table.Doubles(names[i]).Add(double.Parse(ev.Values[i], CultureInfo.InvariantCulture));
            for (var j = 0; j < Moments.Count; j++)
                table.Doubles(Moments[j].Indicator).Add(ev.Moments[j]);
            table.Doubles("objective").Add(ev.Objective);
            table.Bools("best").Add(ReferenceEquals(ev, result.Best));
        }
        await ParquetTableWriter.WriteAsync(Path.Combine(_directory, TableFile), table, ct).ConfigureAwait(false);

        var yaml = new StringBuilder();
        yaml.AppendLine("# Written by 'agentsim calibrate': the best parameters found (docs/sensitivity.md). Objective "
            + result.Best.Objective.ToString("G4", CultureInfo.InvariantCulture) + $" after {result.Evaluations.Count} evaluations.");
        var extends = Path.GetRelativePath(Path.GetFullPath(_directory), Path.GetFullPath(specPath)).Replace('\\', '/');
        yaml.AppendLine($"extends: {extends}");
        yaml.AppendLine($"name: {_loaded.Config.Name}-calibrated");
        foreach (var group in Parameters.Select((p, i) => (Path: p.Key.Split('.'), Value: result.Best.Values[i])).GroupBy(x => x.Path[0]))
        {
            yaml.AppendLine($"{group.Key}:");
            foreach (var (path, value) in group)
            {
                for (var d = 1; d < path.Length; d++)
                    yaml.AppendLine($"{new string(' ', 2 * d)}{path[d]}:{(d == path.Length - 1 ? " " + value : "")}");
            }
        }
        var bestPath = Path.Combine(_directory, BestConfigFile);
        await AtomicFile.WriteAllTextAsync(bestPath, yaml.ToString(), ct).ConfigureAwait(false);
        // The written config must load: a key written through a list (industries.NAME.x) cannot be nested like this.
        ConfigLoader.Load(bestPath);
        return bestPath;
    }

    private static string Column(string key) => System.Text.RegularExpressions.Regex.Replace(key.ToLowerInvariant(), "[^a-z0-9_]+", "_").Trim('_');

    private double ToZ(FreeParameter p, double x)
    {
        var u = Math.Clamp((x - p.Min) / (p.Max - p.Min), 1e-6, 1 - 1e-6);
        return Math.Atanh(2 * u - 1);
    }

    private static double FromZ(FreeParameter p, double z) => p.Min + (p.Max - p.Min) * (1 + Math.Tanh(z)) / 2;

    private static string Text(FreeParameter p, double x)
    {
        x = Math.Clamp(x, p.Min, p.Max);
        return SweepPlanner.Number(p.Integer ? x : double.Parse(x.ToString($"G{Digits}", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), p.Integer);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// The directory belongs to one calibration: the resolved scenario, the free parameters, moments and replicates.
    /// Another spec in the same directory would replay a different path against a foreign log, so it is refused.
    /// </summary>
    private void CheckIdentity()
    {
        var identity = JsonSerializer.Serialize(new { scenario = SweepPlanner.IdentityYaml(_loaded.Config), parameters = Parameters, moments = Moments, _spec.Replicates, _spec.Tolerance }, JsonOptions);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
        var path = Path.Combine(_directory, IdentityFile);
        if (File.Exists(path))
        {
            var previous = JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("hash").GetString();
            if (previous != hash)
                throw new SweepException($"'{_directory}' holds another calibration (other scenario, parameters, moments or replicates); use another --out, or delete it to start over");
            return;
        }
        AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(new { hash, identity = JsonDocument.Parse(identity).RootElement }, new JsonSerializerOptions { WriteIndented = true }) + "\n")
            .GetAwaiter().GetResult();
    }

    /// <summary>Loads the evaluations logged by earlier (interrupted) invocations; a line cut short by a kill is ignored.</summary>
    private void ReadLog()
    {
        var path = Path.Combine(_directory, LogFile);
        if (!File.Exists(path))
            return;
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                if (JsonSerializer.Deserialize<CalibrationEvaluation>(line, JsonOptions) is { } e)
                    _log[string.Join('\n', e.Values)] = e;
            }
            catch (JsonException)
            {
            }
        }
    }

    private static List<FreeParameter> CheckParameters(LoadedConfig loaded, CalibrationConfig spec)
    {
        const string C = CalibrationConfig.Key;
        if (spec.Parameters.Count == 0)
            throw loaded.Error(C, "give at least one free parameter: parameters: [{key: ..., min: ..., max: ...}]");
        var list = new List<FreeParameter>();
        for (var i = 0; i < spec.Parameters.Count; i++)
        {
            var p = spec.Parameters[i];
            var path = $"{C}.parameters[{i}]";
            var info = ConfigSchema.Find(p.Key.Trim(), out var suggestion);
            if (info is null)
                throw loaded.Error($"{path}.key", $"unknown config key '{p.Key}'", suggestion);
            if (info.TypeName is not ("number" or "integer"))
                throw loaded.Error($"{path}.key", $"'{p.Key}' is {info.TypeName}; a free parameter must be a number");
            if (!loaded.IsGiven($"{path}.min") || !loaded.IsGiven($"{path}.max"))
                throw loaded.Error(path, "give the bounds of the parameter: min and max");
            if (p.Min >= p.Max)
                throw loaded.Error($"{path}.max", $"max ({SweepPlanner.Number(p.Max, false)}) must be greater than min ({SweepPlanner.Number(p.Min, false)})");
            var start = loaded.IsGiven($"{path}.start") ? p.Start : (p.Min + p.Max) / 2;
            if (start < p.Min || start > p.Max)
                throw loaded.Error($"{path}.start", $"start ({SweepPlanner.Number(start, false)}) must lie between min and max");
            var integer = info.TypeName == "integer";
            SweepPlanner.CheckValue(loaded, p.Key.Trim(), SweepPlanner.Number(p.Min, integer), $"{path}.min");
            SweepPlanner.CheckValue(loaded, p.Key.Trim(), SweepPlanner.Number(p.Max, integer), $"{path}.max");
            if (list.Any(x => x.Key == p.Key.Trim()))
                throw loaded.Error($"{path}.key", $"'{p.Key}' is listed twice");
            list.Add(new FreeParameter(p.Key.Trim(), p.Min, p.Max, start, integer));
        }
        return list;
    }

    private static List<TargetMoment> CheckMoments(LoadedConfig loaded, CalibrationConfig spec)
    {
        const string C = CalibrationConfig.Key;
        if (spec.Moments.Count == 0)
            throw loaded.Error(C, $"give at least one target moment: moments: [{{indicator: {Indicators.ConsumptionShareStart}, low: 0.38, high: 0.41}}]");
        var list = new List<TargetMoment>();
        for (var j = 0; j < spec.Moments.Count; j++)
        {
            var m = spec.Moments[j];
            var path = $"{C}.moments[{j}]";
            if (!MomentNames.Contains(m.Indicator))
                throw loaded.UnknownName($"{path}.indicator", m.Indicator, MomentNames, "indicator");
            bool Given(string key) => loaded.IsGiven($"{path}.{key}");
            var band = Given("low") && Given("high");
            if ((Given("low") || Given("high")) && !band)
                throw loaded.Error(path, "a calibration band needs both low and high");
            if (band && m.Low >= m.High)
                throw loaded.Error($"{path}.high", "high must be greater than low");
            if (!Given("target") && !band)
                throw loaded.Error(path, "give a target, or a band (low and high) whose middle is the target");
            // A band is read as a 95% range: ±2 sd around its middle.
            var sd = Given("sd") ? m.Sd : band ? (m.High - m.Low) / 4 : 0;
            if (!(sd > 0))
                throw loaded.Error(path, "give the target's uncertainty: sd > 0, or a band (low and high)");
            if (list.Any(x => x.Indicator == m.Indicator))
                throw loaded.Error($"{path}.indicator", $"moment {m.Indicator} is listed twice");
            list.Add(new TargetMoment(m.Indicator, Given("target") ? m.Target : (m.Low + m.High) / 2, sd, m.Source));
        }
        return list;
    }
}
