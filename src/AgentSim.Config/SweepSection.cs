using System.Text;
using System.Text.RegularExpressions;

namespace AgentSim.Config;

/// <summary>
/// Reads the <c>sweep:</c> section: takes it out of the merged file tree (so the model config never sees it),
/// binds it onto <see cref="SweepConfig"/> with the same binder as the rest (types, ranges, unknown keys, lines)
/// and checks the rules that involve several fields. Values are checked against the model's schema later, when
/// a plan loads each point's config.
/// </summary>
internal static partial class SweepSection
{
    /// <summary>Column names that summary.parquet and the partition layout use themselves.</summary>
    public static readonly IReadOnlySet<string> ReservedColumns =
        new HashSet<string>(StringComparer.Ordinal) { "replicate", "run_id", "run_index", "seed", "point", "partition" };

    /// <summary>Removes the section from <paramref name="fileTree"/> and returns its value, or null when there is none.</summary>
    public static Node? Extract(MappingNode fileTree)
    {
        var entry = fileTree.Find(SweepConfig.Key);
        if (entry is null)
            return null;
        fileTree.Entries.Remove(entry);
        return entry.Value;
    }

    /// <summary>Binds and checks the section; problems are thrown located at their file and line.</summary>
    public static LoadedSweep Bind(Node node, string fallbackFile, Dictionary<string, Origin> locations)
    {
        if (node is not MappingNode mapping)
            throw node.Origin.Error($"{SweepConfig.Key}: expected a mapping (replicates, parameters, ...), got {node.Describe()}",
                SweepConfig.Key, fallbackFile, "a mapping of keys");
        FlattenListValues(mapping);
        var binder = new ConfigBinder(fallbackFile);
        var sweep = binder.BindSection<SweepConfig>(mapping, SweepConfig.Key);
        foreach (var (path, origin) in binder.Locations)
            locations[path] = origin;
        if (binder.Problems.Count > 0)
            throw WithOthers(binder.Problems);

        var kinds = new List<SweepParameterKind>();
        var problems = new List<Problem>();
        for (var i = 0; i < sweep.Parameters.Count; i++)
            kinds.Add(Check(sweep.Parameters[i], $"{SweepConfig.Key}.parameters[{i}]", binder.Locations, problems));
        CheckAcross(sweep, kinds, problems);
        if (problems.Count > 0)
            throw WithOthers(problems
                .Select(p => ConfigLoader.Locate(locations, p.KeyPath)
                    .Error($"{p.KeyPath}: {p.Message}", p.KeyPath, fallbackFile, suggestion: p.Suggestion))
                .ToList());
        return new LoadedSweep(sweep, kinds, ColumnNames(sweep));
    }

    /// <summary>
    /// The partition and summary column of each parameter: its <c>column</c>, else the key's last segment, else
    /// (when two keys end alike, e.g. industries.ev.learning_rate and industries.solar.learning_rate) the whole key
    /// in snake_case.
    /// </summary>
    private static List<string> ColumnNames(SweepConfig sweep)
    {
        var leaves = sweep.Parameters.Select(p => p.Column.Length > 0 ? null : Identifier(LastSegment(p.Key))).ToList();
        return sweep.Parameters.Select((p, i) =>
                p.Column.Length > 0 ? p.Column
                : leaves.Count(l => l == leaves[i]) > 1 || sweep.Parameters.Any(q => q.Column == leaves[i]) ? Identifier(p.Key)
                : leaves[i]!)
            .ToList();
    }

