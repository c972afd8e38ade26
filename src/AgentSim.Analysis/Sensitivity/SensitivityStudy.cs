using System.Globalization;
using System.Text.Json;
using AgentSim.Analysis.Sweeps;
using AgentSim.Config;
using AgentSim.Output;
using MathNet.Numerics.Distributions;

namespace AgentSim.Analysis.Sensitivity;

/// <summary>An uncertain parameter as planned: its column, key, distribution and whether the key takes whole numbers.</summary>
public sealed record StudyParameter(string Name, string Key, ParameterDistribution Distribution, double Min, double Max, double Mean,
    double Sd, double Mode, bool Integer)
{
    /// <summary>The parameter's value at unit coordinate <paramref name="u"/> in [0, 1] (the inverse of its distribution function).</summary>
    public double FromUnit(double u)
    {
        u = Math.Clamp(u, 0, 1);
        var x = Distribution switch
        {
            ParameterDistribution.LogUniform => Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min))),
            ParameterDistribution.Normal => TruncatedNormal(u),
            ParameterDistribution.Triangular => Triangular.InvCDF(Min, Max, Mode, u),
            _ => Min + u * (Max - Min),
        };
        return Math.Clamp(x, Min, Max);
    }

    private double TruncatedNormal(double u)
    {
        var low = Normal.CDF(Mean, Sd, Min);
        var high = Normal.CDF(Mean, Sd, Max);
        return Normal.InvCDF(Mean, Sd, Math.Clamp(low + u * (high - low), 1e-15, 1 - 1e-15));
    }
}

/// <summary>An output as planned: an indicator in an arm, minus the same indicator in another arm (paired) or not.</summary>
public sealed record StudyOutput(string Name, string Indicator, string Arm, string? Minus);

/// <summary>
/// A sensitivity study as planned, stored as <see cref="FileName"/> next to the sweep plan: the design (each row's
/// sweep point), the parameters, arms and outputs. <c>sensitivity collect</c> needs only this and the runs.
/// </summary>
public sealed class SensitivityStudy
{
    public const string FileName = "sensitivity.json";
    public const string ResultFile = "sensitivity.parquet";
    public const string ArmColumn = "arm";
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;
    public required SensitivityMethod Method { get; init; }
    public required int Samples { get; init; }
    public required int Levels { get; init; }
    public required int Bootstrap { get; init; }
    public required long Seed { get; init; }
    public required IReadOnlyList<StudyParameter> Parameters { get; init; }
    public required IReadOnlyList<string> Arms { get; init; }
    public required IReadOnlyList<StudyOutput> Outputs { get; init; }

    /// <summary>For each design row, the sweep point of its values in the first arm; arm a is that point + a.</summary>
    public required IReadOnlyList<int> RowPoints { get; init; }

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public Task WriteAsync(string directory, CancellationToken ct = default) =>
        AtomicFile.WriteAllTextAsync(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, JsonOptions) + "\n", ct);

    public static SensitivityStudy Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new SweepException($"'{directory}' holds no sensitivity study ({FileName}); plan one with 'agentsim sensitivity plan SPEC --out {directory}'");
        var study = JsonSerializer.Deserialize<SensitivityStudy>(File.ReadAllText(path), JsonOptions)
            ?? throw new SweepException($"'{path}' is not a sensitivity study");
        if (study.Format != CurrentFormat)
            throw new SweepException($"'{path}' has format {study.Format}, this version reads format {CurrentFormat}; plan the study again");
        return study;
    }

    /// <summary>Design points (before arms and replicates): Sobol N (k + 2), Morris r (k + 1).</summary>
    public static int DesignRows(SensitivityMethod method, int samples, int parameters) =>
        method == SensitivityMethod.Sobol ? samples * (parameters + 2) : samples * (parameters + 1);
}

/// <summary>
/// Turns a config's <c>sensitivity:</c> section into a study and a sweep plan (design points × arms × replicates,
/// through <see cref="SweepPlanner.PlanPoints"/>: run ids, common random numbers, resume and Slurm come with it), and
/// computes the indices from the complete runs.
/// </summary>
public static class SensitivityPlanner
{
    /// <summary>Significant digits kept of a sampled value: enough for any parameter, short enough for a directory name.</summary>
    private const int Digits = 6;

