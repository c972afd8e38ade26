namespace AgentSim.Config;

/// <summary>
/// The optional <c>sweep:</c> section of a config: which keys vary and over what, and how many replicates each
/// point gets. It describes an experiment, not the model, so it is kept apart from <see cref="SimulationConfig"/>:
/// a plain <c>run</c> ignores it and it never appears in a run's resolved config. Read it from
/// <see cref="LoadedConfig.Sweep"/>.
/// </summary>
/// <example>
/// <code>
/// sweep:
///   replicates: 10
///   parameters:
///     - key: officials.promotion_strength
///       values: [0.5, 1, 1.5, 2, 3]
///     - key: incentives.switch_step
///       from: 8
///       to: 32
///       steps: 4
/// </code>
/// </example>
public sealed class SweepConfig
{
    /// <summary>The top-level key of the section.</summary>
    public const string Key = "sweep";

    [Param("Runs per parameter point, each with its own seed.", Unit = "runs", Min = 1, Max = 100_000)]
    public int Replicates { get; set; } = 1;

    [Param("Common random numbers: replicate r of every point uses the same seed (derived from the config's seed), so differences between points are not sampling noise. false gives every run its own seed, derived from its run id.")]
    public bool CommonRandomNumbers { get; set; } = true;

    [Param("The keys that vary. Keys given with values or from/to/steps form a grid (every combination); keys given with min/max are sampled together by latin_hypercube.", Min = 0, Max = 32)]
    public List<SweepParameterConfig> Parameters { get; set; } = new();

    [Param("Latin-hypercube sample over the parameters given with min and max.")]
    public LatinHypercubeConfig LatinHypercube { get; set; } = new();
}

/// <summary>One key of a sweep and the values it takes: a list, an evenly spaced range, or a min/max interval for Latin-hypercube sampling.</summary>
public sealed class SweepParameterConfig
{
    [Param("Config key that varies, written as for --set: officials.promotion_strength, industries.ev.learning_rate, incentives.pilot_provinces.")]
    public string Key { get; set; } = "";

    [Param("Name of the key's column in summary.parquet and of its Hive partition directory (COLUMN=VALUE); default: the key's last segment.")]
    public string Column { get; set; } = "";

    [Param("The values the key takes. A value for a list key is a list: [[Zhejiang], [Zhejiang, Fujian]].", Min = 0, Max = 10_000)]
    public List<string> Values { get; set; } = new();

    [Param("Short names of the values, one per value, used in partition directories and summary.parquet instead of the values themselves (useful for lists).", Min = 0, Max = 10_000)]
    public List<string> Labels { get; set; } = new();

    [Param("First value of an evenly spaced range (with to and steps).")]
    public double From { get; set; }

    [Param("Last value of an evenly spaced range (inclusive).")]
    public double To { get; set; }

    [Param("Number of values in the range from..to, ends included.", Min = 2, Max = 10_000)]
    public int Steps { get; set; } = 2;

    [Param("Lower end of the interval sampled by the Latin hypercube.")]
    public double Min { get; set; }

    [Param("Upper end of the interval sampled by the Latin hypercube.")]
    public double Max { get; set; }
}

/// <summary>A Latin-hypercube sample: <see cref="Points"/> points, each parameter's interval cut into as many strata, each stratum used once.</summary>
public sealed class LatinHypercubeConfig
{
    [Param("Number of sampled points; 0 when no parameter is sampled.", Unit = "points", Min = 0, Max = 1_000_000)]
    public int Points { get; set; }

    [Param("Seed of the sample (the design), separate from the simulation seeds.", Min = 0, Max = long.MaxValue)]
    public long Seed { get; set; } = 1;
}

/// <summary>How a sweep parameter's values are given.</summary>
public enum SweepParameterKind
{
    /// <summary>An explicit list (<c>values</c>).</summary>
    Values,
    /// <summary>An evenly spaced range (<c>from</c>, <c>to</c>, <c>steps</c>).</summary>
    Range,
    /// <summary>An interval sampled by the Latin hypercube (<c>min</c>, <c>max</c>).</summary>
    Sampled,
}

/// <summary>A sweep section as loaded: the typed values plus which keys the file gave, which decides each parameter's kind.</summary>
public sealed class LoadedSweep
{
    internal LoadedSweep(SweepConfig config, IReadOnlyList<SweepParameterKind> kinds, IReadOnlyList<string> columns)
    {
        Config = config;
        Kinds = kinds;
        Columns = columns;
    }

    public SweepConfig Config { get; }

    /// <summary>How each of <see cref="SweepConfig.Parameters"/> is given, in the same order.</summary>
    public IReadOnlyList<SweepParameterKind> Kinds { get; }

    /// <summary>
    /// Each parameter's column in summary.parquet and partition directory name, in the same order: its <c>column</c>,
    /// else the key's last segment (the whole key in snake_case when two keys end alike).
    /// </summary>
    public IReadOnlyList<string> Columns { get; }
}
