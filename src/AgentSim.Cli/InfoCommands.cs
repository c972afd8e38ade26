using System.Globalization;
using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.State;

namespace AgentSim.Cli;

/// <summary>Commands that explain rather than run: validate, explain, scenarios.</summary>
internal static class InfoCommands
{
    /// <summary><c>agentsim validate CONFIG [--set k=v]...</c>: loads and checks a config without running it.</summary>
    public static int Validate(string[] args, TextWriter stdout)
    {
        if (args.Length > 0 && args[0] is "-h" or "--help")
        {
            stdout.Write(Usage.Validate);
            return ExitCodes.Success;
        }
        string? path = null;
        var overrides = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--set")
            {
                if (i + 1 >= args.Length) throw new UsageException("--set needs KEY=VALUE");
                overrides.Add(args[++i]);
            }
            else if (a.StartsWith("--set=", StringComparison.Ordinal)) overrides.Add(a["--set=".Length..]);
            else if (a.StartsWith('-')) throw new UsageException($"unknown option '{a}' for validate (see 'agentsim validate --help')");
            else if (path is null) path = a;
            else throw new UsageException($"validate takes one config file, got a second: '{a}'");
        }
        if (path is null) throw new UsageException("validate needs a config file: agentsim validate CONFIG");

        var (config, directory, _) = CliApp.ConfigSource(path, overrides);
        var provinces = ProvinceData.Load(Path.Combine(directory, config.Provinces.DataFile));
        Simulation.ValidateInputs(config, provinces);
        AgentSim.Output.Runs.RunWriter.EnsureMemory(config, provinces.Count);
        string pilots = config.Incentives.PilotProvinces.Count == 0 ? ""
            : $", {config.Incentives.PilotProvinces.Count} pilots switching to {Snake(config.Incentives.PilotRule.ToString())} at step {config.Incentives.SwitchStep}";
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ok: {path} ('{config.Name}'): {config.Firms:N0} firms, {provinces.Count} provinces, {config.Industries.Count} industries, {config.BurnIn} + {config.Steps} quarters, rule {Snake(config.Incentives.DefaultRule.ToString())}{pilots}"));
        return ExitCodes.Success;
    }

    /// <summary><c>agentsim explain KEY</c>: a parameter's meaning, unit, default and range, from the schema that validates.</summary>
    public static int Explain(string[] args, TextWriter stdout)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            stdout.Write(Usage.Explain);
            return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Success;
        }
        if (args.Length > 1) throw new UsageException($"explain takes one key, got {args.Length}");
        var info = ConfigSchema.Find(args[0], out var suggestion);
        if (info is null)
        {
            string hint = suggestion is null ? "" : $"; did you mean '{suggestion}'?";
            throw new UsageException($"unknown key '{args[0]}'{hint} (docs/config.md lists every key)");
        }
        stdout.WriteLine(info.KeyPath);
        stdout.WriteLine($"  meaning: {info.Meaning}");
        if (!string.IsNullOrEmpty(info.Unit)) stdout.WriteLine($"  unit:    {info.Unit}");
        stdout.WriteLine($"  type:    {info.TypeName}");
        stdout.WriteLine($"  default: {info.DefaultText}");
        if (!string.IsNullOrEmpty(info.RangeText)) stdout.WriteLine($"  range:   {info.RangeText}");
        return ExitCodes.Success;
    }

    /// <summary><c>agentsim scenarios [DIR]</c>: the shipped configs with the first line of their header comment.</summary>
    public static int Scenarios(string[] args, TextWriter stdout)
    {
        if (args.Length > 0 && args[0] is "-h" or "--help")
        {
            stdout.Write(Usage.Scenarios);
            return ExitCodes.Success;
        }
        string directory = args.Length > 0 ? args[0] : FindConfigsDirectory();
        if (!Directory.Exists(directory)) throw new UsageException($"no configs directory at '{directory}'");
        var files = Directory.GetFiles(directory, "*.yaml").OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new UsageException($"no *.yaml configs in '{directory}'");
        int width = files.Max(f => Path.GetFileName(f).Length);
        foreach (var file in files)
        {
            // A '*.yaml' that is a pipe or device would block or never end: listed, not read.
            string description;
            try
            {
                description = FirstSentence(UserFile.ReadUtf8(file, UserFile.MaxConfigBytes).Split('\n'));
            }
            catch (UserFileException ex)
            {
                description = $"(skipped: {ex.Message})";
            }
            var lines = Wrap(description, Math.Max(40, 110 - width - 2));
            stdout.WriteLine($"{Path.GetFileName(file).PadRight(width)}  {lines[0]}");
            foreach (var more in lines.Skip(1)) stdout.WriteLine($"{new string(' ', width)}  {more}");
        }
        return ExitCodes.Success;
    }

    /// <summary>
    /// The first sentence of a config's header comment, which may run over several comment lines: a description cut at
    /// the end of a line reads as a different claim ("10% standard duty plus a").
    /// </summary>
    internal static string FirstSentence(IEnumerable<string> fileLines)
    {
        var words = new List<string>();
        foreach (var line in fileLines.SkipWhile(l => !l.StartsWith('#')))
        {
            if (!line.StartsWith('#')) break;
            string text = line.TrimStart('#').Trim();
            if (text.Length == 0)
            {
                if (words.Count > 0) break;
                continue;
            }
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                words.Add(word);
                // A full stop ends the sentence; "e.g." and "i.e." do not.
                if (word.EndsWith('.') && word is not ("e.g." or "i.e." or "etc." or "vs."))
                    return string.Join(' ', words);
            }
        }
        return string.Join(' ', words);
    }

    /// <summary>Word-wraps <paramref name="text"/> to lines of at most <paramref name="width"/> characters (longer words stay whole).</summary>
    internal static List<string> Wrap(string text, int width)
    {
        var lines = new List<string> { "" };
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (lines[^1].Length > 0 && lines[^1].Length + 1 + word.Length > width) lines.Add("");
            lines[^1] = lines[^1].Length == 0 ? word : lines[^1] + " " + word;
        }
        return lines;
    }

    private static string FindConfigsDirectory()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "configs");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(candidate, "baseline.yaml"))) return candidate;
        }
        return "configs";
    }

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
