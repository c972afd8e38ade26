using System.Runtime.CompilerServices;
using AgentSim.Core;
using AgentSim.Core.Simd;
using AgentSim.Model.Kernels;
using AgentSim.Model.State;

namespace AgentSim.Model;

/// <summary>
/// The parallel firm phases. Each pass runs over fixed chunks of firm slots; a chunk writes only its own
/// firms and its own row of partial sums, and partial sums are reduced in chunk order afterwards, so the
/// result is bit-identical for any thread count.
/// </summary>
internal sealed class FirmKernels
{
    // Per-province flow partial sums written by the accounts pass.
    internal const int PfRevenue = 0, PfExportRevenue = 1, PfWages = 2, PfEmployment = 3, PfImportedMaterials = 4,
        PfDomesticMaterials = 5, PfInventoryInvestment = 6, PfVat = 7, PfInterest = 8, PfProductionSubsidy = 9,
        PfCapexSubsidyLocal = 10, PfCapexSubsidyCentral = 11, PfCapex = 12, PfCapexToConstruction = 13, PfLand = 14,
        PfDividends = 15, PfProfit = 16, PfRealValueAdded = 17, PfNetPositionStart = 18, PfDirectedDiscount = 19,
        PfDirectedDebt = 20, PfDirectedLoans = 21, PfPrivateLoans = 22, PfCount = 23;

    // Per-(province, industry) cell flow partial sums of the accounts pass (the wage index follows the cell's margin).
    internal const int CfRevenue = 0, CfProfit = 1, CfEmployment = 2, CfCount = 3;

    // Per-industry partial sums of the pricing pass.
    internal const int IpWeight = 0, IpPriceTimesLastSales = 1, IpLastSales = 2, IpAvailable = 3, IpPriceTimesAvailable = 4, IpCount = 5;

    // Per-industry partial sums of the first market pass.
    internal const int ImSales = 0, ImLeftoverWeight = 1, ImCount = 2;

    // Per-industry flow partial sums of the accounts pass.
    internal const int IaOutput = 0, IaSales = 1, IaRevenue = 2, IaProfit = 3, IaEmployment = 4, IaCapacityOrdered = 5,
        IaGrowthDeviation = 6, IaCapital = 7, IaCount = 8;

    // Per-province stock partial sums of the observation pass.
    internal const int PoCash = 0, PoDebt = 1, PoFirms = 2, PoZombies = 3, PoCount = 4;

    // Per-industry stock partial sums of the observation pass.
    internal const int IoCapacity = 0, IoInventory = 1, IoMarkup = 2, IoFirms = 3, IoZombies = 4, IoProfitRate = 5,
        IoUnitCost = 6, IoCapitalBook = 7, IoCount = 8;

    private readonly Simulation _sim;
    private readonly int _chunkSize = Chunking.DefaultChunkSize;
    private int _chunks;

    internal double[] ProvinceFlows = [];      // [chunk][province][PfCount]
    internal double[] PricingSums = [];        // [chunk][industry][IpCount]
    internal double[] MarketSums = [];         // [chunk][industry][ImCount]
    internal double[] IndustryFlows = [];      // [chunk][industry][IaCount]
    internal double[] CellCounts = [];         // [chunk][province * S + industry]
    internal double[] CellFlows = [];          // [chunk][province * S + industry][CfCount]
    internal double[] ProvinceStocks = [];     // [chunk][province][PoCount]
    internal double[] IndustryStocks = [];     // [chunk][industry][IoCount]
    internal int[] Distressed = [];            // per chunk: firm slots with negative cash, in slot order
    internal int[] DistressedCount = [];
    internal byte[] DistressOutcome = [];      // per distressed firm (as Distressed): 1 rescued, 0 exits
    internal double[] DistressAmount = [];     // per distressed firm: the rescue's cash, or the exit's write-off
    internal double[] DistressMeanOutput = []; // per industry: mean output per firm, for the jobs a rescue keeps
    internal double[] Weight = [];             // per firm scratch: market weight, then leftover weight
    internal int[] CellOfFirm = [];            // per firm scratch: province * S + industry, P * S for a dead slot (set by pricing)

    // Per cell (the spare cell P * S included): its row in the lane kernels' cell tables and its entries in their sums.
    private int[] _pricingColumns = [], _accountsColumns = [], _provinceEntry24 = [], _provinceEntry4 = [], _industryEntry8 = [], _industryEntry4 = [], _cellEntry4 = [];

    // Per-quarter inputs computed between passes.
    internal double[] NormalisingPrice = [];
    internal double[] DemandPerWeight = [];    // D_s / W_s
    internal double[] LeftoverPerWeight = [];  // unmet demand / leftover weight
    internal double[] ExportShare = [];
    internal double[] MeanOutput = [];