    private static SweepParameterKind Check(SweepParameterConfig p, string path, IReadOnlyDictionary<string, Origin> given,
        List<Problem> problems)
    {
        bool Has(string key) => given.ContainsKey($"{path}.{key}");
        var hasValues = Has("values");
        var hasRange = Has("from") || Has("to") || Has("steps");
        var hasInterval = Has("min") || Has("max");

        ParameterInfo? info = null;
        if (!Has("key") || string.IsNullOrWhiteSpace(p.Key))
            problems.Add(new($"{path}.key", "a config key is required, e.g. key: officials.promotion_strength"));
        else if (ConfigSchema.Sections.Any(s => s.KeyPath == p.Key.Trim()))
            problems.Add(new($"{path}.key", $"'{p.Key}' is a whole section; sweep one of its keys, e.g. {ConfigSchema.Parameters.First(x => !x.KeyPath.EndsWith(".name", StringComparison.Ordinal)
                && (x.KeyPath.StartsWith(p.Key.Trim() + ".", StringComparison.Ordinal) || x.KeyPath.StartsWith(p.Key.Trim() + "[].", StringComparison.Ordinal))).KeyPath.Replace("[]", ".NAME")}"));
        else if ((info = ConfigSchema.Find(p.Key, out var suggestion)) is null)
            problems.Add(new($"{path}.key", $"unknown config key '{p.Key}'", suggestion));
        else if (info.TypeName.StartsWith("mapping", StringComparison.Ordinal) || info.TypeName.EndsWith("mappings", StringComparison.Ordinal))
            problems.Add(new($"{path}.key", $"'{p.Key}' is a whole section ({info.TypeName}); sweep one of its values instead"));

        var forms = (hasValues ? 1 : 0) + (hasRange ? 1 : 0) + (hasInterval ? 1 : 0);
        if (forms == 0)
        {
            problems.Add(new(path, $"give the values of '{p.Key}': values: [...], or from/to/steps, or min/max (sampled by latin_hypercube)"));
            return SweepParameterKind.Values;
        }
        if (forms > 1)
        {
            problems.Add(new(path, "give only one of: values, from/to/steps, min/max"));
            return SweepParameterKind.Values;
        }
        var numeric = info is null || info.TypeName is "number" or "integer";
        var typeName = info?.TypeName ?? "";
        if (hasValues)
        {
            if (p.Values.Count == 0)
                problems.Add(new($"{path}.values", "at least one value is required"));
            for (var j = 0; j < p.Values.Count; j++)
            {
                var first = p.Values.IndexOf(p.Values[j]);
                if (first < j)
                    problems.Add(new($"{path}.values[{j}]", $"value '{p.Values[j]}' is listed twice (also values[{first}])"));
            }
            CheckLabels(p, path, p.Values.Count, given, problems);
            return SweepParameterKind.Values;
        }
        if (hasRange)
        {
            if (!Has("from") || !Has("to"))
                problems.Add(new(path, "a range needs from, to and steps"));
            else if (!numeric)
                problems.Add(new($"{path}.from", $"'{p.Key}' is {typeName}; ranges are for numbers, use values: [...]"));
            else if (p.From == p.To)
                problems.Add(new($"{path}.to", $"to equals from ({Naming.FormatNumber(p.From)}); use values: [{Naming.FormatNumber(p.From)}] for one value"));
            CheckLabels(p, path, p.Steps, given, problems);
            return SweepParameterKind.Range;
        }
        if (!Has("min") || !Has("max"))
            problems.Add(new(path, "a sampled interval needs both min and max"));
        else if (!numeric)
            problems.Add(new($"{path}.min", $"'{p.Key}' is {typeName}; sampling is for numbers, use values: [...]"));
        else if (p.Min >= p.Max)
            problems.Add(new($"{path}.max", $"max ({Naming.FormatNumber(p.Max)}) must be greater than min ({Naming.FormatNumber(p.Min)})"));
        if (Has("labels"))
            problems.Add(new($"{path}.labels", "labels are for listed values, not for sampled intervals"));
        return SweepParameterKind.Sampled;
    }

    private static void CheckLabels(SweepParameterConfig p, string path, int count, IReadOnlyDictionary<string, Origin> given,
        List<Problem> problems)
    {
        if (!given.ContainsKey($"{path}.labels"))
            return;
        if (p.Labels.Count != count)
            problems.Add(new($"{path}.labels", $"expected one label per value ({count}), got {p.Labels.Count}"));
        for (var j = 0; j < p.Labels.Count; j++)
        {
            if (!PathSafe().IsMatch(p.Labels[j]))
                problems.Add(new($"{path}.labels[{j}]", $"label '{p.Labels[j]}' must use only letters, digits, '.', '_', '+' and '-' (it names a directory)"));
            else if (p.Labels.IndexOf(p.Labels[j]) < j)
                problems.Add(new($"{path}.labels[{j}]", $"label '{p.Labels[j]}' is used twice"));
        }
    }

