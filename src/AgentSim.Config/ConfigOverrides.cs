using System.Text;

namespace AgentSim.Config;

/// <summary>
/// Applies <c>--set path.to.key=value</c> overrides to a merged tree. The path is checked against the schema as
/// it is walked, so a typo is reported with the nearest valid key at the segment where it goes wrong. List
/// elements are addressed by index (<c>industries[2].learning_rate</c>) or, for elements with a name, by name
/// (<c>industries.ev.learning_rate</c>). The value is YAML: a scalar, or a flow list such as <c>[a, b]</c>.
/// </summary>
internal static class ConfigOverrides
{
    private abstract record Segment(string Text);

    private sealed record KeySegment(string Key) : Segment(Key);

    private sealed record IndexSegment(int Index) : Segment($"[{Index}]");

    public static void Apply(MappingNode root, string text, string fallbackFile)
    {
        var origin = Origin.FromOverride(text);
        var equals = text.IndexOf('=');
        if (equals < 0)
            throw origin.Error("expected KEY=VALUE, e.g. firm_behaviour.markup_down=0.03", null, fallbackFile);
        var pathText = text[..equals].Trim();
        var segments = ParsePath(pathText, origin, fallbackFile);
        if (segments[0] is KeySegment { Key: SweepConfig.Key })
            throw origin.Error("the sweep section describes the experiment, not a run, and cannot be changed with --set; edit it in the file",
                pathText, fallbackFile);
        var value = YamlReader.Read(text[(equals + 1)..], null, text) ?? new ScalarNode("", true, origin);

        Node current = root;
        var type = typeof(SimulationConfig);
        ConfigProperty? list = null;
        var typed = new StringBuilder();
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var isLast = i == segments.Count - 1;
            var parentPath = typed.ToString();
            typed.Append(segment is KeySegment && typed.Length > 0 ? "." : "").Append(segment.Text);
            var typedPath = typed.ToString();

            if (list is null)
            {
                // Inside an object: the segment must be one of its keys.
                if (segment is not KeySegment { Key: var key } || ConfigTypes.Find(type, key) is not { } property)
                {
                    if (segment is KeySegment unknown)
                        throw ConfigBinder.UnknownKey(origin, typedPath, unknown.Key, type, fallbackFile);
                    throw origin.Error($"'{parentPath}' is not a list; '{segment.Text}' cannot index it", typedPath, fallbackFile);
                }
                var mapping = (MappingNode)current;
                var entry = mapping.Find(key);
                if (isLast)
                {
                    Set(mapping, entry, key, value, origin);
                    return;
                }
                switch (property.Kind)
                {
                    case ValueKind.Object:
                        current = Child(mapping, entry, key, typedPath, origin, fallbackFile, () => new MappingNode([], origin));
                        type = property.ElementType!;
                        break;
                    case ValueKind.ObjectList or ValueKind.StringList:
                        current = Child(mapping, entry, key, typedPath, origin, fallbackFile, () => new SequenceNode([], origin));
                        list = property;
                        break;
                    default:
                        throw origin.Error($"'{typedPath}' is a single value; it has no key '{segments[i + 1].Text.TrimStart('[')
                            .TrimEnd(']')}'", typedPath, fallbackFile);
                }
            }
            else
            {
                // Inside a list: the segment picks an element.
                var sequence = (SequenceNode)current;
                var index = ElementIndex(list, sequence, segment, parentPath, typedPath, origin, fallbackFile);
                if (isLast)
                {
                    sequence.Items[index] = ConfigTree.Merge(sequence.Items[index], value);
                    return;
                }
                if (list.Kind == ValueKind.StringList)
                    throw origin.Error($"'{typedPath}' is a single value; it has no key '{segments[i + 1].Text}'", typedPath, fallbackFile);
                if (sequence.Items[index] is not MappingNode element)
                    throw origin.Error($"'{typedPath}' is not a mapping in the configuration, so it has no key '{segments[i + 1].Text}'",
                        typedPath, fallbackFile);
                current = element;
                type = list.ElementType!;
                list = null;
            }
        }
    }

    /// <summary>Replaces (scalars, lists) or deep-merges (mappings) the value at a key, adding the key if absent.</summary>
    private static void Set(MappingNode mapping, MappingEntry? entry, string key, Node value, Origin origin)
    {
        if (entry is null)
            mapping.Entries.Add(new MappingEntry(new ScalarNode(key, true, origin), value));
        else
            entry.Value = ConfigTree.Merge(entry.Value, value);
    }

    /// <summary>The node under <paramref name="key"/>, created empty when absent or null so the path can continue.</summary>
    private static Node Child(MappingNode mapping, MappingEntry? entry, string key, string typedPath, Origin origin,
        string fallbackFile, Func<Node> empty)
    {
        if (entry is null)
        {
            entry = new MappingEntry(new ScalarNode(key, true, origin), empty());
            mapping.Entries.Add(entry);
        }
        else if (entry.Value is ScalarNode { IsNull: true })
        {
            entry.Value = empty();
        }
        var expected = empty();
        if (entry.Value.GetType() != expected.GetType())
            throw entry.Value.Origin.Error(
                $"{typedPath}: expected {expected.Describe()}, got {entry.Value.Describe()} (while applying --set '{origin.Override}')",
                typedPath, fallbackFile);
        return entry.Value;
    }

    private static int ElementIndex(ConfigProperty list, SequenceNode sequence, Segment segment, string listPath,
        string typedPath, Origin origin, string fallbackFile)
    {
        if (segment is IndexSegment { Index: var index } || (segment is KeySegment k && int.TryParse(k.Key, out index)))
        {
            if (index < 0 || index >= sequence.Items.Count)
                throw origin.Error($"index {index} is out of range: '{listPath}' has {sequence.Items.Count} element(s)",
                    typedPath, fallbackFile);
            return index;
        }
        var name = ((KeySegment)segment).Key;
        if (list.Kind == ValueKind.StringList || !ConfigTypes.HasName(list.ElementType!))
            throw origin.Error($"elements of '{listPath}' have no name; address them by index, e.g. {listPath}[0]",
                typedPath, fallbackFile);
        if (ConfigTypes.Find(list.ElementType!, name) is not null)
            throw origin.Error($"'{name}' is a field of each element of '{listPath}'; pick an element first, e.g. "
                + $"{listPath}[0].{name} or {listPath}.NAME.{name}", typedPath, fallbackFile);
        var names = sequence.Items
            .Select(item => (item as MappingNode)?.Find(ConfigTypes.NameKey)?.Value is ScalarNode s ? s.Value : null)
            .ToList();
        var found = names.IndexOf(name);
        if (found >= 0)
            return found;
        var known = names.OfType<string>().ToList();
        throw origin.Error($"'{listPath}' has no element named '{name}' (names are: {string.Join(", ", known)})",
            typedPath, fallbackFile, suggestion: Naming.Nearest(name, known));
    }

    /// <summary>Splits "industries[2].learning_rate" into key, index and key segments.</summary>
    private static List<Segment> ParsePath(string path, Origin origin, string fallbackFile)
    {
        var segments = new List<Segment>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0 || !int.TryParse(path.AsSpan(i + 1, close - i - 1), out var index) || index < 0)
                    throw origin.Error($"bad index in key '{path}'; expected e.g. industries[2].learning_rate", null, fallbackFile);
                segments.Add(new IndexSegment(index));
                i = close + 1;
                if (i < path.Length && path[i] == '.')
                    i++;
                continue;
            }
            var end = path.IndexOfAny(['.', '['], i);
            if (end < 0)
                end = path.Length;
            var key = path[i..end].Trim();
            if (key.Length == 0)
                throw origin.Error($"empty key segment in '{path}'", null, fallbackFile);
            segments.Add(new KeySegment(key));
            i = end < path.Length && path[end] == '.' ? end + 1 : end;
            if (i == path.Length && end < path.Length)
                throw origin.Error($"key '{path}' ends with '.'", null, fallbackFile);
        }
        if (segments.Count == 0)
            throw origin.Error("missing key before '='; expected KEY=VALUE, e.g. firm_behaviour.markup_down=0.03", null, fallbackFile);
        return segments;
    }
}