    /// <exception cref="ConfigException">A problem with the section, located at its line.</exception>
    public static (SensitivityStudy Study, SweepPlan Plan) Plan(LoadedConfig loaded, string configPath, IReadOnlyList<string> overrides,
        bool independentStreams = false)
    {
        const string S = SensitivityConfig.Key;
        var spec = loaded.Sensitivity ?? throw new SweepException(
            $"{configPath} has no 'sensitivity:' section; add one (see docs/sensitivity.md)");
        if (spec.Parameters.Count == 0)
            throw loaded.Error(S, "give at least one parameter: parameters: [{key: ..., min: ..., max: ...}]");
        if (spec.Outputs.Count == 0)
            throw loaded.Error(S, $"give at least one output: outputs: [{{indicator: {Indicators.StrategicUtilisationEnd}}}]");
        if (spec.Method == SensitivityMethod.Morris && spec.Levels % 2 != 0)
            throw loaded.Error($"{S}.levels", $"Morris needs an even number of levels, got {spec.Levels}");

        var arms = Arms(loaded, spec);
        var parameters = Parameters(loaded, spec);
        var outputs = Outputs(loaded, spec, arms.Select(a => a.Name).ToList());

        var unit = spec.Method == SensitivityMethod.Sobol
            ? SaltelliDesign.Generate(parameters.Count, spec.Samples, spec.Seed)
            : MorrisDesign.Generate(parameters.Count, spec.Samples, spec.Levels, spec.Seed).SelectMany(t => t.Points).ToArray();
        // Rows that coincide (Morris trajectories can cross) share a point: one run each, however often the design uses it.
        var unique = new Dictionary<string, int>(StringComparer.Ordinal);
        var uniqueValues = new List<(string Value, string Label)[]>();
        var rowPoints = new List<int>(unit.Length);
        foreach (var row in unit)
        {
            var values = parameters.Select((p, i) =>
            {
                var x = p.FromUnit(row[i]);
                var text = SweepPlanner.Number(p.Integer ? x : double.Parse(x.ToString($"G{Digits}", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), p.Integer);
                return (text, SweepPlanner.Label(text));
            }).ToArray();
            var key = string.Join('\n', values.Select(v => v.text));
            if (!unique.TryGetValue(key, out var index))
            {
                unique[key] = index = uniqueValues.Count;
                uniqueValues.Add(values);
            }
            rowPoints.Add(index * arms.Count);
        }

        var columns = parameters.Select(p => new SweepColumn(p.Name, p.Key, Numeric: true)).ToList();
        var points = new List<IReadOnlyList<(string Value, string Label)>>();
        if (spec.Arms.Count > 0)
        {
            columns.Add(new SweepColumn(SensitivityStudy.ArmColumn, SensitivityStudy.ArmColumn, Numeric: false,
                arms.ToDictionary(a => a.Name, a => (IReadOnlyList<string>)a.Set)));
            foreach (var values in uniqueValues)
                points.AddRange(arms.Select(a => (IReadOnlyList<(string, string)>)[.. values, (a.Name, a.Name)]));
        }
        else
        {
            points.AddRange(uniqueValues);
        }
        var plan = SweepPlanner.PlanPoints(loaded, configPath, overrides, columns, points, spec.Replicates,
            spec.CommonRandomNumbers && !independentStreams);
        var study = new SensitivityStudy
        {
            Method = spec.Method,
            Samples = spec.Samples,
            Levels = spec.Levels,
            Bootstrap = spec.Bootstrap,
            Seed = spec.Seed,
            Parameters = parameters,
            Arms = arms.Select(a => a.Name).ToList(),
            Outputs = outputs,
            RowPoints = rowPoints,
        };
        return (study, plan);
    }

    private static List<(string Name, List<string> Set)> Arms(LoadedConfig loaded, SensitivityConfig spec)
    {
        if (spec.Arms.Count == 0)
            return [("base", [])];
        var arms = new List<(string, List<string>)>();
        for (var a = 0; a < spec.Arms.Count; a++)
        {
            var arm = spec.Arms[a];
            var path = $"{SensitivityConfig.Key}.arms[{a}]";
            if (!System.Text.RegularExpressions.Regex.IsMatch(arm.Name, "^[A-Za-z0-9._+-]+$"))
                throw loaded.Error($"{path}.name", $"an arm needs a name of letters, digits, '.', '_', '+' or '-' (it names a directory), got '{arm.Name}'");
            if (spec.Arms.FindIndex(x => x.Name == arm.Name) < a)
                throw loaded.Error($"{path}.name", $"arm '{arm.Name}' is named twice");
            for (var j = 0; j < arm.Set.Count; j++)
            {
                var cut = arm.Set[j].IndexOf('=', StringComparison.Ordinal);
                if (cut <= 0)
                    throw loaded.Error($"{path}.set[{j}]", $"expected KEY=VALUE, e.g. incentives.default_rule=household_income, got '{arm.Set[j]}'");
                SweepPlanner.CheckValue(loaded, arm.Set[j][..cut].Trim(), arm.Set[j][(cut + 1)..].Trim(), $"{path}.set[{j}]");
            }
            arms.Add((arm.Name, arm.Set.Select(x => x.Trim()).ToList()));
        }
        return arms;
    }

    private static List<StudyParameter> Parameters(LoadedConfig loaded, SensitivityConfig spec)
    {
        var list = new List<StudyParameter>();
        var names = new HashSet<string>(StringComparer.Ordinal) { SensitivityStudy.ArmColumn, "replicate", "run_id", "run_index", "seed", "point", "partition" };
        for (var i = 0; i < spec.Parameters.Count; i++)
        {
            var p = spec.Parameters[i];
            var path = $"{SensitivityConfig.Key}.parameters[{i}]";
            var info = ConfigSchema.Find(p.Key.Trim(), out var suggestion);
            if (info is null)
                throw loaded.Error($"{path}.key", $"unknown config key '{p.Key}'", suggestion);
            if (info.TypeName is not ("number" or "integer"))
                throw loaded.Error($"{path}.key", $"'{p.Key}' is {info.TypeName}; a sensitivity parameter must be a number");
            bool Given(string key) => loaded.IsGiven($"{path}.{key}");
            if (!Given("min") || !Given("max"))
                throw loaded.Error(path, "give the range of the parameter: min and max");
            if (p.Min >= p.Max)
                throw loaded.Error($"{path}.max", $"max ({SweepPlanner.Number(p.Max, false)}) must be greater than min ({SweepPlanner.Number(p.Min, false)})");
            switch (p.Distribution)
            {
                case ParameterDistribution.LogUniform when p.Min <= 0:
                    throw loaded.Error($"{path}.min", "log_uniform needs min > 0");
                case ParameterDistribution.Normal when !Given("mean") || !Given("sd") || p.Sd <= 0:
                    throw loaded.Error(path, "normal needs mean and sd > 0 (it is truncated to min..max)");
                case ParameterDistribution.Triangular when !Given("mode") || p.Mode < p.Min || p.Mode > p.Max:
                    throw loaded.Error(Given("mode") ? $"{path}.mode" : path, "triangular needs a mode between min and max");
            }
            var integer = info.TypeName == "integer";
            SweepPlanner.CheckValue(loaded, p.Key.Trim(), SweepPlanner.Number(p.Min, integer), $"{path}.min");
            SweepPlanner.CheckValue(loaded, p.Key.Trim(), SweepPlanner.Number(p.Max, integer), $"{path}.max");
            if (list.Any(x => x.Key == info.KeyPath))
                throw loaded.Error($"{path}.key", $"'{p.Key}' is listed twice");
            var name = p.Column.Length > 0 ? p.Column : ColumnName(p.Key.Trim(), spec);
            if (!names.Add(name))
                throw loaded.Error($"{path}.column", $"column name '{name}' is already used; set column: to another name");
            list.Add(new StudyParameter(name, p.Key.Trim(), p.Distribution, p.Min, p.Max, p.Mean, p.Sd, p.Mode, integer));
        }
        return list;
    }

    /// <summary>The key's last segment, or the whole key in snake_case when another parameter's key ends alike.</summary>
    private static string ColumnName(string key, SensitivityConfig spec)
    {
        static string Last(string k) => k[(Math.Max(k.LastIndexOf('.'), k.LastIndexOf(']')) + 1)..];
        var last = Last(key);
        return spec.Parameters.Count(p => Last(p.Key.Trim()) == last) > 1
            ? System.Text.RegularExpressions.Regex.Replace(key.ToLowerInvariant(), "[^a-z0-9_]+", "_").Trim('_')
            : last;
    }

    private static List<StudyOutput> Outputs(LoadedConfig loaded, SensitivityConfig spec, List<string> arms)
    {
        var list = new List<StudyOutput>();
        for (var i = 0; i < spec.Outputs.Count; i++)
        {
            var o = spec.Outputs[i];
            var path = $"{SensitivityConfig.Key}.outputs[{i}]";
            if (!StudyIndicators.Known.Contains(o.Indicator))
                throw loaded.UnknownName($"{path}.indicator", o.Indicator, StudyIndicators.Known, "indicator");
            var arm = o.Arm.Length > 0 ? o.Arm : arms[0];
            if (!arms.Contains(arm))
                throw loaded.UnknownName($"{path}.arm", arm, arms, "arm");
            string? minus = o.Minus.Length > 0 ? o.Minus : null;
            if (minus is not null && !arms.Contains(minus))
                throw loaded.UnknownName($"{path}.minus", minus, arms, "arm");
            if (minus == arm)
                throw loaded.Error($"{path}.minus", $"an output minus itself is zero; name another arm than '{arm}'");
            var name = o.Label.Length > 0 ? o.Label
                : minus is not null ? $"{o.Indicator}:{arm}-{minus}"
                : arms.Count > 1 ? $"{o.Indicator}:{arm}" : o.Indicator;
            if (list.Any(x => x.Name == name))
                throw loaded.Error(o.Label.Length > 0 ? $"{path}.label" : $"{path}.indicator", $"output '{name}' is listed twice; give them different labels");
            list.Add(new StudyOutput(name, o.Indicator, arm, minus));
        }
        return list;
    }
}

/// <summary>
/// An output at every design row (mean over replicates), and the seed noise left in those means: the variance
/// between replicates of one point divided by their number, averaged over points (NaN with one replicate).
/// </summary>
public sealed record StudyOutputValues(double[] Means, double NoiseVariance)
{
    public double Variance => Means.Length < 2 ? 0 : Means.Sum(v => (v - Means.Average()) * (v - Means.Average())) / (Means.Length - 1);

