using System.Globalization;

namespace AgentSim.Config;

/// <summary>
/// Binds a merged tree onto <see cref="SimulationConfig"/> by reflection, checking keys, types and the
/// [Param] ranges. Hand-written rather than YamlDotNet's deserializer so that every problem names its key path
/// and source line, and so that all problems of one pass can be collected.
/// </summary>
internal sealed class ConfigBinder
{
    private readonly string fallbackFile;
    private readonly List<ConfigException> problems = new();

    public ConfigBinder(string fallbackFile) => this.fallbackFile = fallbackFile;

    /// <summary>Key path (as in "industries[2].learning_rate") -> origin of its value, for locating later errors.</summary>
    public Dictionary<string, Origin> Locations { get; } = new();

    public IReadOnlyList<ConfigException> Problems => problems;

    public SimulationConfig Bind(MappingNode root)
    {
        var config = new SimulationConfig();
        BindObject(config, root, "");
        return config;
    }

    /// <summary>Binds a section kept apart from <see cref="SimulationConfig"/> (the sweep), under key path <paramref name="path"/>.</summary>
    public T BindSection<T>(MappingNode node, string path) where T : new()
    {
        var section = new T();
        BindObject(section, node, path);
        return section;
    }

    private void BindObject(object target, MappingNode node, string path)
    {
        var type = target.GetType();
        foreach (var entry in node.Entries)
        {
            var key = entry.Key.Value;
            var keyPath = Join(path, key);
            var property = ConfigTypes.Find(type, key);
            if (property is null)
            {
                problems.Add(UnknownKey(entry.Key.Origin, keyPath, key, type, fallbackFile));
                continue;
            }
            Locations[keyPath] = entry.Value.Origin;
            if (TryConvert(property, entry.Value, keyPath, property.Info.GetValue(target), out var value))
                property.Info.SetValue(target, value);
        }
    }

    /// <summary>
    /// Unknown key, with the nearest sibling key as suggestion; failing that, the full path of a parameter with
    /// exactly this name elsewhere (a key put in the wrong section).
    /// </summary>
    public static ConfigException UnknownKey(Origin origin, string keyPath, string key, Type owner, string fallbackFile)
    {
        var suggestion = Naming.Nearest(key, ConfigTypes.KeysOf(owner))
            ?? ConfigSchema.Parameters
                .Select(p => p.KeyPath)
                .FirstOrDefault(p => p == key || p.EndsWith("." + key, StringComparison.Ordinal));
        return origin.Error($"unknown key '{keyPath}'", keyPath, fallbackFile, suggestion: suggestion);
    }

    private bool TryConvert(ConfigProperty p, Node node, string keyPath, object? current, out object? value)
    {
        value = null;
        switch (p.Kind)
        {
            case ValueKind.String:
                if (node is ScalarNode { IsNull: false } text)
                {
                    value = text.Value;
                    return true;
                }
                return TypeError(node, keyPath, "a string");
            case ValueKind.Bool:
                return TryBool(node, keyPath, out value);
            case ValueKind.Int:
                return TryInteger(p, node, keyPath, int.MinValue, int.MaxValue, out value);
            case ValueKind.Long:
                return TryInteger(p, node, keyPath, long.MinValue, long.MaxValue, out value);
            case ValueKind.Double:
                return TryDouble(p, node, keyPath, out value);
            case ValueKind.Enum:
                return TryEnum(p.ElementType!, node, keyPath, out value);
            case ValueKind.StringList:
                return TryStringList(p, node, keyPath, out value);
            case ValueKind.ObjectList:
                return TryObjectList(p, node, keyPath, out value);
            case ValueKind.Object:
                if (node is ScalarNode { IsNull: true })
                {
                    value = current;
                    return current is not null;
                }
                if (node is not MappingNode mapping)
                    return TypeError(node, keyPath, "a mapping of keys");
                var target = current ?? Activator.CreateInstance(p.ElementType!)!;
                BindObject(target, mapping, keyPath);
                value = target;
                return true;
            default:
                throw new NotSupportedException(p.Kind.ToString());
        }
    }

