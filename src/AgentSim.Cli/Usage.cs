namespace AgentSim.Cli;

/// <summary>Help texts.</summary>
internal static class Usage
{
    public const string General =
        """
        AgentSim: agent-based simulation of provincial industrial policy.

        Usage:
          agentsim run CONFIG [options]   run a scenario and write its Parquet tables
          agentsim --help                 show this help ('agentsim run --help' for the run options)
          agentsim --version              show the version

        """;

    public const string Run =
        """
        Usage: agentsim run CONFIG [options]

        Runs the scenario in CONFIG (a YAML file) and writes provinces, industries, nation, officials (and firms)
        Parquet tables plus manifest.json into the output directory. See docs/outputs.md for the columns.

        Options:
          --out DIR          output directory (default: runs/<config file name without extension>)
          --seed N           random seed (overrides the config)
          --threads N        worker threads, 0 = all cores (results do not depend on it)
          --firms N          number of firms at the start
          --steps N          quarters to simulate after the burn-in
          --set KEY=VALUE    override any config key, e.g. --set officials.tenure=16 (repeatable)
          --force            write into a non-empty directory, replacing the previous run's files
          --debug            print stack traces of unexpected errors
          -h, --help         show this help

        Exit codes: 0 success, 1 unexpected failure, 2 bad input (arguments, config, data, output directory),
        130 interrupted.

        """;
}
