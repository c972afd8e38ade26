using AgentSim.Config;
using AgentSim.Model.State;

namespace AgentSim.Output.Runs;

/// <summary>Everything <see cref="RunWriter.RunAsync"/> needs: the resolved config, the provinces data and where to write.</summary>
public sealed record RunRequest
{
    /// <summary>The configuration after defaults and overrides.</summary>
    public required SimulationConfig Config { get; init; }

    /// <summary>Rows of the provinces data file (<see cref="ProvinceData.Load"/>).</summary>
    public required IReadOnlyList<ProvinceRow> Provinces { get; init; }

    /// <summary>Run directory; created if missing. A non-empty directory is refused unless <see cref="Force"/>.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Config file as given by the user, recorded in the manifest.</summary>
    public string ConfigPath { get; init; } = "";

    /// <summary>The resolved config as YAML, recorded in the manifest so the run can be repeated without the original file.</summary>
    public string ResolvedConfigYaml { get; init; } = "";

    /// <summary>Worker threads; 0 uses <c>Config.Threads</c> (where 0 means all cores). Results do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Write into a non-empty directory: the files of a previous run there (the tables, <c>manifest.json</c> and
    /// leftover temporary files) are removed first; other files are left alone.
    /// </summary>
    public bool Force { get; init; }

    /// <summary>Called after every recorded quarter with the simulation (read-only use), e.g. to collect series for analysis.</summary>
    public Action<Model.Simulation>? OnStep { get; init; }

    /// <summary>
    /// Write a checkpoint every this many recorded quarters (0: none). A checkpointed run can be continued after a crash
    /// with <see cref="RunWriter.ResumeAsync"/>; its tables are written in parts and joined at the end.
    /// </summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Quarters between the invariant checks' passes over the firms (1: every quarter; 0: never). Aggregates are checked every quarter.</summary>
    public int FirmChecksEvery { get; init; } = 1;
}

/// <summary>What <see cref="RunWriter.ResumeAsync"/> needs: the interrupted run's directory, and optionally what to check it against.</summary>
public sealed record ResumeRequest
{
    /// <summary>The run directory holding manifest.json and checkpoint/.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>
    /// The config the run must have been started with (e.g. from the same command line); refused if the checkpoint was
    /// written for another. Null: the resolved config recorded in manifest.json.
    /// </summary>
    public Config.SimulationConfig? Config { get; init; }

    /// <summary>Provinces data to check against the checkpoint's; null: the data stored in the checkpoint.</summary>
    public IReadOnlyList<ProvinceRow>? Provinces { get; init; }

    /// <summary>Worker threads; 0: the config's. Results do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>Quarters between checkpoints from here on; null: as before.</summary>
    public int? CheckpointEvery { get; init; }

    /// <summary>As <see cref="RunRequest.FirmChecksEvery"/>.</summary>
    public int FirmChecksEvery { get; init; } = 1;

    /// <summary>As <see cref="RunRequest.OnStep"/> (called for the quarters run after the checkpoint).</summary>
    public Action<Model.Simulation>? OnStep { get; init; }
}

/// <summary>What a run is doing when it reports progress.</summary>
public enum RunPhase
{
    /// <summary>Building the starting economy.</summary>
    Initialising,
    /// <summary>Burn-in quarters (not recorded); Step counts burn-in quarters done.</summary>
    BurnIn,
    /// <summary>Recorded quarters; Step counts quarters done.</summary>
    Simulating,
    /// <summary>Completing the tables and the manifest.</summary>
    Finishing,
}

/// <summary>A progress report: <see cref="Step"/> of <see cref="TotalSteps"/> quarters of the current phase are done.</summary>
public readonly record struct RunProgress(RunPhase Phase, int Step, int TotalSteps, int FirmsAlive, TimeSpan Elapsed);

/// <summary>A problem with the output location (non-empty directory, a file in the way, no permission): the user's to fix.</summary>
public sealed class OutputException : Exception
{
    public OutputException(string message)
        : base(message)
    {
    }

    public OutputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
