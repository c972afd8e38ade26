using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentSim.Config;

/// <summary>One configuration parameter, as described by its [Param] attribute and its default.</summary>
/// <param name="KeyPath">snake_case dotted path; fields of list elements appear as "industries[].learning_rate".</param>
/// <param name="TypeName">"number", "integer", "bool", "string", "one of: a, b", "list of strings", ...</param>
/// <param name="DefaultText">The default as it would be written in YAML; for fields of list elements, the value a new element gets and the default list's values.</param>
/// <param name="Min">Inclusive lower bound (list length for lists); negative infinity when unbounded.</param>
/// <param name="Max">Inclusive upper bound; positive infinity when unbounded.</param>
public sealed record ParameterInfo(string KeyPath, string TypeName, string DefaultText, double Min, double Max, string Unit,
    string Meaning)
{
    /// <summary>"0 to 0.5", ">= 0", "&lt;= 5" or "" when unbounded.</summary>
    public string RangeText =>
        (double.IsFinite(Min), double.IsFinite(Max) && Max < long.MaxValue) switch
        {
            (true, true) => $"{Naming.FormatNumber(Min)} to {Naming.FormatNumber(Max)}",
            (true, false) => $">= {Naming.FormatNumber(Min)}",
            (false, true) => $"<= {Naming.FormatNumber(Max)}",
            _ => "",
        };
}

/// <summary>A top-level section (a mapping such as firm_behaviour, or a list such as industries).</summary>
public sealed record SectionInfo(string KeyPath, string Meaning);

/// <summary>
/// The parameter schema, derived by reflection from <see cref="SimulationConfig"/> and its [Param] attributes:
/// for <c>explain KEY</c>, for docs/config.md, and for suggestions.
/// </summary>
public static partial class ConfigSchema
{
    private static readonly Lazy<(IReadOnlyList<ParameterInfo> Parameters, IReadOnlyList<SectionInfo> Sections)> Model =
        new(Build);

    private static readonly Lazy<Dictionary<string, ParameterInfo>> ByNormalisedKey =
        new(() => Parameters.ToDictionary(p => Normalise(p.KeyPath)));

    /// <summary>Every parameter in declaration order, including composite ones (lever bounds, lists) and their fields.</summary>
    public static IReadOnlyList<ParameterInfo> Parameters => Model.Value.Parameters;

    /// <summary>Top-level sections in declaration order.</summary>
    public static IReadOnlyList<SectionInfo> Sections => Model.Value.Sections;

    /// <summary>
    /// Looks a key up. Accepts "firm_behaviour.markup_down", list fields as "industries[].learning_rate",
    /// "industries.learning_rate", "industries[2].learning_rate" or "industries.ev.learning_rate".
    /// </summary>
    public static ParameterInfo? Find(string key) => Find(key, out _);

    /// <inheritdoc cref="Find(string)"/>
    /// <param name="suggestion">When the key is unknown: the key path of the nearest parameter, or null.</param>
    public static ParameterInfo? Find(string key, out string? suggestion)
    {
        suggestion = null;
        var normalised = Normalise(key);
        if (ByNormalisedKey.Value.TryGetValue(normalised, out var found))
            return found;

        // "industries.ev.learning_rate": the second segment names an element of a list.
        var segments = normalised.Split('.');
        if (segments.Length >= 3 && IsObjectList(segments[0])
            && ByNormalisedKey.Value.TryGetValue(string.Join('.', segments.Where((_, i) => i != 1)), out found))
            return found;

        var nearest = Naming.Nearest(normalised, ByNormalisedKey.Value.Keys);
        if (nearest is not null)
        {
            suggestion = ByNormalisedKey.Value[nearest].KeyPath;
            return null;
        }
        // A known parameter name under the wrong section, or a typo in the last segment alone.
        var leaf = segments[^1];
        var leaves = Parameters.Select(p => p.KeyPath).Where(p => Leaf(p) == leaf).ToList();
        suggestion = leaves.FirstOrDefault();
        if (suggestion is null)
        {
            var nearestLeaf = Naming.Nearest(leaf, Parameters.Select(p => Leaf(p.KeyPath)).Distinct());
            suggestion = nearestLeaf is null ? null : Parameters.First(p => Leaf(p.KeyPath) == nearestLeaf).KeyPath;
        }
        return null;
    }