    // Per-(province, industry) cell tables and constants of the lane kernels, rebuilt before each pass.
    private double[] _pricingCells = [];
    private double[] _observationCells = [];
    private double[] _demandPerWeightOfCell = [];
    private int[] _observationColumns = [];
    private double[] _accountsCells = [];
    private readonly PricingLanes.Constants _pricingConstants = new();
    private readonly AccountsLanes.Constants _accountsConstants = new();

    private readonly ProductionAndPricing _pricing;
    private readonly MarketFirstPass _market;
    private readonly AccountsAndInvestment _accounts;
    private readonly Observation _observation;
    private readonly Distress _distress;
    private readonly Entrants _entrants;

    public FirmKernels(Simulation sim)
    {
        _sim = sim;
        int S = sim.Industry.Count;
        NormalisingPrice = new double[S];
        DemandPerWeight = new double[S];
        LeftoverPerWeight = new double[S];
        ExportShare = new double[S];
        MeanOutput = new double[S];
        DistressMeanOutput = new double[S];
        _pricing = new ProductionAndPricing(this);
        _market = new MarketFirstPass(this);
        _accounts = new AccountsAndInvestment(this);
        _observation = new Observation(this);
        _distress = new Distress(this);
        _entrants = new Entrants(this);
        Width = DefaultWidth();
        EnsureBuffers();
    }

    /// <summary>
    /// Firms per vector operation in the lane kernels: 8 (AVX-512), 4 (AVX2), 2 (SSE2, NEON) or 1. Results are the same bits at
    /// every width; <c>AGENTSIM_LANES=1|2|4|8</c> picks one below the machine's widest (for measurements).
    /// </summary>
    internal int Width { get; set; }

    internal static int DefaultWidth()
    {
        int native = Lanes.NativeWidth;
        return int.TryParse(Environment.GetEnvironmentVariable("AGENTSIM_LANES"), out int asked) && asked is 1 or 2 or 4 or 8 && asked <= native
            ? asked
            : native;
    }

    internal Simulation Sim => _sim;
    internal int ChunkSize => _chunkSize;
    internal int Chunks => _chunks;

    /// <summary>Sizes scratch buffers for the current number of firm slots (grows only when the population does).</summary>
    internal void EnsureBuffers()
    {
        int firms = _sim.Firms.Count;
        int chunks = Math.Max(1, Chunking.ChunkCount(firms, _chunkSize));
        int P = _sim.Provinces.Count, S = _sim.Industry.Count;
        if (chunks > DistressedCount.Length)
        {
            // Grow, keeping what earlier passes of this quarter wrote: entrants can add chunks mid-quarter.
            int n = chunks + chunks / 4;
            Array.Resize(ref ProvinceFlows, n * P * PfCount);
            Array.Resize(ref PricingSums, n * S * IpCount);
            Array.Resize(ref MarketSums, n * S * ImCount);
            Array.Resize(ref IndustryFlows, n * S * IaCount);
            Array.Resize(ref CellCounts, n * P * S);
            Array.Resize(ref CellFlows, n * P * S * CfCount);
            Array.Resize(ref ProvinceStocks, n * P * PoCount);
            Array.Resize(ref IndustryStocks, n * S * IoCount);
            Array.Resize(ref Distressed, n * _chunkSize);
            Array.Resize(ref DistressOutcome, n * _chunkSize);
            Array.Resize(ref DistressAmount, n * _chunkSize);
            Array.Resize(ref DistressedCount, n);
        }
        if (Weight.Length < _sim.Firms.Capacity.Length) Array.Resize(ref Weight, _sim.Firms.Capacity.Length);
        if (CellOfFirm.Length < _sim.Firms.Capacity.Length) Array.Resize(ref CellOfFirm, _sim.Firms.Capacity.Length);
        if (_cellEntry4.Length != P * S + 1)
        {
            int cells = P * S + 1;
            _pricingColumns = new int[cells];
            _observationColumns = new int[cells];
            _accountsColumns = new int[cells];
            _provinceEntry24 = new int[cells];
            _provinceEntry4 = new int[cells];
            _industryEntry8 = new int[cells];
            _industryEntry4 = new int[cells];
            _cellEntry4 = new int[cells];
            for (int cell = 0; cell < cells; cell++)
            {
                // The spare cell's province and industry are the spare entries P and S.
                int p = cell == P * S ? P : cell / S, s = cell == P * S ? S : cell % S;
                _pricingColumns[cell] = cell * PricingLanes.CellStride;
                _observationColumns[cell] = cell * ObservationLanes.CellStride;
                _accountsColumns[cell] = cell * AccountsLanes.CellStride;
                _provinceEntry24[cell] = p * AccountsLanes.ProvinceStride;
                _provinceEntry4[cell] = p * PricingLanes.ProvinceStride;
                _industryEntry8[cell] = s * AccountsLanes.IndustryStride;
                _industryEntry4[cell] = s * MarketLanes.IndustryStride;
                _cellEntry4[cell] = cell * AccountsLanes.CellSumStride;
            }
        }
        _chunks = chunks;
    }

