using System.Text.RegularExpressions;

namespace AgentSim.Config;

/// <summary>A cross-field problem: <see cref="Message"/> follows "KeyPath: " in the final error.</summary>
internal sealed record Problem(string KeyPath, string Message, string? Suggestion = null);

/// <summary>
/// Rules that involve more than one value and so cannot be expressed by [Param] ranges. Sections may add their
/// own by implementing <see cref="IValidatableSection"/>; those are collected here too.
/// </summary>
internal static partial class ConfigRules
{
    public static IEnumerable<Problem> Check(SimulationConfig config) =>
        ScenarioName(config)
            .Concat(Industries(config))
            .Concat(Tariffs(config))
            .Concat(TradeIns(config))
            .Concat(Levers(config.Levers))
            .Concat(Households(config.Households))
            .Concat(Incentives(config.Incentives))
            .Concat(FirmColumns(config.Output))
            .Concat(SectionRules(config, config, ""))
            .Concat(Horizon(config));

    /// <summary>
    /// Events must fall inside the recorded quarters: a pilot switch, tariff or trade-in that starts at or after
    /// <c>steps</c> never happens, and a run that silently omits the experiment it was configured for is worse than
    /// a refusal. Checked last, so a wrong name in the same section is reported first.
    /// </summary>
    private static IEnumerable<Problem> Horizon(SimulationConfig config)
    {
        var steps = config.Steps;
        var last = $"the run's last quarter is {steps - 1} (steps: {steps})";
        if (config.Incentives.PilotProvinces.Count > 0 && config.Incentives.SwitchStep >= steps)
            yield return new("incentives.switch_step", $"the pilots switch at step {config.Incentives.SwitchStep}, after the horizon: {last}; lower switch_step or raise steps");
        for (var i = 0; i < config.Tariffs.Count; i++)
        {
            if (config.Tariffs[i].FromStep >= steps)
                yield return new($"tariffs[{i}].from_step", $"the tariff starts at step {config.Tariffs[i].FromStep}, after the horizon: {last}; lower from_step or raise steps");
        }
        for (var i = 0; i < config.TradeIn.Count; i++)
        {
            if (config.TradeIn[i].FromStep >= steps)
                yield return new($"trade_in[{i}].from_step", $"the programme starts at step {config.TradeIn[i].FromStep}, after the horizon: {last}; lower from_step or raise steps");
        }
    }

    /// <summary>
    /// The scenario name becomes part of output folder names (compare's default folder, scenario=NAME partitions), so
    /// it must be a single, harmless path component: a config can never make a run write outside its output folder.
    /// </summary>
    private static IEnumerable<Problem> ScenarioName(SimulationConfig config)
    {
        var name = config.Name;
        if (string.IsNullOrWhiteSpace(name))
            yield return new("name", "the scenario name must not be empty");
        else if (name.Length > 100)
            yield return new("name", $"the scenario name is {name.Length} characters long; at most 100 are allowed (it names output folders)");
        else if (name is "." or ".." || name.IndexOfAny(UnsafePathChars) >= 0 || name.Any(char.IsControl) || name != name.Trim())
            yield return new("name", $"scenario name '{name}' cannot name an output folder: it must not contain / \\ : * ? \" < > | or control characters, start or end with a space, or be '.' or '..'");
    }

    private static readonly char[] UnsafePathChars = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

    private static IEnumerable<Problem> Industries(SimulationConfig config)
    {
        if (config.Industries.Count == 0)
            yield return new("industries", "at least one industry is required");
        var firstIndex = new Dictionary<string, int>();
        for (var i = 0; i < config.Industries.Count; i++)
        {
            var name = config.Industries[i].Name;
            var path = $"industries[{i}].name";
            if (string.IsNullOrWhiteSpace(name))
                yield return new(path, "industry name must not be empty");
            else if (!SnakeCaseName().IsMatch(name))
                yield return new(path, $"industry name '{name}' must be snake_case: lower-case letters, digits and '_', starting with a letter");
            else if (!firstIndex.TryAdd(name, i))
                yield return new(path, $"duplicate industry name '{name}' (also industries[{firstIndex[name]}].name)");
        }
    }

    private static IEnumerable<Problem> Tariffs(SimulationConfig config)
    {
        var names = config.Industries.Select(i => i.Name).ToList();
        for (var i = 0; i < config.Tariffs.Count; i++)
        {
            var tariff = config.Tariffs[i];
            if (string.IsNullOrWhiteSpace(tariff.Industry))
                yield return new($"tariffs[{i}].industry", "an industry is required");
            else if (!names.Contains(tariff.Industry))
                yield return UnknownIndustry($"tariffs[{i}].industry", tariff.Industry, names);
            if (tariff.FromStep > tariff.ToStep)
                yield return new($"tariffs[{i}].to_step", $"to_step ({tariff.ToStep}) is before from_step ({tariff.FromStep})");
        }
    }

    private static IEnumerable<Problem> TradeIns(SimulationConfig config)
    {
        var names = config.Industries.Select(i => i.Name).ToList();
        for (var i = 0; i < config.TradeIn.Count; i++)
        {
            var programme = config.TradeIn[i];
            if (programme.Industries.Count == 0)
                yield return new($"trade_in[{i}].industries", "at least one industry is required");
            for (var j = 0; j < programme.Industries.Count; j++)
            {
                if (!names.Contains(programme.Industries[j]))
                    yield return UnknownIndustry($"trade_in[{i}].industries[{j}]", programme.Industries[j], names);
            }
            if (programme.FromStep > programme.ToStep)
                yield return new($"trade_in[{i}].to_step", $"to_step ({programme.ToStep}) is before from_step ({programme.FromStep})");
        }
    }

