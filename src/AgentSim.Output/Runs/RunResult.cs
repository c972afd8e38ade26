namespace AgentSim.Output.Runs;

/// <summary>Outcome of a completed run: where its files are and the headline indicators for a summary.</summary>
public sealed record RunResult(
    string OutputDirectory,
    string ManifestPath,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyDictionary<string, long> RowCounts,
    IReadOnlyDictionary<string, double> TimingsSeconds,
    int Threads,
    RunHeadlines Headlines);

/// <summary>
/// Headline indicators of a run (MODEL.md section 6). "Final year" means the last four recorded quarters (fewer if
/// the run is shorter), "first year" the first four; changes and growth are measured from the end of the burn-in.
/// </summary>
public sealed record RunHeadlines
{
    /// <summary>Recorded quarters.</summary>
    public int Steps { get; init; }

    /// <summary>National household consumption / GDP over the first year.</summary>
    public double ConsumptionShareFirstYear { get; init; }

    /// <summary>National household consumption / GDP over the final year.</summary>
    public double ConsumptionShareFinalYear { get; init; }

    /// <summary>Output / capacity of the strategic industries over the final year.</summary>
    public double StrategicUtilisationFinalYear { get; init; }

    /// <summary>Output / capacity of the other industries over the final year.</summary>
    public double NonStrategicUtilisationFinalYear { get; init; }

    /// <summary>Relative change of the strategic producer price index over the recorded quarters.</summary>
    public double StrategicPriceChange { get; init; }

    /// <summary>Relative change of the non-strategic producer price index over the recorded quarters.</summary>
    public double NonStrategicPriceChange { get; init; }

    /// <summary>Zombies / alive firms at the last step.</summary>
    public double ZombieShareFinal { get; init; }

    /// <summary>Annualised growth of national real GDP over the recorded quarters.</summary>
    public double GdpGrowthAnnualised { get; init; }

    /// <summary>Annualised growth of national real household income per capita over the recorded quarters.</summary>
    public double IncomePerCapitaGrowthAnnualised { get; init; }

    /// <summary>Local government debt / annualised GDP at the last step, all provinces together.</summary>
    public double LocalDebtToGdpFinal { get; init; }

    /// <summary>Firms alive after the burn-in.</summary>
    public int FirmsStart { get; init; }

    /// <summary>Firms alive at the last step.</summary>
    public int FirmsFinal { get; init; }
}