    public void RunProductionAndPricing(WorkerPool pool)
    {
        EnsureBuffers();
        var ind = _sim.Industries;
        for (int s = 0; s < _sim.Industry.Count; s++)
        {
            NormalisingPrice[s] = ind.LastPrice[s] > 0 ? ind.LastPrice[s] : ind.ReferencePrice[s];
            MeanOutput[s] = ind.MeanOutputPerFirm[s];
        }
        BuildPricingCells();
        pool.Run(_pricing, _chunks);
    }

    /// <summary>The pricing pass's per-cell terms and constants, with the same operations as the per-firm expressions.</summary>
    private void BuildPricingCells()
    {
        var cfg = _sim.Config;
        var fb = cfg.FirmBehaviour;
        var par = _sim.Industry;
        var ind = _sim.Industries;
        var prov = _sim.Provinces;
        int S = par.Count, P = prov.Count, leverCount = prov.LeverCount;
        int productionSubsidyLever = LeverLayout.ProductionSubsidy(S), bailoutLever = LeverLayout.BailoutPropensity(S);
        const int W = PricingLanes.CellStride;
        if (_pricingCells.Length < (P * S + 1) * W) _pricingCells = new double[(P * S + 1) * W];   // the spare cell's row stays 0
        var cells = _pricingCells;
        var levers = prov.LeverValues;
        for (int p = 0; p < P; p++)
            for (int s = 0; s < S; s++)
            {
                int row = (p * S + s) * W;
                cells[row + PricingLanes.CKeep] = 1 - par.Depreciation[s];
                cells[row + PricingLanes.CUnitCostBase] = par.UnitCost[s] * ind.CostIndex[s];
                cells[row + PricingLanes.CLabourWage] = par.LabourPerUnit[s] * ind.CostIndex[s] * par.Wage[s];
                cells[row + PricingLanes.CWageIndex] = prov.WageIndex[p * S + s];
                cells[row + PricingLanes.CProductionSubsidy] = levers[p * leverCount + productionSubsidyLever];
                cells[row + PricingLanes.CBailoutPropensity] = levers[p * leverCount + bailoutLever];
                cells[row + PricingLanes.CMeanOutput] = MeanOutput[s];
                cells[row + PricingLanes.CNormalisingPrice] = NormalisingPrice[s];
                cells[row + PricingLanes.CWeightExponent] = -par.Substitution[s];
            }
        var c = _pricingConstants;
        c.ExpectationSmoothing = fb.ExpectationSmoothing;
        c.TargetInventory = fb.TargetInventoryRatio;
        c.UtilisationFloor = fb.UtilisationFloor;
        c.MaxInventory = fb.MaxInventoryQuarters;
        c.InventoryBand = fb.InventoryBand;
        c.PriceCutUtilisation = fb.PriceCutUtilisation;
        c.RaiseUtilisation = fb.MarkupRaiseUtilisation;
        c.MarkupDown = fb.MarkupDown;
        c.MarkupUp = fb.MarkupUp;
        c.BelowCostFloor = fb.BelowCostFloor;
        c.MaxMarkup = fb.MaxMarkup;
        c.BailoutThreshold = cfg.EntryExit.BailoutThreshold;
        c.ProductionFloors = cfg.Mechanisms.ProductionFloors;
        c.SoftBudget = cfg.Mechanisms.SoftBudget;
    }

    public void RunMarketClearing(WorkerPool pool)
    {
        int cells = _sim.Provinces.Count * _sim.Industry.Count;
        if (_demandPerWeightOfCell.Length != cells + 1) _demandPerWeightOfCell = new double[cells + 1];   // the spare cell's stays 0
        for (int cell = 0; cell < cells; cell++) _demandPerWeightOfCell[cell] = DemandPerWeight[cell % _sim.Industry.Count];
        pool.Run(_market, _chunks);
        // Unmet demand is offered once more to firms with stock left, in proportion to leftover weight.
        int S = _sim.Industry.Count;
        var ind = _sim.Industries;
        Span<double> sales = stackalloc double[S];
        Span<double> leftover = stackalloc double[S];
        ReduceInto(MarketSums, S, ImCount, ImSales, sales);
        ReduceInto(MarketSums, S, ImCount, ImLeftoverWeight, leftover);
        for (int s = 0; s < S; s++)
        {
            double unmet = ind.Demand[s] - sales[s];
            LeftoverPerWeight[s] = unmet > 0 && leftover[s] > 0 ? unmet / leftover[s] : 0;
        }
    }

    public void RunAccountsAndInvestment(WorkerPool pool)
    {
        BuildAccountsCells();
        pool.Run(_accounts, _chunks);
    }