    private static void CheckAcross(SweepConfig sweep, List<SweepParameterKind> kinds, List<Problem> problems)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < sweep.Parameters.Count; i++)
        {
            var key = sweep.Parameters[i].Key.Trim().ToLowerInvariant();
            if (key.Length > 0 && !seen.TryAdd(key, i))
                problems.Add(new($"{SweepConfig.Key}.parameters[{i}].key", $"'{sweep.Parameters[i].Key}' is already swept by parameters[{seen[key]}]"));
        }
        var columns = ColumnNames(sweep);
        for (var i = 0; i < columns.Count; i++)
        {
            var path = $"{SweepConfig.Key}.parameters[{i}]." + (sweep.Parameters[i].Column.Length > 0 ? "column" : "key");
            if (!ColumnName().IsMatch(columns[i]))
                problems.Add(new(path, $"column name '{columns[i]}' must be snake_case (lower-case letters, digits and '_', starting with a letter)"));
            else if (ReservedColumns.Contains(columns[i]))
                problems.Add(new(path, $"column name '{columns[i]}' is used by the sweep itself; set column: to another name"));
            else if (columns.IndexOf(columns[i]) < i)
                problems.Add(new(path, $"column name '{columns[i]}' is also used by parameters[{columns.IndexOf(columns[i])}]; set column: to tell them apart"));
        }
        var sampled = kinds.Any(k => k == SweepParameterKind.Sampled);
        var points = sweep.LatinHypercube.Points;
        if (sampled && points == 0)
            problems.Add(new($"{SweepConfig.Key}.parameters[{kinds.IndexOf(SweepParameterKind.Sampled)}]",
                "parameters with min/max are sampled by a Latin hypercube: give latin_hypercube: {points: N}"));
        if (!sampled && points > 0)
            problems.Add(new($"{SweepConfig.Key}.latin_hypercube.points",
                "no parameter has min/max, so there is nothing to sample; give the sampled parameters as min/max"));
    }

    /// <summary>
    /// A value that is itself a list (a value of incentives.pilot_provinces) is turned into its flow text,
    /// "[Zhejiang, Fujian]", so every value is one string that can be applied like a --set value.
    /// </summary>
    private static void FlattenListValues(MappingNode sweep)
    {
        if (sweep.Find("parameters")?.Value is not SequenceNode parameters)
            return;
        foreach (var parameter in parameters.Items.OfType<MappingNode>())
        {
            if (parameter.Find("values")?.Value is not SequenceNode values)
                continue;
            for (var i = 0; i < values.Items.Count; i++)
            {
                if (values.Items[i] is SequenceNode list && list.Items.All(x => x is ScalarNode))
                    values.Items[i] = new ScalarNode(FlowText(list), true, list.Origin);
            }
        }
    }

    private static string FlowText(SequenceNode list)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < list.Items.Count; i++)
        {
            var value = ((ScalarNode)list.Items[i]).Value;
            if (i > 0)
                text.Append(", ");
            text.Append(PlainInFlow().IsMatch(value) ? value : "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"");
        }
        return text.Append(']').ToString();
    }

    private static ConfigException WithOthers(IReadOnlyList<ConfigException> problems)
    {
        var first = problems[0];
        return new ConfigException(first.Problem, first.File, first.KeyPath, first.Line, first.Column, first.Expected, first.Suggestion)
        {
            OtherProblems = problems.Skip(1).ToList(),
        };
    }

    private static string LastSegment(string key)
    {
        var trimmed = key.Trim();
        var cut = Math.Max(trimmed.LastIndexOf('.'), trimmed.LastIndexOf(']'));
        return trimmed[(cut + 1)..];
    }

    /// <summary>"industries.ev.learning_rate" -> "industries_ev_learning_rate".</summary>
    private static string Identifier(string key) =>
        NotIdentifier().Replace(key.Trim().ToLowerInvariant().Replace('-', '_'), "_").Trim('_');

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex ColumnName();

    [GeneratedRegex("[^a-z0-9_]+")]
    private static partial Regex NotIdentifier();

    [GeneratedRegex(@"^[A-Za-z0-9._+\-]+$")]
    private static partial Regex PathSafe();

    [GeneratedRegex(@"^[A-Za-z0-9_.+\-][A-Za-z0-9_.+\- ]*$")]
    private static partial Regex PlainInFlow();
}