    /// <summary>
    /// Seed noise in the means (between-seed variance at one point / replicates) as a share of their variance across
    /// points. The indices apportion the whole variance, noise included (common random numbers make the output a
    /// fixed, often rough, function of the parameters for each seed): near 100%, first-order indices are small and
    /// total-order ones inflated. A warning light rather than a decomposition: under common random numbers part of a
    /// seed's effect is shared by all points and adds nothing across them, so the share can exceed 1.
    /// </summary>
    public double NoiseShare => Variance > 0 ? NoiseVariance / Variance : double.NaN;
}

/// <summary>Computes a planned study's indices from its complete runs and writes <see cref="SensitivityStudy.ResultFile"/>.</summary>
public static class SensitivityCollector
{
    /// <summary>
    /// Each output at each design row: the indicator in the output's arm (minus the other arm's, replicate by replicate),
    /// averaged over replicates. Throws <see cref="SweepException"/> when runs are missing or an indicator is absent.
    /// </summary>
    public static Dictionary<string, StudyOutputValues> Outputs(SensitivityStudy study, SweepDirectory directory)
    {
        var plan = directory.Plan;
        // indicator values by (point, replicate)
        var values = new Dictionary<(int Point, int Replicate), IReadOnlyDictionary<string, double>>();
        var missing = 0;
        foreach (var run in plan.Runs)
        {
            var record = directory.IsComplete(run) ? SweepDirectory.ReadRecord(directory.FinalPath(run)) : null;
            if (record is null)
            {
                missing++;
                continue;
            }
            values[(run.Point, run.Replicate)] = record.Indicators.ToDictionary(x => x.Name, x => x.Value);
        }
        if (missing > 0)
            throw new SweepException($"{missing} of {plan.Runs.Count} runs of the study are not complete; finish them first ('agentsim sweep collect {directory.Root}' lists them)");
        var result = new Dictionary<string, StudyOutputValues>(StringComparer.Ordinal);
        foreach (var output in study.Outputs)
        {
            var arm = study.Arms.ToList().IndexOf(output.Arm);
            var minus = output.Minus is null ? -1 : study.Arms.ToList().IndexOf(output.Minus);
            var y = new double[study.RowPoints.Count];
            double within = 0;
            var replicate = new double[plan.Replicates];
            for (var row = 0; row < y.Length; row++)
            {
                for (var r = 0; r < plan.Replicates; r++)
                {
                    replicate[r] = Value(values, study.RowPoints[row] + arm, r, output);
                    if (minus >= 0)
                        replicate[r] -= Value(values, study.RowPoints[row] + minus, r, output);
                }
                y[row] = replicate.Average();
                if (plan.Replicates > 1)
                    within += replicate.Sum(v => (v - y[row]) * (v - y[row])) / (plan.Replicates - 1);
            }
            result[output.Name] = new StudyOutputValues(y, plan.Replicates > 1 ? within / y.Length / plan.Replicates : double.NaN);
        }
        return result;
    }