    private static Problem UnknownIndustry(string path, string name, IReadOnlyList<string> names) =>
        new(path, $"unknown industry '{name}' (industries are: {string.Join(", ", names)})", Naming.Nearest(name, names));

    private static IEnumerable<Problem> Levers(LeversConfig levers)
    {
        foreach (var p in ConfigTypes.PropertiesOf(typeof(LeversConfig)).Where(p => p.ElementType == typeof(LeverBounds)))
        {
            var bounds = (LeverBounds)p.Info.GetValue(levers)!;
            var path = $"levers.{p.Key}";
            if (bounds.Min > bounds.Max)
                yield return new($"{path}.min", $"min ({N(bounds.Min)}) is greater than max ({N(bounds.Max)})");
            else if (bounds.Initial < bounds.Min || bounds.Initial > bounds.Max)
                yield return new($"{path}.initial", $"initial ({N(bounds.Initial)}) is outside min..max ({N(bounds.Min)}..{N(bounds.Max)})");
        }
        // These levers are shares (of capex, revenue, programme spending; a willingness to rescue): outside [0, 1] the
        // accounts still balance but mean nothing (a welfare share of 10 put consumption at 277% of GDP).
        foreach (var (key, bounds) in new[] { ("capex_subsidy", levers.CapexSubsidy), ("production_subsidy", levers.ProductionSubsidy),
                     ("welfare_share", levers.WelfareShare), ("bailout_propensity", levers.BailoutPropensity) })
        {
            foreach (var (end, value) in new[] { ("min", bounds.Min), ("max", bounds.Max), ("initial", bounds.Initial) })
            {
                if (value < 0 || value > 1)
                    yield return new($"levers.{key}.{end}", $"{N(value)} is not a share: it must be between 0 and 1");
            }
        }
        var capex = levers.CapexSubsidy;
        if (capex.Min <= capex.Max
            && (levers.CapexSubsidyStrategicInitial < capex.Min || levers.CapexSubsidyStrategicInitial > capex.Max))
            yield return new("levers.capex_subsidy_strategic_initial",
                $"{N(levers.CapexSubsidyStrategicInitial)} is outside capex_subsidy min..max ({N(capex.Min)}..{N(capex.Max)})");
    }

    private static IEnumerable<Problem> Households(HouseholdsConfig households)
    {
        if (households.MinPropensity > households.MaxPropensity)
            yield return new("households.min_propensity",
                $"min_propensity ({N(households.MinPropensity)}) is greater than max_propensity ({N(households.MaxPropensity)})");
    }

    private static IEnumerable<Problem> Incentives(IncentivesConfig incentives)
    {
        var firstIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < incentives.PilotProvinces.Count; i++)
        {
            var name = incentives.PilotProvinces[i];
            var path = $"incentives.pilot_provinces[{i}]";
            if (string.IsNullOrWhiteSpace(name))
                yield return new(path, "province name must not be empty");
            else if (!firstIndex.TryAdd(name, i))
                yield return new(path, $"province '{name}' is listed twice (also incentives.pilot_provinces[{firstIndex[name]}])");
        }
    }

    /// <summary>Firm snapshot columns must be columns of firms.parquet, each listed once.</summary>
    private static IEnumerable<Problem> FirmColumns(OutputConfig output)
    {
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < output.FirmsColumns.Count; i++)
        {
            var name = output.FirmsColumns[i];
            var path = $"output.firms_columns[{i}]";
            if (!OutputConfig.FirmColumnNames.Contains(name))
                yield return new(path, $"unknown column '{name}' (firms.parquet has: {string.Join(", ", OutputConfig.FirmColumnNames)})",
                    Naming.Nearest(name, OutputConfig.FirmColumnNames));
            else if (!firstIndex.TryAdd(name, i))
                yield return new(path, $"column '{name}' is listed twice (also output.firms_columns[{firstIndex[name]}])");
        }
    }

    /// <summary>Rules declared by sections themselves, found by walking the object tree.</summary>
    private static IEnumerable<Problem> SectionRules(SimulationConfig root, object section, string path)
    {
        if (section is IValidatableSection validatable)
        {
            foreach (var (keyPath, message) in validatable.Validate(root))
                yield return new(Join(path, keyPath), message);
        }
        foreach (var p in ConfigTypes.PropertiesOf(section.GetType()))
        {
            var value = p.Info.GetValue(section);
            if (value is null)
                continue;
            var childPath = Join(path, p.Key);
            if (p.Kind == ValueKind.Object)
            {
                foreach (var problem in SectionRules(root, value, childPath))
                    yield return problem;
            }
            else if (p.Kind == ValueKind.ObjectList)
            {
                var i = 0;
                foreach (var element in (System.Collections.IEnumerable)value)
                {
                    foreach (var problem in SectionRules(root, element, $"{childPath}[{i}]"))
                        yield return problem;
                    i++;
                }
            }
        }
    }

    private static string Join(string path, string key) =>
        path.Length == 0 ? key : key.Length == 0 ? path : key.StartsWith('[') ? path + key : $"{path}.{key}";

    private static string N(double value) => Naming.FormatNumber(value);

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SnakeCaseName();
}