    /// <summary>The accounts pass's per-cell terms and constants, with the same operations as the per-firm expressions.</summary>
    private void BuildAccountsCells()
    {
        var cfg = _sim.Config;
        var fb = cfg.FirmBehaviour;
        var gov = cfg.Government;
        var par = _sim.Industry;
        var ind = _sim.Industries;
        var prov = _sim.Provinces;
        int S = par.Count, P = prov.Count, leverCount = prov.LeverCount;
        int productionSubsidyLever = LeverLayout.ProductionSubsidy(S), creditLever = LeverLayout.CreditEasing(S);
        const int W = AccountsLanes.CellStride;
        if (_accountsCells.Length < (P * S + 1) * W) _accountsCells = new double[(P * S + 1) * W];   // the spare cell's row stays 0
        var cells = _accountsCells;
        var levers = prov.LeverValues;
        double phi0 = fb.InvestmentBase, maxGrowth = fb.MaxInvestmentRate;
        double strategicMask = BitConverter.Int64BitsToDouble(-1L);
        for (int p = 0; p < P; p++)
            for (int s = 0; s < S; s++)
            {
                int row = (p * S + s) * W, lv = p * leverCount;
                cells[row + AccountsLanes.CUnitCostBase] = par.UnitCost[s] * ind.CostIndex[s];
                cells[row + AccountsLanes.CLabourWage] = par.LabourPerUnit[s] * ind.CostIndex[s] * par.Wage[s];
                cells[row + AccountsLanes.CLabourPerOutput] = par.LabourPerUnit[s] * ind.CostIndex[s];
                cells[row + AccountsLanes.CWage] = par.Wage[s];
                cells[row + AccountsLanes.CCapitalPerUnit] = par.CapitalPerUnit[s] * ind.CapitalCostIndex[s];
                cells[row + AccountsLanes.CDepreciation] = par.Depreciation[s];
                cells[row + AccountsLanes.CGrowthBase] = par.Depreciation[s] + ind.ExpectedDemandGrowth[s] + phi0 + ind.InvestmentIntercept[s];
                cells[row + AccountsLanes.CMaxGrowthRate] = par.Depreciation[s] + maxGrowth;
                cells[row + AccountsLanes.CLeftoverPerWeight] = LeftoverPerWeight[s];
                cells[row + AccountsLanes.CWageIndex] = prov.WageIndex[p * S + s];
                cells[row + AccountsLanes.CProductionSubsidy] = levers[lv + productionSubsidyLever];
                cells[row + AccountsLanes.CSubsidyRate] = levers[lv + s];
                cells[row + AccountsLanes.CCreditEasing] = levers[lv + creditLever];
                cells[row + AccountsLanes.CRationing] = prov.PrivateCreditRationing[p];
                // Co-funding follows the centre's list.
                cells[row + AccountsLanes.CStrategic] = par.OnPolicyList[s] ? strategicMask : 0;
                cells[row + AccountsLanes.CExportShare] = ExportShare[s];
                cells[row + AccountsLanes.CValueAddedPerUnit] = ind.ValueAddedPerUnit0[s];
            }
        var c = _accountsConstants;
        c.VatRate = gov.VatRate;
        c.LoanRate = fb.LoanRate;
        c.Payout = fb.DividendPayout;
        c.Smoothing = fb.MemorySmoothing;
        c.Phi0 = phi0;
        c.Phi1 = fb.InvestmentUtilisation;
        c.Phi2 = fb.InvestmentProfit;
        c.Phi3 = fb.InvestmentSubsidy;
        c.Phi4 = fb.InvestmentCredit;
        c.TargetUtilisation = fb.TargetUtilisation;
        c.LeverageLimit = fb.LeverageLimit;
        c.Repayment = fb.RepaymentRate;
        c.BufferQuarters = fb.CashBufferQuarters;
        c.TargetSubsidy = fb.TargetIndustrySubsidy;
        c.DirectedDiscount = cfg.Banking.DirectedCreditDiscount;
        c.Cofunding = gov.StrategicCofunding;
        c.ImportShare = fb.ImportedMaterialShare;
        c.LandShare = gov.LandShareOfCapex;
        c.SoftBudget = cfg.Mechanisms.SoftBudget;
    }

    /// <summary>Each firm's (province, industry) cell in <see cref="CellOfFirm"/>, the spare cell P * S for a dead slot.</summary>
    private void SetCells(int start, int end)
    {
        var f = _sim.Firms;
        var alive = f.Alive;
        var provinceOf = f.Province;
        var industryOf = f.Industry;
        var cellOf = CellOfFirm;
        int S = _sim.Industry.Count, spareCell = _sim.Provinces.Count * S;
        for (int i = start; i < end; i++)
            cellOf[i] = alive[i] == 0 ? spareCell : provinceOf[i] * S + industryOf[i];
    }

