using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AgentSim.Config;
using AgentSim.Core;

namespace AgentSim.Analysis.Sweeps;

/// <summary>
/// Expands a config's <c>sweep:</c> section into the run table. Each parameter's values are checked against the
/// model's schema one by one (so a bad value is reported at its line in the sweep section), every point's config is
/// loaded (so bad combinations are found before anything runs), and every run gets a stable id: a hash of its
/// point's resolved config and its replicate number.
/// </summary>
public static partial class SweepPlanner
{
    /// <summary>Most runs in one plan: its run table is held in memory and written as one file.</summary>
    public const int MaxRuns = 1_000_000;

    /// <summary>Hex digits of the SHA-256 kept as the run id: 48 bits, unique among millions of runs.</summary>
    public const int RunIdLength = 12;

    /// <summary>Random stream of the Latin-hypercube design (apart from every stream the model uses).</summary>
    private const ulong LatinHypercubeStream = 0x5357_4545_50UL;

    /// <param name="loaded">The config with the command-line overrides already applied.</param>
    /// <param name="configPath">The config file as given by the user.</param>
    /// <param name="overrides">The overrides <paramref name="loaded"/> was loaded with, recorded in the plan.</param>
    /// <param name="independentStreams">Give every run its own seed, whatever the sweep section says.</param>
    /// <exception cref="ConfigException">A sweep value or a point that the model's schema rejects.</exception>
    /// <exception cref="SweepException">The config has no sweep section.</exception>
    public static SweepPlan Plan(LoadedConfig loaded, string configPath, IReadOnlyList<string> overrides, bool independentStreams = false)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var sweep = loaded.Sweep ?? throw new SweepException(
            $"{configPath} has no 'sweep:' section; add one (see docs/experiments.md) or use 'agentsim run' for a single run");
        var config = sweep.Config;
        // Counted before any value is checked or the grid is built: a product of value counts can pass int.MaxValue
        // (and memory, and hours of checking) long before.
        var planned = System.Numerics.BigInteger.One * config.Replicates;
        for (var i = 0; i < config.Parameters.Count; i++)
        {
            planned *= sweep.Kinds[i] switch
            {
                SweepParameterKind.Values => Math.Max(1, config.Parameters[i].Values.Count),
                SweepParameterKind.Range => Math.Max(1, config.Parameters[i].Steps),
                _ => 1,
            };
        }
        if (sweep.Kinds.Any(k => k is not SweepParameterKind.Values and not SweepParameterKind.Range))
            planned *= Math.Max(1, config.LatinHypercube.Points);
        if (planned > MaxRuns)
            throw loaded.Error(SweepConfig.Key,
                $"the sweep has {planned:N0} runs (every combination of the values times the replicates), more than the {MaxRuns:N0} a plan may hold; use fewer values or latin_hypercube sampling");
        var columns = new List<SweepColumn>();
        var grid = new List<IReadOnlyList<(string Value, string Label)>>();
        var sampled = new List<int>();
        for (var i = 0; i < config.Parameters.Count; i++)
        {
            var parameter = config.Parameters[i];
            var info = ConfigSchema.Find(parameter.Key)!;
            var integer = info.TypeName == "integer";
            var numeric = integer || info.TypeName == "number";
            // With labels the partition shows the label, so the summary column does too (they must join).
            columns.Add(new SweepColumn(sweep.Columns[i], parameter.Key.Trim(), numeric && parameter.Labels.Count == 0));
            var path = $"{SweepConfig.Key}.parameters[{i}]";
            switch (sweep.Kinds[i])
            {
                case SweepParameterKind.Values:
                    grid.Add(Listed(loaded, parameter, path, numeric, integer));
                    break;
                case SweepParameterKind.Range:
                    grid.Add(Ranged(loaded, parameter, path, integer));
                    break;
                default:
                    CheckValue(loaded, parameter.Key, Number(parameter.Min, integer), $"{path}.min");
                    CheckValue(loaded, parameter.Key, Number(parameter.Max, integer), $"{path}.max");
                    sampled.Add(i);
                    grid.Add([]);
                    break;
            }
        }

