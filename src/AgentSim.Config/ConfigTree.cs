using System.Globalization;

namespace AgentSim.Config;

/// <summary>Turns config objects into trees and merges trees (extends chains, overrides).</summary>
internal static class ConfigTree
{
    /// <summary>The tree of every parameter of <paramref name="config"/>, in declaration order.</summary>
    public static MappingNode FromObject(object config, Origin origin) => ObjectNode(config, origin);

    /// <summary>
    /// Lays <paramref name="overlay"/> over <paramref name="baseNode"/>: mappings merge key by key, recursively;
    /// anything else (scalars, whole lists) replaces the base. An empty value laid over a mapping leaves the base
    /// alone, so a section whose keys are all commented out means "no changes" rather than "reset".
    /// Creates new mapping nodes and never modifies its arguments.
    /// </summary>
    public static Node Merge(Node baseNode, Node overlay)
    {
        if (baseNode is MappingNode baseMap && overlay is MappingNode overlayMap)
        {
            var entries = baseMap.Entries.Select(e => new MappingEntry(e.Key, e.Value)).ToList();
            foreach (var entry in overlayMap.Entries)
            {
                var index = entries.FindIndex(e => e.Key.Value == entry.Key.Value);
                if (index < 0)
                    entries.Add(new MappingEntry(entry.Key, entry.Value));
                else
                    entries[index] = new MappingEntry(entry.Key, Merge(entries[index].Value, entry.Value));
            }
            return new MappingNode(entries, overlayMap.Origin);
        }
        if (baseNode is MappingNode && overlay is ScalarNode { IsNull: true })
            return baseNode;
        return overlay;
    }

    private static MappingNode ObjectNode(object target, Origin origin)
    {
        var entries = new List<MappingEntry>();
        foreach (var p in ConfigTypes.PropertiesOf(target.GetType()))
        {
            var value = ValueNode(p, p.Info.GetValue(target), origin);
            entries.Add(new MappingEntry(new ScalarNode(p.Key, true, origin), value));
        }
        return new MappingNode(entries, origin);
    }

    private static Node ValueNode(ConfigProperty p, object? value, Origin origin) => p.Kind switch
    {
        ValueKind.String => new ScalarNode((string?)value ?? "", false, origin),
        ValueKind.Bool => Plain((bool)value! ? "true" : "false", origin),
        ValueKind.Int or ValueKind.Long => Plain(System.Convert.ToString(value, CultureInfo.InvariantCulture)!, origin),
        ValueKind.Double => Plain(Naming.FormatNumber((double)value!), origin),
        ValueKind.Enum => Plain(ConfigTypes.EnumText((Enum)value!), origin),
        ValueKind.StringList => new SequenceNode(
            ((IEnumerable<string>?)value ?? []).Select(s => (Node)new ScalarNode(s, false, origin)).ToList(), origin),
        ValueKind.ObjectList => new SequenceNode(
            ((System.Collections.IEnumerable?)value ?? Array.Empty<object>()).Cast<object>()
                .Select(e => (Node)ObjectNode(e, origin)).ToList(), origin),
        ValueKind.Object => ObjectNode(value ?? Activator.CreateInstance(p.ElementType!)!, origin),
        _ => throw new NotSupportedException(p.Kind.ToString()),
    };

    private static ScalarNode Plain(string text, Origin origin) => new(text, true, origin);
}