    /// <summary>Phase 9 (firm side): each chunk decides its distressed firms' rescues and exits and applies them to the firms.</summary>
    public void RunDistress(WorkerPool pool) => pool.Run(_distress, _chunks);

    /// <summary>This quarter's entrants, in arrival order: slot and (province, industry) cell.</summary>
    private int[] _entrantSlot = [], _entrantCell = [];

    /// <summary>Entrants a parallel task initialises: enough that waking the workers pays.</summary>
    internal const int EntrantsPerTask = 512;

    /// <summary>Records entrant number <paramref name="index"/> of the quarter.</summary>
    public void AddEntrant(int index, int slot, int province, int industry)
    {
        if (index >= _entrantSlot.Length)
        {
            Array.Resize(ref _entrantSlot, Math.Max(1024, 2 * index));
            Array.Resize(ref _entrantCell, _entrantSlot.Length);
        }
        _entrantSlot[index] = slot;
        _entrantCell[index] = province * _sim.Industry.Count + industry;
    }

    /// <summary>Phase 10 (firm side): the recorded entrants' state, in parallel (each writes only its own slot).</summary>
    public void RunEntrants(WorkerPool pool, int count)
    {
        _entrantCount = count;
        pool.Run(_entrants, (count + EntrantsPerTask - 1) / EntrantsPerTask);
    }

    private int _entrantCount;

    private sealed class Entrants(FirmKernels k) : IChunkBody
    {
        public void Execute(int task)
        {
            int S = k._sim.Industry.Count;
            int end = Math.Min(k._entrantCount, (task + 1) * EntrantsPerTask);
            for (int e = task * EntrantsPerTask; e < end; e++)
            {
                int cell = k._entrantCell[e];
                k._sim.InitialiseEntrant(k._entrantSlot[e], cell / S, cell % S);
            }
        }
    }

    public void RunObservation(WorkerPool pool)
    {
        EnsureBuffers();
        BuildObservationCells();
        pool.Run(_observation, _chunks);
    }

    /// <summary>The observation pass's per-cell terms, with the same operations as the per-firm expressions.</summary>
    private void BuildObservationCells()
    {
        var par = _sim.Industry;
        var ind = _sim.Industries;
        var prov = _sim.Provinces;
        int S = par.Count, P = prov.Count;
        const int W = ObservationLanes.CellStride;
        if (_observationCells.Length < (P * S + 1) * W) _observationCells = new double[(P * S + 1) * W];   // the spare cell's row stays 0
        var cells = _observationCells;
        for (int p = 0; p < P; p++)
            for (int s = 0; s < S; s++)
            {
                int row = (p * S + s) * W;
                cells[row + ObservationLanes.CUnitCostBase] = par.UnitCost[s] * ind.CostIndex[s];
                cells[row + ObservationLanes.CWageIndex] = prov.WageIndex[p * S + s];
                cells[row + ObservationLanes.CLabourWage] = par.LabourPerUnit[s] * ind.CostIndex[s] * par.Wage[s];
                cells[row + ObservationLanes.CCapitalPerUnit] = par.CapitalPerUnit[s];
                cells[row + ObservationLanes.CCapitalCostIndex] = ind.CapitalCostIndex[s];
            }
    }

    /// <summary>
    /// A firm's unit cost: the industry's (learning-curve) unit cost times the firm's cost factor, plus the wage bill per
    /// unit above or below the reference wage (MODEL.md 9.2; the shift is exactly 0 while the wage index is 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double UnitCost(double unitCostBase, double costFactor, double wageIndex, double labourWagePerUnit) =>
        unitCostBase * costFactor + (wageIndex - 1) * labourWagePerUnit;

    /// <summary>Sums one quantity over chunks, in chunk order, for each of `groups` groups.</summary>
    internal void ReduceInto(double[] partials, int groups, int stride, int quantity, Span<double> destination)
    {
        destination.Clear();
        for (int c = 0; c < _chunks; c++)
        {
            int baseIndex = c * groups * stride;
            for (int g = 0; g < groups; g++)
                destination[g] += partials[baseIndex + g * stride + quantity];
        }
    }

