using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace AgentSim.Config;

/// <summary>
/// Reads YAML text into <see cref="Node"/> trees. A first pass over the parser's events rejects what the
/// representation model would mishandle or what could be abused: aliases (exponential "billion laughs"
/// expansion), nesting deeper than <see cref="MaxDepth"/> (the model loads recursively, so a very deep file
/// would overflow the stack and kill the process), complex keys and duplicate keys (reported by name, which
/// YamlDotNet does not do). Only then is the text loaded with <see cref="YamlStream"/>.
/// </summary>
internal static partial class YamlReader
{
    public const int MaxDepth = 64;
    public const long MaxBytes = UserFile.MaxConfigBytes;

    /// <summary>Reads one document. Returns null when it has no content (empty file, only comments, bare "---").</summary>
    public static Node? Read(string text, string? file, string? overrideText)
    {
        if (text.Length > MaxBytes)
            throw Fail(file, overrideText, null, $"larger than the {MaxBytes / (1024 * 1024)} MB limit for a config file");

        Check(text, file, overrideText);

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw Malformed(ex, file, overrideText);
        }
        catch (InvalidOperationException)
        {
            throw Fail(file, overrideText, null, "malformed YAML: check brackets, quotes and indentation");
        }
        if (stream.Documents.Count == 0)
            return null;
        var root = Convert(stream.Documents[0].RootNode, file, overrideText);
        return root is ScalarNode { IsNull: true } ? null : root;
    }

    private sealed class Frame(bool isMapping, string path)
    {
        public bool IsMapping { get; } = isMapping;
        public string Path { get; } = path;
        public bool ExpectKey { get; set; } = true;
        public string? CurrentKey { get; set; }
        public int Index { get; set; } = -1;
        public Dictionary<string, long> KeyLines { get; } = new();
    }

    private static void Check(string text, string? file, string? overrideText)
    {
        var parser = new Parser(new StringReader(text));
        var frames = new Stack<Frame>();
        var documents = 0;
        Mark? lastGood = null;
        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                lastGood = ev.End;
                // Custom tags (!include, !env) would otherwise be silently ignored and the text taken literally.
                if (ev is NodeEvent { Tag.IsEmpty: false } tagged && !tagged.Tag.Value.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal))
                    throw Fail(file, overrideText, ev.Start, $"YAML tags ('{tagged.Tag.Value}') are not supported");
                switch (ev)
                {
                    case DocumentStart:
                        if (++documents > 1)
                            throw Fail(file, overrideText, ev.Start, "only one YAML document is allowed (found a second '---')");
                        break;
                    case AnchorAlias alias:
                        throw Fail(file, overrideText, ev.Start,
                            $"YAML aliases ('*{alias.Value}') are not supported; write the values out in full");
                    case Scalar scalar:
                        EnterNode(frames, ev, scalar.Value, file, overrideText);
                        break;
                    case MappingStart or SequenceStart:
                        var path = EnterNode(frames, ev, null, file, overrideText);
                        if (frames.Count >= MaxDepth)
                            throw Fail(file, overrideText, ev.Start, $"nested more than {MaxDepth} levels deep");
                        frames.Push(new Frame(ev is MappingStart, path));
                        break;
                    case MappingEnd or SequenceEnd:
                        frames.Pop();
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            throw Malformed(ex, file, overrideText);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some broken input (e.g. an unclosed '[' followed by "key: value");
            // the end of the last event parsed is the best position there is.
            throw Fail(file, overrideText, lastGood,
                "malformed YAML: cannot parse beyond this point (check brackets, quotes and indentation)");
        }
    }

    /// <summary>Tracks keys of the enclosing mapping; returns the key path of the node being entered.</summary>
    private static string EnterNode(Stack<Frame> frames, ParsingEvent ev, string? scalarValue, string? file, string? overrideText)
    {
        if (frames.Count == 0)
            return "";
        var frame = frames.Peek();
        if (!frame.IsMapping)
        {
            frame.Index++;
            return $"{frame.Path}[{frame.Index}]";
        }
        if (frame.ExpectKey)
        {
            if (scalarValue is null)
                throw Fail(file, overrideText, ev.Start, "keys must be plain names, not lists or mappings");
            var keyPath = Join(frame.Path, scalarValue);
            if (frame.KeyLines.TryGetValue(scalarValue, out var firstLine))
                throw new ConfigException($"duplicate key '{keyPath}' (first given on line {firstLine})",
                    overrideText is null ? file : null, keyPath, overrideText is null ? (int)ev.Start.Line : null,
                    overrideText is null ? (int)ev.Start.Column : null);
            frame.KeyLines[scalarValue] = ev.Start.Line;
            frame.CurrentKey = scalarValue;
            frame.ExpectKey = false;
            return keyPath;
        }
        frame.ExpectKey = true;
        return Join(frame.Path, frame.CurrentKey!);
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static Node Convert(YamlNode node, string? file, string? overrideText)
    {
        var origin = overrideText is not null
            ? Origin.FromOverride(overrideText)
            : Origin.InFile(file!, (int)node.Start.Line, (int)node.Start.Column);
        switch (node)
        {
            case YamlScalarNode scalar:
                var isPlain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
                return new ScalarNode(scalar.Value ?? "", isPlain, origin);
            case YamlSequenceNode sequence:
                return new SequenceNode(sequence.Children.Select(c => Convert(c, file, overrideText)).ToList(), origin);
            case YamlMappingNode mapping:
                var entries = mapping.Children
                    .Select(kv => new MappingEntry((ScalarNode)Convert(kv.Key, file, overrideText), Convert(kv.Value, file, overrideText)))
                    .ToList();
                return new MappingNode(entries, origin);
            default:
                throw new InvalidOperationException($"unexpected YAML node {node.GetType().Name}");
        }
    }

    private static ConfigException Fail(string? file, string? overrideText, Mark? at, string problem)
    {
        if (overrideText is not null)
            return new ConfigException($"--set '{overrideText}': {problem}");
        return new ConfigException(problem, file, null, at is { } m ? (int)m.Line : null, at is { } c ? (int)c.Column : null);
    }

    private static ConfigException Malformed(YamlException ex, string? file, string? overrideText)
    {
        // YamlDotNet prefixes its message with "(Line: l, Col: c, Idx: i) - (...): "; the location is reported our way.
        var reason = PositionPrefix().Replace(ex.Message, "").Trim();
        var problem = $"malformed YAML: {reason}";
        if (overrideText is not null)
            return new ConfigException($"--set '{overrideText}': {problem}", innerException: ex);
        return new ConfigException(problem, file, null, (int)ex.Start.Line, (int)ex.Start.Column, innerException: ex);
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();
}