    private bool TryBool(Node node, string keyPath, out object? value)
    {
        value = null;
        if (node is ScalarNode { IsNull: false } s)
        {
            // YAML 1.1's yes/no/on/off are deliberately refused: "no" as a country code or "off" as a word are classic traps.
            if (s.Value.Equals("true", StringComparison.OrdinalIgnoreCase))
                value = true;
            else if (s.Value.Equals("false", StringComparison.OrdinalIgnoreCase))
                value = false;
        }
        return value is not null || TypeError(node, keyPath, "true or false");
    }

    private bool TryDouble(ConfigProperty p, Node node, string keyPath, out object? value)
    {
        value = null;
        var expected = NumberExpectation(p.Min, p.Max, integer: false, double.NegativeInfinity, double.PositiveInfinity);
        if (node is not ScalarNode { IsNull: false } s || !TryParseNumber(s.Value, out var number, out _))
            return TypeError(node, keyPath, expected);
        if (!double.IsFinite(number))
            return Fail(node, keyPath, expected, $"{keyPath}: expected {expected}, got {node.Describe()} (NaN and infinities are not allowed)");
        if (number < p.Min || number > p.Max)
            return TypeError(node, keyPath, expected);
        value = number;
        return true;
    }

    private bool TryInteger(ConfigProperty p, Node node, string keyPath, double typeMin, double typeMax, out object? value)
    {
        value = null;
        var expected = NumberExpectation(p.Min, p.Max, integer: true, typeMin, typeMax);
        if (node is not ScalarNode { IsNull: false } s || !TryParseNumber(s.Value, out var number, out var exact))
            return TypeError(node, keyPath, expected);
        if (!double.IsFinite(number))
            return Fail(node, keyPath, expected, $"{keyPath}: expected {expected}, got {node.Describe()} (NaN and infinities are not allowed)");
        if (exact is null && Math.Floor(number) != number)
            return Fail(node, keyPath, expected, $"{keyPath}: expected {expected}, got {node.Describe()} (not a whole number)");
        if (number < Math.Max(p.Min, typeMin) || number > Math.Min(p.Max, typeMax))
            return TypeError(node, keyPath, expected);
        var whole = exact ?? (long)number;
        value = p.Kind == ValueKind.Int ? (object)(int)whole : whole;
        return true;
    }

    private bool TryEnum(Type enumType, Node node, string keyPath, out object? value)
    {
        value = null;
        var names = ConfigTypes.EnumNames(enumType);
        var expected = "one of: " + string.Join(", ", names);
        if (node is not ScalarNode { IsNull: false } s)
            return TypeError(node, keyPath, expected);
        var index = names.ToList().FindIndex(n => n.Equals(s.Value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (index < 0)
            return Fail(node, keyPath, expected, $"{keyPath}: expected {expected}, got {node.Describe()}", Naming.Nearest(s.Value, names));
        value = Enum.GetValues(enumType).GetValue(index);
        return true;
    }

    private bool TryStringList(ConfigProperty p, Node node, string keyPath, out object? value)
    {
        value = null;
        if (!TryItems(p, node, keyPath, "a list of strings", out var items))
            return false;
        var list = new List<string>();
        var ok = true;
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{keyPath}[{i}]";
            Locations[itemPath] = items[i].Origin;
            if (items[i] is ScalarNode { IsNull: false } s)
                list.Add(s.Value);
            else
                ok = TypeError(items[i], itemPath, "a string");
        }
        value = list;
        return ok;
    }

    private bool TryObjectList(ConfigProperty p, Node node, string keyPath, out object? value)
    {
        value = null;
        var elementType = p.ElementType!;
        var noun = $"a list of mappings, one per {Naming.ToSnakeCase(elementType.Name).Replace("_config", "")}";
        if (!TryItems(p, node, keyPath, noun, out var items))
            return false;
        var list = (System.Collections.IList)Activator.CreateInstance(p.Info.PropertyType)!;
        var ok = true;
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{keyPath}[{i}]";
            Locations[itemPath] = items[i].Origin;
            if (items[i] is not MappingNode mapping)
            {
                ok = TypeError(items[i], itemPath, "a mapping of keys");
                continue;
            }
            // Elements with a name are referred to by it (tariffs, --set industries.ev...), so it must be given.
            if (ConfigTypes.HasName(elementType) && mapping.Find(ConfigTypes.NameKey) is null)
                ok = Fail(mapping, itemPath, null, $"{itemPath}: missing required key '{ConfigTypes.NameKey}'");
            var element = Activator.CreateInstance(elementType)!;
            BindObject(element, mapping, itemPath);
            list.Add(element);
        }
        value = list;
        return ok;
    }