        var points = Points(config, grid, sampled);
        return PlanPoints(loaded, configPath, overrides, columns, points, config.Replicates, config.CommonRandomNumbers && !independentStreams);
    }

    /// <summary>
    /// The run table of explicit points (each a value and a label per column), every point run
    /// <paramref name="replicates"/> times: what <see cref="Plan"/> does once it has expanded a sweep section, and
    /// what designed experiments (sensitivity studies) use with their own points.
    /// </summary>
    /// <exception cref="ConfigException">A point that is not a valid config.</exception>
    public static SweepPlan PlanPoints(LoadedConfig loaded, string configPath, IReadOnlyList<string> overrides,
        IReadOnlyList<SweepColumn> columns, IReadOnlyList<IReadOnlyList<(string Value, string Label)>> points, int replicates, bool commonRandomNumbers)
    {
        var crn = commonRandomNumbers;
        var baseSeed = loaded.Config.Seed;
        var runs = new List<PlannedRun>(points.Count * replicates);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var p = 0; p < points.Count; p++)
        {
            var values = points[p].Select(v => v.Value).ToList();
            var labels = points[p].Select(v => v.Label).ToList();
            var pointYaml = PointYaml(loaded, columns, values, configPath);
            var prefix = string.Concat(columns.Select((c, i) => $"{c.Name}={labels[i]}/"));
            for (var r = 0; r < replicates; r++)
            {
                var id = RunId(pointYaml, r, crn);
                if (!ids.TryAdd(id, runs.Count))
                    throw new SweepException($"two runs of the sweep have the same configuration and replicate (runs {ids[id]} and {runs.Count}); check the sweep's values");
                var seed = crn ? Experiments.ReplicateSeed(baseSeed, r) : SeedFromRunId(id);
                runs.Add(new PlannedRun(runs.Count, id, p, r, seed, values, labels, $"{prefix}replicate={r}"));
            }
        }
        return new SweepPlan
        {
            Name = loaded.Config.Name,
            ConfigPath = configPath,
            ConfigDirectory = loaded.ConfigDirectory,
            Overrides = overrides.ToList(),
            BaseConfigYaml = loaded.ResolvedYaml,
            BaseSeed = baseSeed,
            CommonRandomNumbers = crn,
            Replicates = replicates,
            Points = points.Count,
            Columns = columns,
            Runs = runs,
        };
    }

    /// <summary>
    /// The run id: the first <see cref="RunIdLength"/> hex digits of the SHA-256 of the point's resolved config
    /// (base seed, thread count cleared), the replicate number and the stream mode.
    /// </summary>
    public static string RunId(string pointYaml, int replicate, bool commonRandomNumbers)
    {
        var text = $"agentsim sweep run\n{pointYaml}\nreplicate={replicate.ToString(CultureInfo.InvariantCulture)}\nstreams={(commonRandomNumbers ? "common" : "independent")}\n";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..RunIdLength];
    }

    /// <summary>With independent streams: a seed from the run id, so no two runs share random numbers.</summary>
    public static long SeedFromRunId(string runId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"agentsim sweep seed\n{runId}\n"));
        return (long)(BitConverter.ToUInt64(hash, 0) >> 1);
    }

    /// <summary>
    /// The config of one point of <paramref name="plan"/>: the base config with the point's values applied, base seed.
    /// <paramref name="pseudoPath"/> locates relative paths (the plan's config directory).
    /// </summary>
    public static LoadedConfig LoadPoint(SweepPlan plan, PlannedRun run) =>
        ConfigLoader.LoadFromString(plan.BaseConfigYaml, Path.Combine(plan.ConfigDirectory, "sweep-base.yaml"),
            plan.Assignments(run));

    /// <summary>The YAML that identifies a point: its resolved config with the thread count cleared (results do not depend on it).</summary>
    public static string IdentityYaml(SimulationConfig config)
    {
        var threads = config.Threads;
        config.Threads = 0;
        try
        {
            return ConfigYaml.Write(config);
        }
        finally
        {
            config.Threads = threads;
        }
    }

    private static string PointYaml(LoadedConfig loaded, IReadOnlyList<SweepColumn> columns, List<string> values, string configPath)
    {
        var assignments = columns.SelectMany((c, i) => c.Assign(values[i])).ToList();
        try
        {
            return IdentityYaml(ConfigLoader.LoadFromString(loaded.ResolvedYaml, loaded.SourcePath, assignments).Config);
        }
        catch (ConfigException ex)
        {
            throw loaded.Error(SweepConfig.Key, $"the point {string.Join(", ", assignments)} is not a valid config: {ex.Problem}");
        }
    }

    private static List<(string Value, string Label)> Listed(LoadedConfig loaded, SweepParameterConfig parameter, string path,
        bool numeric, bool integer)
    {
        var values = new List<(string, string)>();
        for (var j = 0; j < parameter.Values.Count; j++)
        {
            var raw = parameter.Values[j].Trim();
            // A fraction for a whole-number key is left as written, for the schema to reject.
            var value = numeric && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && (!integer || Math.Floor(number) == number)
                ? Number(number, integer)
                : raw;
            CheckValue(loaded, parameter.Key, value, $"{path}.values[{j}]");
            values.Add((value, parameter.Labels.Count > 0 ? parameter.Labels[j] : Label(value)));
        }
        CheckDistinct(loaded, values, path, "values");
        return values;
    }

    private static List<(string Value, string Label)> Ranged(LoadedConfig loaded, SweepParameterConfig parameter, string path, bool integer)
    {
        var values = new List<(string, string)>();
        for (var k = 0; k < parameter.Steps; k++)
        {
            // The last value is `to` itself, not from + (steps-1) * delta with its rounding error.
            var x = k == parameter.Steps - 1 ? parameter.To : parameter.From + k * (parameter.To - parameter.From) / (parameter.Steps - 1);
            var value = Number(x, integer);
            CheckValue(loaded, parameter.Key, value, k == 0 ? $"{path}.from" : $"{path}.to");
            values.Add((value, parameter.Labels.Count > 0 ? parameter.Labels[k] : Label(value)));
        }
        if (values.Select(v => v.Item1).Distinct().Count() < values.Count)
            throw loaded.Error($"{path}.steps", $"'{parameter.Key}' is a whole number: {parameter.Steps} steps from {Naming(parameter.From)} to {Naming(parameter.To)} repeat values; use fewer steps");
        CheckDistinct(loaded, values, path, "values");
        return values;
    }

    /// <summary>Grid points (first parameter slowest), each combined with every Latin-hypercube point.</summary>
    private static List<IReadOnlyList<(string Value, string Label)>> Points(SweepConfig config, List<IReadOnlyList<(string Value, string Label)>> grid,
        List<int> sampled)
    {
        var samples = LatinHypercube(config, sampled);
        var points = new List<List<(string Value, string Label)>> { new() };
        for (var i = 0; i < grid.Count; i++)
        {
            var next = new List<List<(string, string)>>();
            foreach (var point in points)
            {
                if (sampled.Contains(i))
                {
                    next.Add([.. point, default]);
                    continue;
                }
                foreach (var value in grid[i])
                    next.Add([.. point, value]);
            }
            points = next;
        }
        if (sampled.Count == 0)
            return [.. points];
        var combined = new List<IReadOnlyList<(string Value, string Label)>>();
        foreach (var point in points)
        {
            foreach (var sample in samples)
            {
                var full = point.ToList();
                for (var d = 0; d < sampled.Count; d++)
                    full[sampled[d]] = sample[d];
                combined.Add(full);
            }
        }
        return combined;
    }

    /// <summary>
    /// A Latin hypercube: each sampled parameter's interval is cut into <c>points</c> equal strata and every stratum
    /// is used by exactly one point, at a uniform position inside it; the strata are matched across parameters by
    /// independent random permutations. Whole-number keys are rounded.
    /// </summary>
    private static List<(string Value, string Label)[]> LatinHypercube(SweepConfig config, List<int> sampled)
    {
        var n = config.LatinHypercube.Points;
        var samples = new List<(string, string)[]>();
        if (sampled.Count == 0)
            return samples;
        var strata = new int[sampled.Count][];
        for (var d = 0; d < sampled.Count; d++)
        {
            var rng = new CounterRng((ulong)config.LatinHypercube.Seed, LatinHypercubeStream, d, -1);
            strata[d] = Enumerable.Range(0, n).ToArray();
            for (var i = n - 1; i > 0; i--)
            {
                var j = rng.NextInt(i + 1);
                (strata[d][i], strata[d][j]) = (strata[d][j], strata[d][i]);
            }
        }
        for (var i = 0; i < n; i++)
        {
            var sample = new (string, string)[sampled.Count];
            for (var d = 0; d < sampled.Count; d++)
            {
                var parameter = config.Parameters[sampled[d]];
                var integer = ConfigSchema.Find(parameter.Key)!.TypeName == "integer";
                var rng = new CounterRng((ulong)config.LatinHypercube.Seed, LatinHypercubeStream, d, i);
                var u = (strata[d][i] + rng.NextDouble()) / n;
                var value = Number(parameter.Min + u * (parameter.Max - parameter.Min), integer);
                sample[d] = (value, Label(value));
            }
            samples.Add(sample);
        }
        return samples;
    }

    /// <summary>Loads the base config with one value applied; a rejection is reported at the value's line in the sweep section.</summary>
    public static void CheckValue(LoadedConfig loaded, string key, string value, string keyPath)
    {
        try
        {
            ConfigLoader.LoadFromString(loaded.ResolvedYaml, loaded.SourcePath, [$"{key}={value}"]);
        }
        catch (ConfigException ex)
        {
            var problem = ex.Problem.StartsWith("--set '", StringComparison.Ordinal) && ex.Problem.IndexOf("': ", StringComparison.Ordinal) is var cut and > 0
                ? ex.Problem[(cut + 3)..]
                : ex.Problem;
            throw loaded.Error(keyPath, $"{key}={value}: {problem}", ex.Suggestion);
        }
    }

    private static void CheckDistinct(LoadedConfig loaded, List<(string Value, string Label)> values, string path, string what)
    {
        for (var j = 0; j < values.Count; j++)
        {
            var first = values.FindIndex(v => v.Value == values[j].Value);
            if (first < j)
                throw loaded.Error($"{path}.{what}[{j}]", $"value {values[j].Value} is the same as values[{first}]");
            first = values.FindIndex(v => v.Label == values[j].Label);
            if (first < j)
                throw loaded.Error($"{path}.{what}[{j}]",
                    $"values {values[first].Value} and {values[j].Value} give the same directory name '{values[j].Label}'; name them with labels: [...]");
        }
    }

    /// <summary>Invariant shortest round-trip text; whole numbers for integer keys.</summary>
    public static string Number(double value, bool integer) =>
        integer ? Math.Round(value, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture) : Naming(value);

    private static string Naming(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A value as a directory name: kept when path-safe, a list as its elements joined by '+', anything else with '_' for unsafe characters.</summary>
    public static string Label(string value)
    {
        var text = value.Trim();
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            var items = text[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(s => s.Trim('"', '\''));
            text = string.Join('+', items);
            if (text.Length == 0)
                return "none";
        }
        var label = Unsafe().Replace(text, "_").Trim('_');
        if (label.Length == 0 || label is "." or "..")
            label = "value";
        return label.Length > 80 ? label[..64] + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8] : label;
    }

    [GeneratedRegex(@"[^A-Za-z0-9._+\-]+")]
    private static partial Regex Unsafe();
}
