namespace AgentSim.Config;

/// <summary>
/// Where a node came from: a file position, a --set override, or the built-in defaults. Kept on every node
/// because after merging <c>extends</c> chains and overrides a single tree mixes several sources.
/// </summary>
internal sealed record Origin(string? File, int? Line, int? Column, string? Override)
{
    public static readonly Origin Defaults = new(null, null, null, null);

    public bool IsDefault => File is null && Override is null;

    public static Origin InFile(string file, int line, int column) => new(file, line, column, null);

    public static Origin FromOverride(string text) => new(null, null, null, text);

    /// <summary>Builds an error located here. Problems in defaults are reported against <paramref name="fallbackFile"/>.</summary>
    public ConfigException Error(string problem, string? keyPath, string? fallbackFile, string? expected = null,
        string? suggestion = null)
    {
        if (Override is not null)
            return new ConfigException($"--set '{Override}': {problem}", null, keyPath, null, null, expected, suggestion);
        return new ConfigException(problem, File ?? fallbackFile, keyPath, Line, Column, expected, suggestion);
    }
}

/// <summary>
/// Configuration tree as read from YAML. YamlDotNet's representation model does the parsing; this small model
/// adds the source of each node (needed once several files and overrides are merged) and is easy to edit.
/// </summary>
internal abstract class Node
{
    protected Node(Origin origin) => Origin = origin;

    public Origin Origin { get; }

    /// <summary>How the node is described in "expected X, got Y" messages.</summary>
    public abstract string Describe();
}

internal sealed class ScalarNode : Node
{
    public ScalarNode(string value, bool isPlain, Origin origin) : base(origin)
    {
        Value = value;
        IsPlain = isPlain;
    }

    public string Value { get; }

    /// <summary>False for quoted or block scalars, which are never null even when empty.</summary>
    public bool IsPlain { get; }

    /// <summary>An empty value (<c>key:</c>), <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe()
    {
        if (IsNull)
            return "an empty value";
        var shown = Value.Length > 40 ? Value[..40] + "..." : Value;
        return $"'{shown}'";
    }
}

internal sealed class SequenceNode : Node
{
    public SequenceNode(List<Node> items, Origin origin) : base(origin) => Items = items;

    public List<Node> Items { get; }

    public override string Describe() => "a list";
}

internal sealed class MappingEntry
{
    public MappingEntry(ScalarNode key, Node value)
    {
        Key = key;
        Value = value;
    }

    public ScalarNode Key { get; }
    public Node Value { get; set; }
}

internal sealed class MappingNode : Node
{
    public MappingNode(List<MappingEntry> entries, Origin origin) : base(origin) => Entries = entries;

    public List<MappingEntry> Entries { get; }

    public MappingEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key.Value == key);

    public override string Describe() => "a mapping";
}