    private static double Value(Dictionary<(int, int), IReadOnlyDictionary<string, double>> values, int point, int replicate, StudyOutput output)
    {
        var v = values[(point, replicate)].GetValueOrDefault(output.Indicator, double.NaN);
        if (!double.IsFinite(v))
            throw new SweepException($"output '{output.Name}': indicator {output.Indicator} is missing (NaN) in the run of point {point}, replicate {replicate}; " +
                "pilot indicators exist only in arms with pilot provinces and a switch inside the horizon, signature indicators only in runs of 8+ quarters");
        return v;
    }

    public static List<SensitivityIndex> Estimate(SensitivityStudy study, IReadOnlyDictionary<string, StudyOutputValues> outputs)
    {
        var names = study.Parameters.Select(p => p.Name).ToList();
        var list = new List<SensitivityIndex>();
        foreach (var output in study.Outputs)
        {
            var y = outputs[output.Name].Means;
            if (study.Method == SensitivityMethod.Sobol)
            {
                list.AddRange(SobolEstimator.Estimate(y, names, output.Name, study.Bootstrap, study.Seed));
            }
            else
            {
                var design = MorrisDesign.Generate(names.Count, study.Samples, study.Levels, study.Seed);
                var per = names.Count + 1;
                var byTrajectory = Enumerable.Range(0, design.Count).Select(t => y.Skip(t * per).Take(per).ToArray()).ToList();
                list.AddRange(MorrisEstimator.Estimate(design, byTrajectory, names, output.Name, study.Bootstrap, study.Seed));
            }
        }
        return list;
    }

