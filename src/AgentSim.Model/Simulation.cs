using System.Diagnostics;
using AgentSim.Config;
using AgentSim.Core;
using AgentSim.Model.State;

namespace AgentSim.Model;

/// <summary>
/// One simulated economy. Owns the parameters, the state and the worker pool; <see cref="Advance"/>
/// runs one quarter through the phases of MODEL.md section 3. Steps before 0 are the burn-in.
/// </summary>
public sealed partial class Simulation : IDisposable
{
    private readonly WorkerPool _pool;
    private readonly FirmKernels _kernels;
    private readonly Reference.PlainFirmPhases? _plain;   // set only for the plain reference engine

    /// <param name="engine">Which implementation runs the firm phases: the struct-of-arrays kernels (the engine), or the
    /// plain one-object-per-firm reference used to check and benchmark it. The rest of a quarter is shared.</param>
    public Simulation(SimulationConfig config, IReadOnlyList<ProvinceRow> provinces, int threads = 0, FirmEngine engine = FirmEngine.StructOfArrays)
    {
        Config = config;
        Industry = new IndustryParameters(config.Industries, config.Mechanisms.StrategicList);
        int industries = Industry.Count;
        Firms = new FirmArrays();
        Provinces = new ProvinceState(provinces.Count, industries);
        Industries = new IndustryState(industries);
        Nation = new NationState();
        ProvinceRows = provinces;
        _pool = new WorkerPool(threads > 0 ? threads : config.Threads);
        Initialisation.Populate(this);
        // Room for the free slots of a few quarters of exits, so the queue does not grow in steady state.
        FreeSlots.EnsureCapacity(Math.Max(1024, config.Firms / 4));
        // The plain engine takes the firms over as objects and empties the arrays, before the kernels size their buffers.
        if (engine == FirmEngine.Plain) _plain = new Reference.PlainFirmPhases(this);
        _kernels = new FirmKernels(this);
        Step = -config.BurnIn;
    }

    public SimulationConfig Config { get; }
    public IndustryParameters Industry { get; }
    public FirmArrays Firms { get; }
    public ProvinceState Provinces { get; }
    public IndustryState Industries { get; }
    public NationState Nation { get; }
    public IReadOnlyList<ProvinceRow> ProvinceRows { get; }
    public int Threads => _plain is null ? _pool.Threads : 1;

    /// <summary>The firm kernels and the worker pool, for the per-phase benchmarks.</summary>
    internal FirmKernels Kernels => _kernels;
    internal WorkerPool Pool => _pool;

    /// <summary>Which implementation runs the firm phases.</summary>
    public FirmEngine Engine => _plain is null ? FirmEngine.StructOfArrays : FirmEngine.Plain;

    /// <summary>Alive firms (either engine).</summary>
    public int AliveFirms => _plain?.AliveFirms ?? CountAliveSlots();

    private int CountAliveSlots()
    {
        int alive = 0;
        for (int i = 0; i < Firms.Count; i++) alive += Firms.Alive[i];
        return alive;
    }

    /// <summary>The step the next call to <see cref="Advance"/> runs; negative during the burn-in.</summary>
    public int Step { get; private set; }

    /// <summary>Year-end official records produced by the last step (empty in other quarters).</summary>
    public List<OfficialRecord> OfficialRecords { get; } = new();

    internal OfficialsState Officials { get; set; } = null!;
    internal Queue<int> FreeSlots { get; } = new();

    public bool InBurnIn => Step < 0;

    /// <summary>Wall-clock seconds spent in each group of phases so far, in the order of <see cref="PhaseNames"/>.</summary>
    public double[] PhaseSeconds { get; } = new double[6];

    public static readonly string[] PhaseNames =
        ["production and pricing", "demand and market", "accounts and investment", "distress and entry", "observation", "provinces, nation, officials"];

    /// <summary>Quarters since the start of the burn-in: demand trends run from the first simulated quarter.</summary>
    internal int TrendQuarters => Step + Config.BurnIn;

    /// <summary>Runs the burn-in quarters (nothing is recorded).</summary>
    public void RunBurnIn()
    {
        while (Step < 0) Advance();
    }