    /// <summary>The items of a list node (an empty value is an empty list), with the [Param] count bounds checked.</summary>
    private bool TryItems(ConfigProperty p, Node node, string keyPath, string expected, out List<Node> items)
    {
        items = [];
        if (node is ScalarNode { IsNull: true })
            return CheckCount(p, node, keyPath, 0);
        if (node is not SequenceNode sequence)
            return TypeError(node, keyPath, expected);
        items = sequence.Items;
        return CheckCount(p, node, keyPath, items.Count);
    }

    private bool CheckCount(ConfigProperty p, Node node, string keyPath, int count)
    {
        if (count >= p.Min && count <= p.Max)
            return true;
        var expected = $"a list with {NumberExpectation(p.Min, p.Max, true, 0, int.MaxValue).Replace("an integer ", "")} elements";
        return Fail(node, keyPath, expected, $"{keyPath}: expected {expected}, got {count}");
    }

    /// <summary>
    /// Parses a YAML number. Accepts '_' between digits (1_000_000) as YAML 1.1 did; <paramref name="exact"/> is
    /// set when the text is an integer literal, so large integers keep full precision.
    /// </summary>
    private static bool TryParseNumber(string raw, out double number, out long? exact)
    {
        exact = null;
        var text = raw.Trim();
        if (text.Contains('_') && IsDigitGrouped(text))
            text = text.Replace("_", "");
        var lower = text.ToLowerInvariant();
        if (lower.TrimStart('+', '-') is ".inf" or "inf" or "infinity")
        {
            number = lower.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (lower is ".nan" or "nan")
        {
            number = double.NaN;
            return true;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            exact = whole;
            number = whole;
            return true;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    private static bool IsDigitGrouped(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '_' && (i == 0 || i == text.Length - 1 || !char.IsDigit(text[i - 1]) || !char.IsDigit(text[i + 1])))
                return false;
        }
        return true;
    }

    /// <summary>"a number between 0 and 0.5", "an integer >= 0"; bounds equal to the type's own limits are left out.</summary>
    internal static string NumberExpectation(double min, double max, bool integer, double typeMin, double typeMax)
    {
        var noun = integer ? "an integer" : "a number";
        var low = Math.Max(min, typeMin);
        var high = Math.Min(max, typeMax);
        var hasLow = low > typeMin;
        var hasHigh = high < typeMax;
        if (hasLow && hasHigh)
            return $"{noun} between {Naming.FormatNumber(low)} and {Naming.FormatNumber(high)}";
        if (hasLow)
            return $"{noun} >= {Naming.FormatNumber(low)}";
        if (hasHigh)
            return $"{noun} <= {Naming.FormatNumber(high)}";
        return noun;
    }

    private bool TypeError(Node node, string keyPath, string expected) =>
        Fail(node, keyPath, expected, $"{keyPath}: expected {expected}, got {node.Describe()}");

    private bool Fail(Node node, string keyPath, string? expected, string problem, string? suggestion = null)
    {
        problems.Add(node.Origin.Error(problem, keyPath, fallbackFile, expected, suggestion));
        return false;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
