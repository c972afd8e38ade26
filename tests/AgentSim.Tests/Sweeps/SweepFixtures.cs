using AgentSim.Cli;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Sweeps;

/// <summary>Tiny sweep configs (1,500 firms, 2 burn-in + 8 quarters: a run takes well under a second) and a CLI helper.</summary>
internal static class SweepFixtures
{
    /// <summary>
    /// A standalone config (absolute provinces path) with five pilots switching at quarter 4, followed by
    /// <paramref name="sweep"/> (the sweep section, indented as under 'sweep:').
    /// </summary>
    public static string Yaml(string sweep, int steps = 8) => $"""
        name: tiny-sweep
        firms: 1500
        steps: {steps}
        burn_in: 2
        seed: 11
        provinces:
          data_file: {RunFixtures.ProvincesFile}
        incentives:
          pilot_provinces: [Zhejiang, Fujian, Hubei, Sichuan, Guizhou]
          switch_step: 4
        sweep:
        {Indent(sweep)}
        """;

    /// <summary>Two points of promotion strength × <paramref name="replicates"/> replicates.</summary>
    public static string TwoPoints(int replicates = 2) => Yaml($"""
        replicates: {replicates}
        parameters:
          - key: officials.promotion_strength
            values: [0.5, 3]
        """);

    public static string Write(string directory, string yaml, string name = "sweep.yaml")
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    public static (int Code, string Stdout, string Stderr) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string Indent(string text) =>
        string.Join("\n", text.Split('\n').Select(line => line.Length == 0 ? line : "  " + line));
}