    /// <summary>A Markdown reference of every parameter, grouped by section; the source of docs/config.md.</summary>
    public static string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append("# Configuration reference\n\n");
        md.Append("Generated from the `[Param]` attributes in `src/AgentSim.Config` by `ConfigSchema.ToMarkdown()`; ");
        md.Append("do not edit by hand.\n\n");
        md.Append("Keys are snake_case. A scenario file may start with `extends: base.yaml` (relative to the file) ");
        md.Append("to change only some keys of another; mappings merge key by key and a list replaces the whole list. ");
        md.Append("On the command line, `--set path.to.key=value` overrides one value after the files are read; ");
        md.Append("list elements are addressed by index (`industries[2].learning_rate`) or by name ");
        md.Append("(`industries.ev.learning_rate`). Ranges are inclusive.\n\n");

        AppendTable(md, "General", "Top-level keys.", Parameters.Where(p => !p.KeyPath.Contains('.') && !IsSection(p.KeyPath)));
        foreach (var section in Sections)
        {
            var rows = Parameters.Where(p => p.KeyPath == section.KeyPath && IsObjectList(p.KeyPath)
                || p.KeyPath.StartsWith(section.KeyPath + ".", StringComparison.Ordinal)
                || p.KeyPath.StartsWith(section.KeyPath + "[].", StringComparison.Ordinal));
            AppendTable(md, $"`{section.KeyPath}`", section.Meaning, rows);
        }
        return md.ToString().TrimEnd('\n') + "\n";
    }

    private static void AppendTable(StringBuilder md, string title, string meaning, IEnumerable<ParameterInfo> rows)
    {
        md.Append("## ").Append(title).Append("\n\n");
        if (meaning.Length > 0)
            md.Append(meaning).Append("\n\n");
        md.Append("| Key | Type | Default | Range | Unit | Meaning |\n");
        md.Append("|---|---|---|---|---|---|\n");
        foreach (var p in rows)
        {
            md.Append("| `").Append(p.KeyPath).Append("` | ")
                .Append(Cell(p.TypeName)).Append(" | ")
                .Append(Cell(p.DefaultText)).Append(" | ")
                .Append(Cell(p.RangeText)).Append(" | ")
                .Append(Cell(p.Unit)).Append(" | ")
                .Append(Cell(p.Meaning)).Append(" |\n");
        }
        md.Append('\n');
    }

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");

    private static (IReadOnlyList<ParameterInfo>, IReadOnlyList<SectionInfo>) Build()
    {
        var parameters = new List<ParameterInfo>();
        var sections = new List<SectionInfo>();
        Walk(typeof(SimulationConfig), new SimulationConfig(), "", null, parameters, sections);
        return (parameters, sections);
    }

    /// <param name="defaultElements">For fields of list elements: the default list, whose values are listed in the default text.</param>
    private static void Walk(Type type, object defaults, string prefix, (string ListKey, List<object> Items)? defaultElements,
        List<ParameterInfo> parameters, List<SectionInfo> sections)
    {
        foreach (var p in ConfigTypes.PropertiesOf(type))
        {
            var path = prefix.Length == 0 ? p.Key : $"{prefix}.{p.Key}";
            var value = p.Info.GetValue(defaults);
            switch (p.Kind)
            {
                case ValueKind.Object when prefix.Length == 0:
                    sections.Add(new SectionInfo(path, p.Meaning));
                    Walk(p.ElementType!, value!, path, null, parameters, sections);
                    break;
                case ValueKind.Object:
                    var fields = string.Join(", ", ConfigTypes.KeysOf(p.ElementType!));
                    parameters.Add(Info(p, path, $"mapping ({fields})", DefaultText(p, defaults, defaultElements)));
                    Walk(p.ElementType!, value!, path, null, parameters, sections);
                    break;
                case ValueKind.ObjectList:
                    var items = ((System.Collections.IEnumerable)value!).Cast<object>().ToList();
                    if (prefix.Length == 0)
                        sections.Add(new SectionInfo(path, p.Meaning));
                    parameters.Add(Info(p, path, $"list of {ElementNoun(p.ElementType!)} mappings", ListDefault(items)));
                    Walk(p.ElementType!, Activator.CreateInstance(p.ElementType!)!, path + "[]", (p.Key, items), parameters, sections);
                    break;
                default:
                    parameters.Add(Info(p, path, TypeName(p), DefaultText(p, defaults, defaultElements)));
                    break;
            }
        }
    }

    private static ParameterInfo Info(ConfigProperty p, string path, string typeName, string defaultText) =>
        new(path, typeName, defaultText, p.Min, p.Max, p.Unit, p.Meaning);

    private static string TypeName(ConfigProperty p) => p.Kind switch
    {
        ValueKind.String => "string",
        ValueKind.Bool => "bool",
        ValueKind.Int or ValueKind.Long => "integer",
        ValueKind.Double => "number",
        ValueKind.Enum => "one of: " + string.Join(", ", ConfigTypes.EnumNames(p.ElementType!)),
        ValueKind.StringList => "list of strings",
        _ => p.Kind.ToString(),
    };

    /// <summary>
    /// The default in YAML form. For a field of list elements that has a non-empty default list (industries),
    /// the value a new element gets, then each default element's value when they differ.
    /// </summary>
    private static string DefaultText(ConfigProperty p, object defaults, (string ListKey, List<object> Items)? elements)
    {
        var own = ValueText(p, p.Info.GetValue(defaults));
        if (elements is not { Items.Count: > 0 } list)
            return own;
        if (p.Key == ConfigTypes.NameKey && ConfigTypes.HasName(defaults.GetType()))
            return "required";
        var values = list.Items.Select(e => ValueText(p, p.Info.GetValue(e))).ToList();
        if (values.All(v => v == own))
            return own;
        var labelled = list.Items.Select((e, i) => $"{Label(e, i)} {values[i]}");
        var shared = values.Distinct().Count() == 1 ? $"{values[0]} in all" : string.Join(", ", labelled);
        return $"{own} (default {list.ListKey}: {shared})";
    }

    private static string ListDefault(List<object> items)
    {
        if (items.Count == 0)
            return "[]";
        var labels = items.Select((e, i) => Label(e, i));
        return $"{items.Count}: {string.Join(", ", labels)}";
    }

    private static string Label(object element, int index) =>
        ConfigTypes.Find(element.GetType(), ConfigTypes.NameKey) is { Kind: ValueKind.String } name
            ? (string)name.Info.GetValue(element)!
            : $"[{index}]";

    private static string ValueText(ConfigProperty p, object? value) => p.Kind switch
    {
        ValueKind.String => value is string { Length: > 0 } s ? s : "\"\"",
        ValueKind.Bool => (bool)value! ? "true" : "false",
        ValueKind.Int or ValueKind.Long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        ValueKind.Double => Naming.FormatNumber((double)value!),
        ValueKind.Enum => ConfigTypes.EnumText((Enum)value!),
        ValueKind.StringList => $"[{string.Join(", ", (IEnumerable<string>)value!)}]",
        ValueKind.Object => string.Join(", ", ConfigTypes.PropertiesOf(p.ElementType!)
            .Select(f => $"{f.Key}: {ValueText(f, f.Info.GetValue(value))}")),
        _ => "",
    };

    private static string ElementNoun(Type elementType) => Naming.ToSnakeCase(elementType.Name).Replace("_config", "");

    private static bool IsObjectList(string key) =>
        ConfigTypes.Find(typeof(SimulationConfig), key) is { Kind: ValueKind.ObjectList };

    private static bool IsSection(string key) =>
        ConfigTypes.Find(typeof(SimulationConfig), key) is { Kind: ValueKind.Object or ValueKind.ObjectList };

    private static string Leaf(string keyPath) => keyPath[(keyPath.LastIndexOf('.') + 1)..];

    private static string Normalise(string key) =>
        ListIndex().Replace(key.Trim().ToLowerInvariant().Replace('-', '_'), "");

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex ListIndex();
}