    /// <summary>Phase 2-4: construction, expectations, production plan, markup and price, market weights.</summary>
    private sealed class ProductionAndPricing(FirmKernels k) : IChunkBody
    {
        /// <summary>Per-thread block state: worker threads live as long as the pool, so this is allocated once per thread.</summary>
        [ThreadStatic] private static PricingLanes.Block? _block;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int chunk)
        {
            var sim = k._sim;
            var f = sim.Firms;
            int S = sim.Industry.Count, P = sim.Provinces.Count, L = f.PipelineLength;
            var (start, end) = Chunking.Range(chunk, f.Count, k._chunkSize);
            var b = _block ??= new PricingLanes.Block();
            b.Alive = f.Alive; b.StateOwned = f.StateOwned; b.SoldOut = f.SoldOut; b.Cash = f.Cash; b.Capacity = f.Capacity;
            b.ExpectedDemand = f.ExpectedDemand; b.Sales = f.Sales; b.Inventory = f.Inventory; b.Output = f.Output;
            b.CostFactor = f.CostFactor; b.Markup = f.Markup; b.SmoothedUtilisation = f.SmoothedUtilisation; b.Price = f.Price;
            b.Debt = f.Debt; b.Cells = k._pricingCells; b.CellOf = k.CellOfFirm;
            b.ColumnOffset = k._pricingColumns; b.IndustryEntry = k._industryEntry8; b.ProvinceEntry = k._provinceEntry4;
            b.ClearSums(P, S);
            var constants = k._pricingConstants;
            int width = k.Width;

            int slot = Initialisation.Mod(sim.Step, L);
            var pipeline = f.Pipeline;
            var rows = b.Rows;
            k.SetCells(start, end);
            // This quarter's arrivals: one row of the pipeline, cleared once read (dead slots' entries are 0 already).
            b.Arriving = pipeline;
            b.ArrivingOffset = f.PipelineIndex(0, slot);
            const int B = LaneBlock.BlockSize;
            for (int blockStart = start; blockStart < end; blockStart += B)
            {
                int blockEnd = Math.Min(end, blockStart + B), n = blockEnd - blockStart;
                PricingLanes.Run(b, constants, blockStart, blockEnd, width);
                pipeline.AsSpan(b.ArrivingOffset + blockStart, n).Clear();

                // Market weight: available stock times relative price to the power -theta (vectorised); then every
                // firm's contributions to the per-industry sums and net positions, in slot order.
                var weights = rows.RowSpan(PricingLanes.IndustryRows + IpWeight)[..n];
                DeterministicMath.ScaledPower(rows.RowSpan(PricingLanes.RAvailable)[..n], rows.RowSpan(PricingLanes.RRelative)[..n],
                    rows.RowSpan(PricingLanes.RExponent)[..n], weights);
                weights.CopyTo(k.Weight.AsSpan(blockStart, n));
                PricingLanes.Accumulate(b, blockStart, blockEnd, width);
            }

            // The chunk's partial sums, from the lanes' tables (each entry summed in slot order).
            var sums = k.PricingSums.AsSpan(chunk * S * IpCount, S * IpCount);
            LaneBlock.CopyEntries(b.IndustrySums, PricingLanes.IndustryStride, S, IpCount, sums);
            var positions = k.ProvinceFlows.AsSpan(chunk * P * PfCount, P * PfCount);
            var provinceSums = b.ProvinceSums.RowSpan(0);
            for (int p = 0; p < P; p++) positions[p * PfCount + PfNetPositionStart] = provinceSums[p * PricingLanes.ProvinceStride];
        }
    }

    /// <summary>Phase 6, first pass: sales in proportion to weight, capped by what the firm has.</summary>
    private sealed class MarketFirstPass(FirmKernels k) : IChunkBody
    {
        /// <summary>Per-thread block state: worker threads live as long as the pool, so this is allocated once per thread.</summary>
        [ThreadStatic] private static MarketLanes.Block? _block;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int chunk)
        {
            var sim = k._sim;
            var f = sim.Firms;
            int S = sim.Industry.Count;
            var (start, end) = Chunking.Range(chunk, f.Count, k._chunkSize);
            var b = _block ??= new MarketLanes.Block();
            b.Alive = f.Alive; b.Output = f.Output; b.Inventory = f.Inventory; b.Sales = f.Sales; b.Weight = k.Weight;
            b.CellOf = k.CellOfFirm; b.DemandPerWeight = k._demandPerWeightOfCell; b.IndustryEntry = k._industryEntry4;
            b.ClearSums(S);
            int width = k.Width;
            for (int blockStart = start; blockStart < end; blockStart += LaneBlock.BlockSize)
                MarketLanes.Run(b, blockStart, Math.Min(end, blockStart + LaneBlock.BlockSize), width);
            var sums = k.MarketSums.AsSpan(chunk * S * ImCount, S * ImCount);
            LaneBlock.CopyEntries(b.IndustrySums, MarketLanes.IndustryStride, S, ImCount, sums);
        }
    }

    /// <summary>Phase 6 (second pass), 7 and 8: reallocated sales, accounts, investment, distress flags.</summary>
    private sealed class AccountsAndInvestment(FirmKernels k) : IChunkBody
    {
        /// <summary>Per-thread block state: worker threads live as long as the pool, so this is allocated once per thread.</summary>
        [ThreadStatic] private static AccountsLanes.Block? _block;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int chunk)
        {
            var sim = k._sim;
            var f = sim.Firms;
            var par = sim.Industry;
            int S = par.Count, P = sim.Provinces.Count, L = f.PipelineLength;
            var (start, end) = Chunking.Range(chunk, f.Count, k._chunkSize);
            // This chunk's partial sums: written whole at the end, from the lanes' tables.
            var flows = k.ProvinceFlows.AsSpan(chunk * P * PfCount, P * PfCount);
            var industryFlows = k.IndustryFlows.AsSpan(chunk * S * IaCount, S * IaCount);
            var cells = k.CellCounts.AsSpan(chunk * P * S, P * S);
            var cellFlows = k.CellFlows.AsSpan(chunk * P * S * CfCount, P * S * CfCount);
            int distressed = 0;
            var distressedSlots = k.Distressed.AsSpan(chunk * k._chunkSize, k._chunkSize);

            var b = _block ??= new AccountsLanes.Block();
            b.Alive = f.Alive; b.StateOwned = f.StateOwned; b.Output = f.Output; b.Inventory = f.Inventory; b.Sales = f.Sales;
            b.Weight = k.Weight; b.CostFactor = f.CostFactor; b.Price = f.Price; b.Debt = f.Debt; b.Cash = f.Cash;
            b.Capacity = f.Capacity; b.Profit = f.Profit; b.SmoothedUtilisation = f.SmoothedUtilisation;
            b.SmoothedProfitRate = f.SmoothedProfitRate; b.Cells = k._accountsCells; b.CellOf = k.CellOfFirm;
            b.ColumnOffset = k._accountsColumns; b.ProvinceEntry = k._provinceEntry24; b.IndustryEntry = k._industryEntry8;
            b.CellEntry = k._cellEntry4;
            var constants = k._accountsConstants;
            int width = k.Width;

            Span<int> buildRow = stackalloc int[S];               // pipeline row where this quarter's orders arrive
            for (int s = 0; s < S; s++) buildRow[s] = f.PipelineIndex(0, Initialisation.Mod(sim.Step + par.BuildLag[s], L));
            b.ClearSums(P, S);

            var alive = f.Alive;
            var industryOf = f.Industry;
            var soldOut = f.SoldOut;
            var cashOf = f.Cash;
            var pipeline = f.Pipeline;
            var negativeEquityQuarters = f.NegativeEquityQuarters;
            var ages = f.Age;
            ref double o = ref b.Rows.Row(0);
            const int B = LaneBlock.BlockSize, R = LaneBlock.RowStride;

            PrefetchPipeline(pipeline, buildRow, industryOf, alive, start, Math.Min(end, start + B));
            for (int blockStart = start; blockStart < end; blockStart += B)
            {
                int blockEnd = Math.Min(end, blockStart + B);
                AccountsLanes.Run(b, constants, blockStart, blockEnd, width);
                PrefetchPipeline(pipeline, buildRow, industryOf, alive, blockEnd, Math.Min(end, blockEnd + B));

                // Per-firm bookkeeping the lanes do not hold (bytes, shorts, the pipeline ring, the distress list).
                for (int i = blockStart; i < blockEnd; i++)
                {
                    if (alive[i] == 0) continue;
                    int j = i - blockStart;
                    soldOut[i] = (byte)(BitConverter.DoubleToInt64Bits(Unsafe.Add(ref o, AccountsLanes.ISoldOut * R + j)) != 0 ? 1 : 0);
                    pipeline[buildRow[industryOf[i]] + i] += Unsafe.Add(ref o, AccountsLanes.IPipelineAddition * R + j);
                    // Zombie bookkeeping: alive with negative equity.
                    negativeEquityQuarters[i] = (short)(Unsafe.Add(ref o, AccountsLanes.IEquity * R + j) < 0 ? Math.Min(negativeEquityQuarters[i] + 1, short.MaxValue) : 0);
                    if (ages[i] < short.MaxValue) ages[i]++;
                    if (cashOf[i] < 0) distressedSlots[distressed++] = i;
                }
            }

            // The chunk's partial sums, from the lanes' tables (each entry summed in slot order).
            var provinceSums = b.ProvinceSums.RowSpan(0);
            for (int p = 0; p < P; p++)
                for (int q = 0; q < PfCount; q++)
                    if (q != PfNetPositionStart) flows[p * PfCount + q] = provinceSums[p * AccountsLanes.ProvinceStride + q];
            LaneBlock.CopyEntries(b.IndustrySums, AccountsLanes.IndustryStride, S, IaCount, industryFlows);
            var cellSums = b.CellSums.RowSpan(0);
            for (int cell = 0; cell < P * S; cell++)
            {
                cells[cell] = cellSums[cell * AccountsLanes.CellSumStride + CfCount];
                for (int q = 0; q < CfCount; q++) cellFlows[cell * CfCount + q] = cellSums[cell * AccountsLanes.CellSumStride + q];
            }
            k.DistressedCount[chunk] = distressed;
        }
    }

    /// <summary>
    /// Asks for the cache lines the firms [start, end) will add their new orders to. The orders go to one pipeline row
    /// per industry (its build lag), so consecutive firms write to different rows, a line each, in more streams than
    /// the hardware prefetcher follows: without this each addition waited for memory (measured at 1 M firms, one
    /// thread: the phase took 33.0 ns a firm, 29.9 with it). Called a block ahead, the lines arrive while a block's
    /// lanes run. A hint only: results do not depend on it (and other hardware goes without).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchPipeline(double[] pipeline, ReadOnlySpan<int> buildRow, byte[] industryOf, byte[] alive, int start, int end)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        fixed (double* rows = pipeline)
        {
            for (int i = start; i < end; i++)
                if (alive[i] != 0) System.Runtime.Intrinsics.X86.Sse.Prefetch0(rows + buildRow[industryOf[i]] + i);
        }
    }

    /// <summary>
    /// Phase 9, firm side: a rescue when the official's propensity to bail out, weighted by the jobs at stake, clears the
    /// threshold (and the province's debt allows it), else an exit. Decisions read province state that no decision
    /// changes; the books are kept by the caller, in slot order.
    /// </summary>
    private sealed class Distress(FirmKernels k) : IChunkBody
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int chunk)
        {
            var sim = k._sim;
            var f = sim.Firms;
            int n = k.DistressedCount[chunk], first = chunk * k._chunkSize;
            var meanOutput = k.DistressMeanOutput;
            for (int j = 0; j < n; j++)
            {
                int e = first + j;
                int i = k.Distressed[e];
                int s = f.Industry[i], p = f.Province[i];
                double jobsWeight = meanOutput[s] > 0 ? f.Output[i] / meanOutput[s] : 1;
                if (sim.GrantsBailout(p, jobsWeight))
                {
                    double amount = sim.BailoutAmount(s, f.Output[i], f.Cash[i]);
                    f.Cash[i] += amount;
                    if (f.Bailouts[i] < short.MaxValue) f.Bailouts[i]++;
                    k.DistressOutcome[e] = 1;
                    k.DistressAmount[e] = amount;
                }
                else
                {
                    k.DistressOutcome[e] = 0;
                    k.DistressAmount[e] = f.Debt[i] - f.Cash[i];
                    f.ClearSlot(i);
                }
            }
        }
    }

    /// <summary>End of quarter: stocks and counts per province and industry (after exits and entry).</summary>
    private sealed class Observation(FirmKernels k) : IChunkBody
    {
        /// <summary>Per-thread block state: worker threads live as long as the pool, so this is allocated once per thread.</summary>
        [ThreadStatic] private static ObservationLanes.Block? _block;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int chunk)
        {
            var sim = k._sim;
            var f = sim.Firms;
            int S = sim.Industry.Count, P = sim.Provinces.Count;
            int zombieQuarters = sim.Config.EntryExit.ZombieQuarters;
            var (start, end) = Chunking.Range(chunk, f.Count, k._chunkSize);
            var b = _block ??= new ObservationLanes.Block();
            b.Cash = f.Cash; b.Debt = f.Debt; b.Capacity = f.Capacity; b.Inventory = f.Inventory; b.Markup = f.Markup;
            b.SmoothedProfitRate = f.SmoothedProfitRate; b.CostFactor = f.CostFactor; b.Cells = k._observationCells;
            b.CellOf = k.CellOfFirm; b.ColumnOffset = k._observationColumns; b.ProvinceEntry = k._provinceEntry4;
            b.IndustryEntry = k._industryEntry8;
            b.ClearSums(P, S);
            int width = k.Width;
            var negativeEquityQuarters = f.NegativeEquityQuarters;
            var zombie = b.Rows.RowSpan(ObservationLanes.RZombie);
            k.SetCells(start, end);   // after exits and entry
            for (int blockStart = start; blockStart < end; blockStart += LaneBlock.BlockSize)
            {
                int blockEnd = Math.Min(end, blockStart + LaneBlock.BlockSize);
                // Zombie flags: negative equity long enough.
                for (int i = blockStart; i < blockEnd; i++)
                    zombie[i - blockStart] = negativeEquityQuarters[i] >= zombieQuarters ? 1 : 0;
                ObservationLanes.Run(b, blockStart, blockEnd, width);
            }

            // The chunk's partial sums, from the lanes' tables (each entry summed in slot order).
            var stocks = k.ProvinceStocks.AsSpan(chunk * P * PoCount, P * PoCount);
            LaneBlock.CopyEntries(b.ProvinceSums, ObservationLanes.ProvinceStride, P, PoCount, stocks);
            LaneBlock.CopyEntries(b.IndustrySums, ObservationLanes.IndustryStride, S, IoCount, k.IndustryStocks.AsSpan(chunk * S * IoCount, S * IoCount));
        }
    }
}
