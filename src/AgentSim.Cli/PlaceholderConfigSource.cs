using System.Globalization;
using AgentSim.Config;
using AgentSim.Model.State;

namespace AgentSim.Cli;

/// <summary>
/// Stand-in for the YAML loader until it is wired into <see cref="CliApp.ConfigSource"/>: the config file must exist
/// but is not read; the run uses <see cref="SimulationConfig"/>'s defaults, with relative paths resolved against the
/// file's directory. It accepts only the top-level overrides the command-line shorthands produce.
/// </summary>
public static class PlaceholderConfigSource
{
    public static (SimulationConfig Config, string ConfigDirectory, string ResolvedYaml) Load(string path, IReadOnlyList<string> overrides)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"{path}: config file not found");
        }
        var config = new SimulationConfig();
        var yaml = new System.Text.StringBuilder("# SimulationConfig defaults (placeholder config source: the file was not parsed)\n");
        foreach (var entry in overrides)
        {
            var (key, value) = Split(entry);
            switch (key)
            {
                case "seed":
                    config.Seed = Parse<long>(key, value);
                    break;
                case "firms":
                    config.Firms = Parse<int>(key, value);
                    break;
                case "steps":
                    config.Steps = Parse<int>(key, value);
                    break;
                case "burn_in":
                    config.BurnIn = Parse<int>(key, value);
                    break;
                case "threads":
                    config.Threads = Parse<int>(key, value);
                    break;
                default:
                    throw new InputException($"--set {key}: not supported until the YAML config loader is wired in (supported: seed, firms, steps, burn_in, threads)");
            }
            yaml.Append(key).Append(": ").Append(value).Append('\n');
        }
        return (config, Path.GetDirectoryName(Path.GetFullPath(path))!, yaml.ToString());
    }

    private static (string Key, string Value) Split(string entry)
    {
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new InputException($"--set '{entry}': expected KEY=VALUE");
        }
        return (entry[..equals].Trim(), entry[(equals + 1)..].Trim());
    }

    private static T Parse<T>(string key, string value)
        where T : IParsable<T> =>
        T.TryParse(value, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new InputException($"--set {key}={value}: expected a whole number");
}
