namespace AgentSim.Config;

/// <summary>How <c>agentsim sensitivity</c> apportions the outputs' variance.</summary>
public enum SensitivityMethod
{
    /// <summary>Sobol first- and total-order indices from a Saltelli design: N × (k + 2) points.</summary>
    Sobol,
    /// <summary>Morris elementary effects (screening): r trajectories × (k + 1) points.</summary>
    Morris,
}

/// <summary>How an uncertain parameter's values are drawn from a unit-interval coordinate.</summary>
public enum ParameterDistribution
{
    /// <summary>Uniform on [min, max].</summary>
    Uniform,
    /// <summary>Uniform in the logarithm on [min, max] (min > 0): for rates known only to an order of magnitude.</summary>
    LogUniform,
    /// <summary>Normal with mean and sd, truncated to [min, max].</summary>
    Normal,
    /// <summary>Triangular on [min, max] with its peak at mode.</summary>
    Triangular,
}

/// <summary>
/// The <c>sensitivity:</c> section: a global sensitivity study of the rest of the file's scenario. Runs go through the
/// sweep machinery (run ids, resume, common random numbers, <c>sweep slurm</c>), so its keys mirror <c>sweep:</c>.
/// </summary>
public sealed class SensitivityConfig
{
    public const string Key = "sensitivity";

    [Param("sobol: first- and total-order indices with bootstrap intervals (N × (k + 2) points); morris: elementary effects, mu* and sigma (r × (k + 1) points).")]
    public SensitivityMethod Method { get; set; } = SensitivityMethod.Sobol;

    [Param("Sobol: base samples N; Morris: trajectories r.", Unit = "samples", Min = 2, Max = 1_000_000)]
    public int Samples { get; set; } = 32;

    [Param("Morris: levels of the grid each parameter's range is cut into (even).", Min = 2, Max = 100)]
    public int Levels { get; set; } = 4;

    [Param("Runs per design point and arm; an output is averaged over them before the indices are estimated.", Unit = "runs", Min = 1, Max = 10_000)]
    public int Replicates { get; set; } = 1;

    [Param("Common random numbers: replicate r of every point and arm uses the same seed, so differences between points are the parameters', not sampling noise.")]
    public bool CommonRandomNumbers { get; set; } = true;

    [Param("Bootstrap resamples for the 95% intervals.", Min = 0, Max = 100_000)]
    public int Bootstrap { get; set; } = 1000;

    [Param("Seed of the design and the bootstrap (not of the simulations).", Min = 0, Max = long.MaxValue)]
    public long Seed { get; set; } = 1;

    [Param("Scenarios every design point runs under, each a list of KEY=VALUE overrides of the base scenario; outputs name an arm, or the difference of two (paired on the same point and seed). Default: one arm, the base scenario.", Min = 0, Max = 16)]
    public List<StudyArmConfig> Arms { get; set; } = new();

    [Param("The uncertain parameters: any numeric config key with a range and a distribution.", Min = 0, Max = 64)]
    public List<UncertainParameterConfig> Parameters { get; set; } = new();

    [Param("The outputs whose variance is apportioned: an indicator of summary.parquet in one arm, or its difference between two arms.", Min = 0, Max = 64)]
    public List<StudyOutputConfig> Outputs { get; set; } = new();
}

/// <summary>One scenario of a study: a name and the overrides that turn the base scenario into it.</summary>
public sealed class StudyArmConfig
{
    [Param("Name of the arm: its partition directory (arm=NAME) and what outputs refer to.")]
    public string Name { get; set; } = "";

    [Param("Overrides of the base scenario, written as for --set: [incentives.default_rule=household_income].", Min = 0, Max = 64)]
    public List<string> Set { get; set; } = new();
}

/// <summary>An uncertain parameter: a config key and the distribution its values are drawn from.</summary>
public sealed class UncertainParameterConfig
{
    [Param("Config key, written as for --set: officials.imitation_rate, industries.ev.learning_rate.")]
    public string Key { get; set; } = "";

