using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AgentSim.Config;

/// <summary>Writes configurations as YAML with snake_case keys, e.g. the fully resolved config for a run manifest.</summary>
public static class ConfigYaml
{
    /// <summary>
    /// Every parameter of <paramref name="config"/>, defaults included, in declaration order. Loading the text
    /// again gives an identical configuration.
    /// </summary>
    public static string Write(SimulationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Write(ConfigTree.FromObject(config, Origin.Defaults));
    }

    internal static string Write(Node root)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var settings = new EmitterSettings().WithBestIndent(2).WithBestWidth(int.MaxValue).WithNewLine("\n")
            .WithIndentedSequences();
        var emitter = new Emitter(text, settings);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, root);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(IEmitter emitter, Node node)
    {
        switch (node)
        {
            case ScalarNode scalar:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, scalar.Value, StyleOf(scalar), true, true));
                break;
            case SequenceNode sequence:
                // Lists of names read best on one line; lists of records need one block per element.
                var flow = sequence.Items.All(i => i is ScalarNode);
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true,
                    flow ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in sequence.Items)
                    Emit(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            case MappingNode mapping:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true,
                    mapping.Entries.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var entry in mapping.Entries)
                {
                    Emit(emitter, entry.Key);
                    Emit(emitter, entry.Value);
                }
                emitter.Emit(new MappingEnd());
                break;
        }
    }

    /// <summary>
    /// Plain for numbers, booleans and enum names. Strings are quoted when a YAML reader would otherwise take
    /// them for something else ("", "null", "true", "42"), so other tools read them back as strings too.
    /// </summary>
    private static ScalarStyle StyleOf(ScalarNode scalar)
    {
        if (scalar.IsPlain)
            return ScalarStyle.Plain;
        var v = scalar.Value;
        var lower = v.ToLowerInvariant();
        var ambiguous = v.Length == 0
            || lower is "~" or "null" or "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n"
            || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            || lower.TrimStart('+', '-') is ".inf" or ".nan";
        return ambiguous ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
    }
}
