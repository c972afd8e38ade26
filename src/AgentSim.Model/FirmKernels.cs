using System.Runtime.CompilerServices;
using AgentSim.Core;
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
    internal double[] Weight = [];             // per firm scratch: market weight, then leftover weight

    // Per-quarter inputs computed between passes.
    internal double[] NormalisingPrice = [];
    internal double[] DemandPerWeight = [];    // D_s / W_s
    internal double[] LeftoverPerWeight = [];  // unmet demand / leftover weight
    internal double[] ExportShare = [];
    internal double[] MeanOutput = [];

    private readonly ProductionAndPricing _pricing;
    private readonly MarketFirstPass _market;
    private readonly AccountsAndInvestment _accounts;
    private readonly Observation _observation;

    public FirmKernels(Simulation sim)
    {
        _sim = sim;
        int S = sim.Industry.Count;
        NormalisingPrice = new double[S];
        DemandPerWeight = new double[S];
        LeftoverPerWeight = new double[S];
        ExportShare = new double[S];
        MeanOutput = new double[S];
        _pricing = new ProductionAndPricing(this);
        _market = new MarketFirstPass(this);
        _accounts = new AccountsAndInvestment(this);
        _observation = new Observation(this);
        EnsureBuffers();
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
            Array.Resize(ref DistressedCount, n);
        }
        if (Weight.Length < _sim.Firms.Capacity.Length) Array.Resize(ref Weight, _sim.Firms.Capacity.Length);
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
        pool.Run(_pricing, _chunks);
    }

    public void RunMarketClearing(WorkerPool pool)
    {
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

    public void RunAccountsAndInvestment(WorkerPool pool) => pool.Run(_accounts, _chunks);

    public void RunObservation(WorkerPool pool)
    {
        EnsureBuffers();
        pool.Run(_observation, _chunks);
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
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int chunk)
        {
            var sim = k._sim;
            var f = sim.Firms;
            var cfg = sim.Config;
            var fb = cfg.FirmBehaviour;
            var par = sim.Industry;
            var ind = sim.Industries;
            var prov = sim.Provinces;
            int S = par.Count, P = prov.Count, L = f.PipelineLength, leverCount = prov.LeverCount;
            var (start, end) = Chunking.Range(chunk, f.Count, k._chunkSize);
            var sums = k.PricingSums.AsSpan(chunk * S * IpCount, S * IpCount);
            sums.Clear();
            var positions = k.ProvinceFlows.AsSpan(chunk * P * PfCount, P * PfCount);
            for (int p = 0; p < P; p++) positions[p * PfCount + PfNetPositionStart] = 0;

            int slot = Initialisation.Mod(sim.Step, L);
            double beta = fb.ExpectationSmoothing, targetInventory = fb.TargetInventoryRatio;
            double floor = fb.UtilisationFloor, maxInventory = fb.MaxInventoryQuarters;
            double band = fb.InventoryBand, priceCutUtilisation = fb.PriceCutUtilisation, raiseUtilisation = fb.MarkupRaiseUtilisation;
            double markupDown = fb.MarkupDown, markupUp = fb.MarkupUp, belowCost = fb.BelowCostFloor, maxMarkup = fb.MaxMarkup;
            bool floors = cfg.Mechanisms.ProductionFloors, softBudget = cfg.Mechanisms.SoftBudget;
            double bailoutThreshold = cfg.EntryExit.BailoutThreshold;
            int productionSubsidyLever = LeverLayout.ProductionSubsidy(S), bailoutLever = LeverLayout.BailoutPropensity(S);
            var levers = prov.LeverValues;
            var wageIndex = prov.WageIndex;

            // Per-industry terms, computed once per chunk with the same operations as the per-firm expressions.
            Span<double> keep = stackalloc double[S];            // 1 - depreciation
            Span<double> unitCostBase = stackalloc double[S];    // unit cost * cost index
            Span<double> weightExponent = stackalloc double[S];  // -theta
            Span<double> labourWage = stackalloc double[S];      // reference wage bill per unit of output
            for (int s = 0; s < S; s++)
            {
                labourWage[s] = par.LabourPerUnit[s] * ind.CostIndex[s] * par.Wage[s];
                keep[s] = 1 - par.Depreciation[s];
                unitCostBase[s] = par.UnitCost[s] * ind.CostIndex[s];
                weightExponent[s] = -par.Substitution[s];
            }
            var meanOutput = k.MeanOutput;
            var normalisingPrice = k.NormalisingPrice;

            // Firm arrays in locals: the loop stores into arrays, so the JIT would otherwise reload every field.
            var alive = f.Alive;
            var industryOf = f.Industry;
            var provinceOf = f.Province;
            var stateOwned = f.StateOwned;
            var soldOut = f.SoldOut;
            var cashOf = f.Cash;
            var debts = f.Debt;
            var capacities = f.Capacity;
            var pipeline = f.Pipeline;
            var expectedDemand = f.ExpectedDemand;
            var salesOf = f.Sales;
            var inventories = f.Inventory;
            var outputs = f.Output;
            var costFactors = f.CostFactor;
            var markups = f.Markup;
            var smoothedUtilisation = f.SmoothedUtilisation;
            var prices = f.Price;

            int n = end - start;
            // Dead slots get weight 0: their factor (available stock) is 0 and their base 1.
            var availableStock = Scratch(0, n);
            var relative = Scratch(1, n);
            var exponent = Scratch(2, n);
            for (int i = start; i < end; i++)
            {
                int local = i - start;
                if (alive[i] == 0) { availableStock[local] = 0; relative[local] = 1; exponent[local] = 0; continue; }
                int s = industryOf[i], p = provinceOf[i];
                double cash = cashOf[i];
                positions[p * PfCount + PfNetPositionStart] += cash - debts[i];

                // Construction: capacity whose build lag has elapsed comes on line; depreciation.
                int pipe = i * L + slot;
                double capacity = (capacities[i] + pipeline[pipe]) * keep[s];
                pipeline[pipe] = 0;
                capacities[i] = capacity;

                // Production plan with adaptive expectations (frozen while a firm has no capacity yet).
                double expected = expectedDemand[i];
                double lastSales = salesOf[i];
                if (capacity > 0) expected += beta * (lastSales - expected);
                expectedDemand[i] = expected;
                double inventory = inventories[i];
                double lastOutput = outputs[i];
                double planned = expected * (1 + targetInventory) - inventory;
                double minimum = 0;
                bool employmentPressure = stateOwned[i] != 0 || levers[p * leverCount + productionSubsidyLever] > 0;
                if (floors && employmentPressure && inventory < maxInventory * expected) minimum = floor * capacity;
                double output = Math.Clamp(planned, minimum, capacity);
                if (output < 0) output = 0;
                outputs[i] = output;

                // Markup adapts to inventories; below-cost pricing needs a soft budget or deep cash.
                double unitCost = UnitCost(unitCostBase[s], costFactors[i], wageIndex[p * S + s], labourWage[s]);
                double markup = markups[i];
                double target = targetInventory * expected;
                double smoothedU = smoothedUtilisation[i];
                if (inventory > (1 + band) * target || smoothedU < priceCutUtilisation) markup -= markupDown;
                else if ((soldOut[i] != 0 || inventory < (1 - band) * target) && smoothedU >= raiseUtilisation) markup += markupUp;
                double weightOfJobs = meanOutput[s] > 0 ? lastOutput / meanOutput[s] : 1;
                bool expectsBailout = softBudget && (stateOwned[i] != 0
                    || levers[p * leverCount + bailoutLever] * weightOfJobs > bailoutThreshold);
                bool deepCash = cash > 2 * belowCost * unitCost * output;
                double markupFloor = expectsBailout || deepCash ? -belowCost : 0;
                markup = Math.Clamp(markup, markupFloor, maxMarkup);
                markups[i] = markup;
                double price = (1 + markup) * unitCost;
                prices[i] = price;

                // Market weight (below, vectorised): available stock times relative price to the power -theta.
                double available = output + inventory;
                availableStock[local] = available;
                relative[local] = price / normalisingPrice[s];
                exponent[local] = weightExponent[s];
                ref double sum = ref sums[s * IpCount];
                Unsafe.Add(ref sum, IpPriceTimesLastSales) += price * lastSales;
                Unsafe.Add(ref sum, IpLastSales) += lastSales;
                Unsafe.Add(ref sum, IpAvailable) += available;
                Unsafe.Add(ref sum, IpPriceTimesAvailable) += price * available;
            }

            var weights = k.Weight.AsSpan(start, end - start);
            DeterministicMath.ScaledPower(availableStock, relative, exponent, weights);
            for (int i = start; i < end; i++)
                if (alive[i] != 0) sums[industryOf[i] * IpCount + IpWeight] += weights[i - start];
        }
    }

    /// <summary>
    /// Per-thread scratch of one chunk's length for the vectorised market weights. Worker threads live as long
    /// as the pool, so these are allocated once per thread, never per step.
    /// </summary>
    [ThreadStatic] private static double[]? _scratch;

    private static Span<double> Scratch(int part, int length)
    {
        var scratch = _scratch;
        if (scratch is null || scratch.Length < 3 * length) _scratch = scratch = new double[3 * Math.Max(length, Chunking.DefaultChunkSize)];
        return scratch.AsSpan(part * length, length);
    }

    /// <summary>Phase 6, first pass: sales in proportion to weight, capped by what the firm has.</summary>
    private sealed class MarketFirstPass(FirmKernels k) : IChunkBody
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int chunk)
        {
            var sim = k._sim;
            var f = sim.Firms;
            int S = sim.Industry.Count;
            var (start, end) = Chunking.Range(chunk, f.Count, k._chunkSize);
            var sums = k.MarketSums.AsSpan(chunk * S * ImCount, S * ImCount);
            sums.Clear();
            var demandPerWeight = k.DemandPerWeight;
            var weights = k.Weight;
            for (int i = start; i < end; i++)
            {
                if (f.Alive[i] == 0) continue;
                int s = f.Industry[i];
                double available = f.Output[i] + f.Inventory[i];
                double weight = weights[i];
                double sales = Math.Min(available, weight * demandPerWeight[s]);
                f.Sales[i] = sales;
                // Leftover weight keeps the firm's price term: weight * leftover / available.
                double leftoverWeight = available > 0 ? weight * (available - sales) / available : 0;
                weights[i] = leftoverWeight;
                sums[s * ImCount + ImSales] += sales;
                sums[s * ImCount + ImLeftoverWeight] += leftoverWeight;
            }
        }
    }

    /// <summary>Phase 6 (second pass), 7 and 8: reallocated sales, accounts, investment, distress flags.</summary>
    private sealed class AccountsAndInvestment(FirmKernels k) : IChunkBody
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int chunk)
        {
            var sim = k._sim;
            var f = sim.Firms;
            var cfg = sim.Config;
            var fb = cfg.FirmBehaviour;
            var gov = cfg.Government;
            var par = sim.Industry;
            var ind = sim.Industries;
            var prov = sim.Provinces;
            int S = par.Count, P = prov.Count, L = f.PipelineLength, leverCount = prov.LeverCount;
            var (start, end) = Chunking.Range(chunk, f.Count, k._chunkSize);
            var flows = k.ProvinceFlows.AsSpan(chunk * P * PfCount, P * PfCount);
            for (int p = 0; p < P; p++)
                for (int q = 0; q < PfCount; q++)
                    if (q != PfNetPositionStart) flows[p * PfCount + q] = 0;
            var industryFlows = k.IndustryFlows.AsSpan(chunk * S * IaCount, S * IaCount);
            industryFlows.Clear();
            var cells = k.CellCounts.AsSpan(chunk * P * S, P * S);
            cells.Clear();
            var cellFlows = k.CellFlows.AsSpan(chunk * P * S * CfCount, P * S * CfCount);
            cellFlows.Clear();
            int distressed = 0;
            var distressedSlots = k.Distressed.AsSpan(chunk * k._chunkSize, k._chunkSize);

            double importShare = fb.ImportedMaterialShare, vatRate = gov.VatRate, loanRate = fb.LoanRate;
            double payout = fb.DividendPayout, smoothing = fb.MemorySmoothing;
            double phi0 = fb.InvestmentBase, phi1 = fb.InvestmentUtilisation, phi2 = fb.InvestmentProfit,
                phi3 = fb.InvestmentSubsidy, phi4 = fb.InvestmentCredit, targetU = fb.TargetUtilisation,
                maxGrowth = fb.MaxInvestmentRate, leverageLimit = fb.LeverageLimit, repayment = fb.RepaymentRate,
                bufferQuarters = fb.CashBufferQuarters, landShare = gov.LandShareOfCapex, cofunding = gov.StrategicCofunding,
                targetSubsidy = fb.TargetIndustrySubsidy;
            bool softBudget = cfg.Mechanisms.SoftBudget;
            double directedDiscount = cfg.Banking.DirectedCreditDiscount;
            var intercept = ind.InvestmentIntercept;
            var rationing = prov.PrivateCreditRationing;
            var wageIndex = prov.WageIndex;
            int productionSubsidyLever = LeverLayout.ProductionSubsidy(S), creditLever = LeverLayout.CreditEasing(S);
            var levers = prov.LeverValues;
            var leftoverPerWeight = k.LeftoverPerWeight;
            var exportShare = k.ExportShare;
            var weights = k.Weight;
            int step = sim.Step;

            // Per-industry terms, computed once per chunk with the same operations (and so the same rounding)
            // as the per-firm expressions they replace.
            Span<double> unitCostBase = stackalloc double[S];      // unit cost * cost index
            Span<double> labourPerOutput = stackalloc double[S];   // labour per unit * cost index
            Span<double> labourWage = stackalloc double[S];        // reference wage bill per unit of output
            Span<double> capitalPerUnit = stackalloc double[S];    // capital per unit * capital cost index
            Span<double> growthBase = stackalloc double[S];        // depreciation + expected demand growth + phi0
            Span<double> maxGrowthRate = stackalloc double[S];     // depreciation + max investment rate
            Span<int> buildSlot = stackalloc int[S];               // pipeline slot where this quarter's orders arrive
            for (int s = 0; s < S; s++)
            {
                unitCostBase[s] = par.UnitCost[s] * ind.CostIndex[s];
                labourPerOutput[s] = par.LabourPerUnit[s] * ind.CostIndex[s];
                labourWage[s] = par.LabourPerUnit[s] * ind.CostIndex[s] * par.Wage[s];
                capitalPerUnit[s] = par.CapitalPerUnit[s] * ind.CapitalCostIndex[s];
                growthBase[s] = par.Depreciation[s] + ind.ExpectedDemandGrowth[s] + phi0 + intercept[s];
                maxGrowthRate[s] = par.Depreciation[s] + maxGrowth;
                buildSlot[s] = Initialisation.Mod(step + par.BuildLag[s], L);
            }
            var wage = par.Wage;
            var depreciation = par.Depreciation;
            var strategicIndustry = par.OnPolicyList;   // co-funding follows the centre's list
            var valueAddedPerUnit = ind.ValueAddedPerUnit0;

            // Firm arrays in locals: the loop stores into arrays, so the JIT would otherwise reload every field.
            var alive = f.Alive;
            var industryOf = f.Industry;
            var provinceOf = f.Province;
            var stateOwned = f.StateOwned;
            var soldOut = f.SoldOut;
            var outputs = f.Output;
            var inventories = f.Inventory;
            var salesOf = f.Sales;
            var costFactors = f.CostFactor;
            var prices = f.Price;
            var debts = f.Debt;
            var cashOf = f.Cash;
            var capacities = f.Capacity;
            var profits = f.Profit;
            var smoothedUtilisation = f.SmoothedUtilisation;
            var smoothedProfitRate = f.SmoothedProfitRate;
            var pipeline = f.Pipeline;
            var negativeEquityQuarters = f.NegativeEquityQuarters;
            var ages = f.Age;

            for (int i = start; i < end; i++)
            {
                if (alive[i] == 0) continue;
                int s = industryOf[i], p = provinceOf[i];
                int lv = p * leverCount;
                int cell = p * S + s;

                // Second market pass: unmet demand goes to firms with stock left.
                double output = outputs[i];
                double available = output + inventories[i];
                double sales = salesOf[i];
                double extra = Math.Min(available - sales, weights[i] * leftoverPerWeight[s]);
                if (extra > 0) sales += extra;
                salesOf[i] = sales;
                soldOut[i] = (byte)(sales >= available * (1 - 1e-12) ? 1 : 0);
                double inventory = available - sales;
                inventories[i] = inventory;

                // Accounts.
                double cellWageIndex = wageIndex[cell];
                double unitCost = UnitCost(unitCostBase[s], costFactors[i], cellWageIndex, labourWage[s]);
                double price = prices[i];
                double employment = labourPerOutput[s] * output;
                double variableCost = unitCost * output;
                double wageBill = Math.Min(employment * wage[s] * cellWageIndex, variableCost);
                double materials = variableCost - wageBill;
                double revenue = price * sales;
                double vat = vatRate * Math.Max(0, revenue - materials);
                double debt = debts[i];
                double productionSubsidy = levers[lv + productionSubsidyLever] * revenue;
                double subsidyRate = levers[lv + s];
                // Directed credit: easing reaches state-owned firms and the official's target industries, as a discount
                // on the loan rate that the province's bank funds (MODEL.md 9.1).
                bool soft = softBudget && (stateOwned[i] != 0 || subsidyRate >= targetSubsidy);
                double fullInterest = loanRate * debt;
                double discount = soft ? levers[lv + creditLever] * directedDiscount * fullInterest : 0;
                double interest = fullInterest - discount;
                double capitalUnit = capitalPerUnit[s];
                double capacity = capacities[i];
                double capitalBook = capacity * capitalUnit;
                double depreciationCharge = depreciation[s] * capitalBook;
                double profit = revenue - unitCost * sales - vat - interest + productionSubsidy - depreciationCharge;
                double cash = cashOf[i] + revenue - wageBill - materials - vat - interest + productionSubsidy;
                double dividends = profit > 0 && cash > 0 ? Math.Min(cash, payout * profit) : 0;
                cash -= dividends;
                profits[i] = profit;

                // Memories used by investment.
                double utilisation = capacity > 0 ? output / capacity : targetU;
                double profitRate = capitalBook > 0 ? profit / capitalBook : loanRate;
                double smoothedU = smoothedUtilisation[i] + smoothing * (utilisation - smoothedUtilisation[i]);
                double smoothedR = smoothedProfitRate[i] + smoothing * (profitRate - smoothedProfitRate[i]);
                smoothedUtilisation[i] = smoothedU;
                smoothedProfitRate[i] = smoothedR;

                // Investment: desired growth, financed by cash, then loans (soft budgets ignore leverage; other firms'
                // loans are limited by leverage and, under a loan-to-deposit ceiling, rationed).
                double creditTerm = soft ? phi4 * levers[lv + creditLever] : 0;
                double deviation = phi1 * (smoothedU - targetU) + phi2 * (smoothedR - loanRate) + phi3 * subsidyRate + creditTerm;
                double growth = growthBase[s] + deviation;
                growth = cash < 0 ? 0 : Math.Clamp(growth, 0, maxGrowthRate[s]);
                double capex = growth * capitalBook;
                double loan = 0, subsidy = 0;
                if (capex > 0)
                {
                    double buffer = bufferQuarters * variableCost;
                    double netNeed = capex * (1 - subsidyRate);
                    double fromCash = Math.Min(Math.Max(0, cash - buffer), netNeed);
                    loan = netNeed - fromCash;
                    if (!soft)
                    {
                        double maxDebt = leverageLimit * (capitalBook + capex);
                        if (debt + loan > maxDebt)
                        {
                            loan = Math.Max(0, maxDebt - debt);
                            capex = (fromCash + loan) / (1 - subsidyRate);
                        }
                        double served = rationing[p];
                        if (served < 1 && loan > 0)
                        {
                            loan *= served;
                            capex = (fromCash + loan) / (1 - subsidyRate);
                        }
                    }
                    subsidy = subsidyRate * capex;
                    // loan + subsidy - capex = -fromCash by construction; subtracting it directly keeps a firm that pays
                    // wholly by loan and subsidy at exactly the cash it had (0 stays 0, not -1e-18).
                    cash -= fromCash;
                    debt += loan;
                    pipeline[i * L + buildSlot[s]] += capex / capitalUnit;
                }

                // Repayment from cash above the buffer.
                double repaymentBuffer = bufferQuarters * variableCost;
                if (cash > repaymentBuffer && debt > 0)
                {
                    double repay = Math.Min(repayment * debt, cash - repaymentBuffer);
                    cash -= repay;
                    debt -= repay;
                }
                cashOf[i] = cash;
                debts[i] = debt;

                // Zombie bookkeeping: alive with negative equity.
                double equity = capitalBook + inventory * unitCost + cash - debt;
                negativeEquityQuarters[i] = (short)(equity < 0 ? Math.Min(negativeEquityQuarters[i] + 1, short.MaxValue) : 0);
                if (ages[i] < short.MaxValue) ages[i]++;
                if (cash < 0) distressedSlots[distressed++] = i;

                bool strategic = strategicIndustry[s];
                // Accumulators through one reference per group: no index arithmetic or bounds check per term,
                // and the same additions in the same order as indexing.
                ref double pf = ref flows[p * PfCount];
                Unsafe.Add(ref pf, PfRevenue) += revenue;
                Unsafe.Add(ref pf, PfExportRevenue) += revenue * exportShare[s];
                Unsafe.Add(ref pf, PfWages) += wageBill;
                Unsafe.Add(ref pf, PfEmployment) += employment;
                Unsafe.Add(ref pf, PfImportedMaterials) += materials * importShare;
                Unsafe.Add(ref pf, PfDomesticMaterials) += materials * (1 - importShare);
                Unsafe.Add(ref pf, PfInventoryInvestment) += (output - sales) * unitCost;
                Unsafe.Add(ref pf, PfVat) += vat;
                Unsafe.Add(ref pf, PfInterest) += interest;
                Unsafe.Add(ref pf, PfProductionSubsidy) += productionSubsidy;
                Unsafe.Add(ref pf, PfDirectedDiscount) += discount;
                Unsafe.Add(ref pf, PfDirectedDebt) += soft ? debts[i] : 0;
                Unsafe.Add(ref pf, PfDirectedLoans) += soft ? loan : 0;
                Unsafe.Add(ref pf, PfPrivateLoans) += soft ? 0 : loan;
                Unsafe.Add(ref pf, PfCapexSubsidyLocal) += strategic ? subsidy * (1 - cofunding) : subsidy;
                Unsafe.Add(ref pf, PfCapexSubsidyCentral) += strategic ? subsidy * cofunding : 0;
                Unsafe.Add(ref pf, PfCapex) += capex;
                Unsafe.Add(ref pf, PfCapexToConstruction) += capex * (1 - landShare);
                Unsafe.Add(ref pf, PfLand) += capex * landShare;
                Unsafe.Add(ref pf, PfDividends) += dividends;
                Unsafe.Add(ref pf, PfProfit) += profit;
                Unsafe.Add(ref pf, PfRealValueAdded) += output * valueAddedPerUnit[s];
                ref double ia = ref industryFlows[s * IaCount];
                Unsafe.Add(ref ia, IaOutput) += output;
                Unsafe.Add(ref ia, IaSales) += sales;
                Unsafe.Add(ref ia, IaRevenue) += revenue;
                Unsafe.Add(ref ia, IaProfit) += profit;
                Unsafe.Add(ref ia, IaEmployment) += employment;
                Unsafe.Add(ref ia, IaCapacityOrdered) += capex / capitalUnit;
                Unsafe.Add(ref ia, IaGrowthDeviation) += (phi0 + deviation) * capitalBook;
                Unsafe.Add(ref ia, IaCapital) += capitalBook;
                cells[cell] += 1;
                ref double cf = ref cellFlows[cell * CfCount];
                Unsafe.Add(ref cf, CfRevenue) += revenue;
                Unsafe.Add(ref cf, CfProfit) += profit;
                Unsafe.Add(ref cf, CfEmployment) += employment;
            }
            k.DistressedCount[chunk] = distressed;
        }
    }

    /// <summary>End of quarter: stocks and counts per province and industry (after exits and entry).</summary>
    private sealed class Observation(FirmKernels k) : IChunkBody
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int chunk)
        {
            var sim = k._sim;
            var f = sim.Firms;
            var par = sim.Industry;
            var ind = sim.Industries;
            int S = par.Count, P = sim.Provinces.Count;
            int zombieQuarters = sim.Config.EntryExit.ZombieQuarters;
            var (start, end) = Chunking.Range(chunk, f.Count, k._chunkSize);
            var stocks = k.ProvinceStocks.AsSpan(chunk * P * PoCount, P * PoCount);
            stocks.Clear();
            var industry = k.IndustryStocks.AsSpan(chunk * S * IoCount, S * IoCount);
            industry.Clear();
            // Per-industry terms once per chunk, with the same operations as the per-firm expressions they replace.
            Span<double> unitCostBase = stackalloc double[S];   // unit cost * cost index
            Span<double> labourWage = stackalloc double[S];     // reference wage bill per unit of output
            for (int s = 0; s < S; s++)
            {
                unitCostBase[s] = par.UnitCost[s] * ind.CostIndex[s];
                labourWage[s] = par.LabourPerUnit[s] * ind.CostIndex[s] * par.Wage[s];
            }
            var wageIndex = sim.Provinces.WageIndex;
            for (int i = start; i < end; i++)
            {
                if (f.Alive[i] == 0) continue;
                int s = f.Industry[i], p = f.Province[i];
                double zombie = f.NegativeEquityQuarters[i] >= zombieQuarters ? 1 : 0;
                int o = p * PoCount;
                stocks[o + PoCash] += f.Cash[i];
                stocks[o + PoDebt] += f.Debt[i];
                stocks[o + PoFirms] += 1;
                stocks[o + PoZombies] += zombie;
                int io = s * IoCount;
                industry[io + IoCapacity] += f.Capacity[i];
                industry[io + IoInventory] += f.Inventory[i];
                industry[io + IoMarkup] += f.Markup[i];
                industry[io + IoFirms] += 1;
                industry[io + IoZombies] += zombie;
                industry[io + IoProfitRate] += f.SmoothedProfitRate[i];
                industry[io + IoUnitCost] += UnitCost(unitCostBase[s], f.CostFactor[i], wageIndex[p * S + s], labourWage[s]);
                industry[io + IoCapitalBook] += f.Capacity[i] * par.CapitalPerUnit[s] * ind.CapitalCostIndex[s];
            }
        }
    }
}