    /// <summary>Runs one quarter.</summary>
    public void Advance()
    {
        long t0 = Stopwatch.GetTimestamp();
        OfficialRecords.Clear();
        ApplyRuleSchedule();
        UpdateLearningCurves();
        if (_plain is null) _kernels.RunProductionAndPricing(_pool); else _plain.ProductionAndPricing(_kernels);
        long t1 = Stopwatch.GetTimestamp();
        ComputeDemand();
        if (_plain is null) _kernels.RunMarketClearing(_pool); else _plain.MarketClearing(_kernels);
        long t2 = Stopwatch.GetTimestamp();
        if (_plain is null) _kernels.RunAccountsAndInvestment(_pool); else _plain.AccountsAndInvestment(_kernels);
        long t3 = Stopwatch.GetTimestamp();
        if (_plain is null)
        {
            ResolveDistress();
            RunEntry();
        }
        else
        {
            ResetQuarterFlows();
            _plain.ResolveDistress();
            _plain.RunEntry();
        }
        long t4 = Stopwatch.GetTimestamp();
        if (_plain is null) _kernels.RunObservation(_pool); else _plain.Observation(_kernels);
        long t5 = Stopwatch.GetTimestamp();
        ComputeIndustryIndicators();
        ComputeProvincesAndNation();
        RunOfficials();
        long t6 = Stopwatch.GetTimestamp();
        PhaseSeconds[0] += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
        PhaseSeconds[1] += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
        PhaseSeconds[2] += Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;
        PhaseSeconds[3] += Stopwatch.GetElapsedTime(t3, t4).TotalSeconds;
        PhaseSeconds[4] += Stopwatch.GetElapsedTime(t4, t5).TotalSeconds;
        PhaseSeconds[5] += Stopwatch.GetElapsedTime(t5, t6).TotalSeconds;
        Step++;
    }

    public void Dispose() => _pool.Dispose();

    /// <summary>
    /// Checks what the config says about the data (pilot provinces must exist in the provinces file) before
    /// anything is written, so bad input fails without leaving an output directory behind.
    /// </summary>
    public static void ValidateInputs(SimulationConfig config, IReadOnlyList<ProvinceRow> provinces)
    {
        var names = provinces.Select(p => p.Name).ToArray();
        foreach (var name in config.Incentives.PilotProvinces)
        {
            if (!names.Contains(name))
            {
                string? nearest = ConfigErrors.Nearest(name, names);
                string hint = nearest is null ? "" : $"; did you mean '{nearest}'?";
                throw new InputException($"incentives.pilot_provinces: unknown province '{name}'{hint} (valid: {string.Join(", ", names)})");
            }
        }
        if (config.Industries.Count > byte.MaxValue)
            throw new InputException($"industries: at most {byte.MaxValue} industries are supported, got {config.Industries.Count}");
    }

    /// <summary>A firm slot's variable unit cost this quarter, as the kernels compute it (learning curve, cost factor and
    /// the wage index of its province and industry, MODEL.md 9.2).</summary>
    public double UnitCost(int slot)
    {
        int s = Firms.Industry[slot], p = Firms.Province[slot];
        return FirmKernels.UnitCost(Industry.UnitCost[s] * Industries.CostIndex[s], Firms.CostFactor[slot],
            Provinces.WageIndex[p * Industry.Count + s], Industry.LabourPerUnit[s] * Industries.CostIndex[s] * Industry.Wage[s]);
    }

    internal double Lever(int province, int lever) => Provinces.LeverValues[province * Provinces.LeverCount + lever];
}

/// <summary>Implementations of the firm phases; see <see cref="Simulation(SimulationConfig, IReadOnlyList{ProvinceRow}, int, FirmEngine)"/>.</summary>
public enum FirmEngine
{
    /// <summary>Struct-of-arrays kernels over fixed chunks, parallel, deterministic for any thread count.</summary>
    StructOfArrays,

    /// <summary>The plain reference: one object per firm in a list, straightforward single-threaded loops.</summary>
    Plain,
}