    [Param("Name of its column and partition directory; default: the key's last segment.")]
    public string Column { get; set; } = "";

    [Param("uniform, log_uniform, normal (truncated to min..max) or triangular.")]
    public ParameterDistribution Distribution { get; set; } = ParameterDistribution.Uniform;

    [Param("Lower end of the range.")]
    public double Min { get; set; }

    [Param("Upper end of the range.")]
    public double Max { get; set; }

    [Param("Normal: mean.")]
    public double Mean { get; set; }

    [Param("Normal: standard deviation.", Min = 0)]
    public double Sd { get; set; }

    [Param("Triangular: the most likely value.")]
    public double Mode { get; set; }
}

/// <summary>An output of a study: an indicator in one arm, or its paired difference between two arms.</summary>
public sealed class StudyOutputConfig
{
    [Param("Label of the output in sensitivity.parquet and the report; default: the indicator with its arms (indicator:arm-minus).")]
    public string Label { get; set; } = "";

    [Param("Indicator of summary.parquet (docs/experiments.md): strategic_utilisation_end, consumption_share_end, pilot_income_growth_did, ...")]
    public string Indicator { get; set; } = "";

    [Param("The arm it is measured in; default: the first.")]
    public string Arm { get; set; } = "";

    [Param("An arm to subtract, run by run on the same point and replicate (a paired output such as S1c: household_income minus baseline).")]
    public string Minus { get; set; } = "";
}

/// <summary>
/// The <c>calibration:</c> section: free parameters with bounds and target moments for <c>agentsim calibrate</c>
/// (simulated method of moments, Nelder–Mead).
/// </summary>
public sealed class CalibrationConfig
{
    public const string Key = "calibration";

    [Param("Runs per evaluation, on common random numbers (the same seeds at every evaluation, so the objective is smooth in the parameters).", Unit = "runs", Min = 1, Max = 1000)]
    public int Replicates { get; set; } = 4;

    [Param("Most objective evaluations the optimiser may use.", Min = 1, Max = 100_000)]
    public int MaxEvaluations { get; set; } = 60;

    [Param("Stop when the simplex's objective values differ by less than this.", Min = 0)]
    public double Tolerance { get; set; } = 1e-3;

    [Param("The free parameters: numeric config keys with bounds.", Min = 0, Max = 32)]
    public List<FreeParameterConfig> Parameters { get; set; } = new();

    [Param("The target moments: indicators with a target and its uncertainty.", Min = 0, Max = 64)]
    public List<TargetMomentConfig> Moments { get; set; } = new();
}

/// <summary>A free parameter of a calibration.</summary>
public sealed class FreeParameterConfig
{
    [Param("Config key, written as for --set.")]
    public string Key { get; set; } = "";

    [Param("Lower bound.")]
    public double Min { get; set; }

    [Param("Upper bound.")]
    public double Max { get; set; }

    [Param("Starting value; default: the base scenario's value.")]
    public double Start { get; set; }
}

/// <summary>A target moment: an indicator's target value and its uncertainty, which weights it (1 / sd²).</summary>
public sealed class TargetMomentConfig
{
    [Param("Indicator computed for every run (docs/experiments.md): consumption_share_start, utilisation_start, ...")]
    public string Indicator { get; set; } = "";

    [Param("Target value; default: the middle of low..high.")]
    public double Target { get; set; }

    [Param("Lower end of the calibration band (docs/calibration.md); with high, sd = (high - low) / 4 when sd is not given.")]
    public double Low { get; set; }

    [Param("Upper end of the calibration band.")]
    public double High { get; set; }

    [Param("Uncertainty of the target (one standard deviation).", Min = 0)]
    public double Sd { get; set; }

    [Param("Where the target comes from.")]
    public string Source { get; set; } = "";
}