    private static readonly TableSchema Schema = new("sensitivity",
    [
        new("parameter", ColumnKind.String, "", "The parameter's column name (its config key is in sensitivity.json)."),
        new("key", ColumnKind.String, "", "The parameter's config key."),
        new("output", ColumnKind.String, "", "The output: an indicator in an arm, or its paired difference between two arms."),
        new("method", ColumnKind.String, "", "sobol or morris."),
        new("index", ColumnKind.String, "", "S1 (first order), ST (total order); mu_star, mu, sigma (Morris, in output units over the parameter's range)."),
        new("estimate", ColumnKind.Double, "", "The index."),
        new("ci_low", ColumnKind.Double, "", "Lower end of the bootstrap 95% interval."),
        new("ci_high", ColumnKind.Double, "", "Upper end of the bootstrap 95% interval."),
    ]);

    public static Task WriteAsync(string path, SensitivityStudy study, IReadOnlyList<SensitivityIndex> indices, CancellationToken ct = default)
    {
        var table = new TableBuffer(Schema);
        var keys = study.Parameters.ToDictionary(p => p.Name, p => p.Key);
        foreach (var i in indices)
        {
            table.Strings("parameter").Add(i.Parameter);
            table.Strings("key").Add(keys[i.Parameter]);
            table.Strings("output").Add(i.Output);
            table.Strings("method").Add(i.Method);
            table.Strings("index").Add(i.Index);
            table.Doubles("estimate").Add(i.Estimate);
            table.Doubles("ci_low").Add(i.Low);
            table.Doubles("ci_high").Add(i.High);
        }
        return ParquetTableWriter.WriteAsync(path, table, ct);
    }
}
