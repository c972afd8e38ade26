using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AgentSim.Core.Simd;
using static AgentSim.Model.Kernels.LaneBlock;

namespace AgentSim.Model.Kernels;

/// <summary>
/// The arithmetic of phase 6 (second market pass), 7 (accounts) and 8 (investment and financing) for a block of
/// firms, written once over <see cref="ILanes{TSelf}"/> so that it runs on 8, 4, 2 or 1 firms at a time with the same
/// bits: branches are masks and selects. It writes the firms' new state and, per firm, the flows that
/// <c>FirmKernels</c> then adds to its partial sums in slot order (scalar, so sums keep their order and the result its
/// bits). Instantiated with <see cref="Lanes1"/> it is the scalar twin the tests hold the vector widths to.
/// A block runs in three short passes over aligned scratch rows (<see cref="AlignedRows"/>): the cells' terms turned
/// into columns per firm, then the market and accounts, then memories, investment and financing. One long loop held
/// more values than there are vector registers, and its spills to the stack cost more than the arithmetic.
/// </summary>
internal static class AccountsLanes
{
    // Cell table columns: one row of CellStride doubles per (province, industry) cell.
    internal const int CUnitCostBase = 0, CLabourWage = 1, CLabourPerOutput = 2, CWage = 3, CCapitalPerUnit = 4,
        CDepreciation = 5, CGrowthBase = 6, CMaxGrowthRate = 7, CLeftoverPerWeight = 8, CWageIndex = 9,
        CProductionSubsidy = 10, CSubsidyRate = 11, CCreditEasing = 12, CRationing = 13, CStrategic = 14, CExportShare = 15,
        CValueAddedPerUnit = 16, CellStride = 20;

    // Scratch rows of a block, BlockSize doubles each: the cells' columns (rows 0-19, as CellStride), values passed
    // between passes, then each firm's contribution to its province's, industry's and cell's partial sums, laid out
    // as FirmKernels' Pf*, Ia* and Cf* quantities (so that four consecutive rows transpose into one table entry group).
    internal const int IUnitCost = 20, IVariableCost = 21, ICash = 22, ISoft = 23, IEquity = 24, ISoldOut = 25, IPipelineAddition = 26;
    internal const int ProvinceRows = 28, ProvinceStride = 24, IndustryRows = ProvinceRows + ProvinceStride, IndustryStride = 8,
        CellRows = IndustryRows + IndustryStride, CellSumStride = 4, CellCountRow = CellRows + FirmKernels.CfCount, RowCount = CellRows + CellSumStride;


    /// <summary>Behavioural constants of the pass (MODEL.md 7-9), the same for every firm.</summary>
    internal sealed class Constants
    {
        public double VatRate, LoanRate, Payout, Smoothing, Phi0, Phi1, Phi2, Phi3, Phi4, TargetUtilisation,
            LeverageLimit, Repayment, BufferQuarters, TargetSubsidy, DirectedDiscount, Cofunding, ImportShare, LandShare;
        public bool SoftBudget;
    }

    /// <summary>What one block reads and writes: firm arrays (indexed by slot), the cell table and the outputs.</summary>
    internal sealed class Block
    {
        public byte[] Alive = [], StateOwned = [];
        public double[] Output = [], Inventory = [], Sales = [], Weight = [], CostFactor = [], Price = [], Debt = [],
            Cash = [], Capacity = [], Profit = [], SmoothedUtilisation = [], SmoothedProfitRate = [];
        public double[] Cells = [];
        /// <summary>Per firm slot: its (province, industry) cell, or the spare cell P * S for a dead slot.</summary>
        public int[] CellOf = [];
        /// <summary>Per cell (spare included): its row's offset in <see cref="Cells"/>, and its entries in the sums below.</summary>
        public int[] ColumnOffset = [], ProvinceEntry = [], IndustryEntry = [], CellEntry = [];
        /// <summary>Scratch and outputs: row r, firm slot - start.</summary>
        public AlignedRows Rows = new(RowCount, RowStride);
        /// <summary>Partial sums of a chunk: per province (ProvinceStride), industry (IndustryStride) and cell (CellSumStride).</summary>
        public AlignedRows ProvinceSums = new(1, 8), IndustrySums = new(1, 8), CellSums = new(1, 8);

        /// <summary>Sizes the partial sums for P provinces and S industries (plus one spare entry each) and clears them.</summary>
        public void ClearSums(int provinces, int industries)
        {
            ProvinceSums = ClearedSums(ProvinceSums, (provinces + 1) * ProvinceStride);
            IndustrySums = ClearedSums(IndustrySums, (industries + 1) * IndustryStride);
            CellSums = ClearedSums(CellSums, (provinces * industries + 1) * CellSumStride);
        }
    }

    /// <summary>Runs the block [start, end) (at most BlockSize firms) at the given lanes, the tail one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run(Block b, Constants c, int start, int end, int width)
    {
        Check(b, start, end);
        int i = width == 8 ? Columns<Lanes8>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end) : width == 4 ? Columns<Lanes4>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end) : width == 2 ? Columns<Lanes2>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end) : start;
        Columns<Lanes1>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, i, end);
        i = width == 8 ? Accounts<Lanes8>(b, c, start, start, end) : width == 4 ? Accounts<Lanes4>(b, c, start, start, end) : width == 2 ? Accounts<Lanes2>(b, c, start, start, end) : start;
        Accounts<Lanes1>(b, c, start, i, end);
        i = width == 8 ? Investment<Lanes8>(b, c, start, start, end) : width == 4 ? Investment<Lanes4>(b, c, start, start, end) : width == 2 ? Investment<Lanes2>(b, c, start, start, end) : start;
        Investment<Lanes1>(b, c, start, i, end);
        i = width == 8 ? Accumulate<Lanes8>(b, start, start, end) : width == 4 ? Accumulate<Lanes4>(b, start, start, end) : width == 2 ? Accumulate<Lanes2>(b, start, start, end) : start;
        Accumulate<Lanes1>(b, start, i, end);
    }

    /// <summary>All three passes at lanes T from start (then one by one to end): the scalar twin when T is Lanes1.</summary>
    internal static void Run<T>(Block b, Constants c, int start, int end) where T : struct, ILanes<T>
    {
        Check(b, start, end);
        Columns<Lanes1>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, Columns<T>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end), end);
        Accounts<Lanes1>(b, c, start, Accounts<T>(b, c, start, start, end), end);
        Investment<Lanes1>(b, c, start, Investment<T>(b, c, start, start, end), end);
        Accumulate<Lanes1>(b, start, Accumulate<T>(b, start, start, end), end);
    }

    /// <summary>The passes read and write through unchecked references: every array's length is checked once here.</summary>
    private static void Check(Block b, int start, int end)
    {
        int slots = Math.Min(Math.Min(Math.Min(b.Alive.Length, b.StateOwned.Length), Math.Min(b.Output.Length, b.Inventory.Length)),
            Math.Min(Math.Min(Math.Min(b.Sales.Length, b.Weight.Length), Math.Min(b.CostFactor.Length, b.Price.Length)),
            Math.Min(Math.Min(Math.Min(b.Debt.Length, b.Cash.Length), Math.Min(b.Capacity.Length, b.Profit.Length)),
            Math.Min(b.SmoothedUtilisation.Length, b.SmoothedProfitRate.Length))));
        if (start < 0 || end < start || end > slots || end > b.CellOf.Length || end - start > BlockSize || b.Cells.Length < CellStride)
            throw new ArgumentOutOfRangeException(nameof(end), "a block must lie inside the firm arrays and span at most BlockSize firms");
        // Cells and their offsets are the caller's (FirmKernels computes them from validated province and industry
        // indices); checking each firm's here cost as much as a pass, so they are checked in debug builds only.
        AssertCells(b, start, end);
    }

    [Conditional("DEBUG")]
    private static void AssertCells(Block b, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            int cell = b.CellOf[i];
            Debug.Assert((uint)cell < (uint)b.ColumnOffset.Length && b.ColumnOffset.Length <= b.ProvinceEntry.Length
                && b.ColumnOffset.Length <= b.IndustryEntry.Length && b.ColumnOffset.Length <= b.CellEntry.Length, "a cell lies outside the tables");
            Debug.Assert((uint)b.ColumnOffset[cell] <= (uint)(b.Cells.Length - CellStride)
                && (uint)b.ProvinceEntry[cell] <= (uint)(b.ProvinceSums.RowLength - ProvinceStride)
                && (uint)b.IndustryEntry[cell] <= (uint)(b.IndustrySums.RowLength - IndustryStride)
                && (uint)b.CellEntry[cell] <= (uint)(b.CellSums.RowLength - CellSumStride), "an offset lies outside its table");
        }
    }

    /// <summary>Pass 4: each firm's contributions added to its province's, industry's and cell's sums, in slot order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Accumulate<T>(Block b, int origin, int start, int end) where T : struct, ILanes<T>
    {
        ref double r = ref b.Rows.Row(0);
        ref double provinces = ref b.ProvinceSums.Row(0);
        ref double industries = ref b.IndustrySums.Row(0);
        ref double cells = ref b.CellSums.Row(0);
        ref int cellOf = ref MemoryMarshal.GetArrayDataReference(b.CellOf);
        ref int provinceEntry = ref MemoryMarshal.GetArrayDataReference(b.ProvinceEntry);
        ref int industryEntry = ref MemoryMarshal.GetArrayDataReference(b.IndustryEntry);
        ref int cellEntry = ref MemoryMarshal.GetArrayDataReference(b.CellEntry);
        int i = start;
        for (; i + T.Count <= end; i += T.Count)
        {
            int j = i - origin;
            T.AccumulateRows(ref Row(ref r, ProvinceRows, j), RowStride, ProvinceStride / 4, ref provinces, ref Unsafe.Add(ref cellOf, i), ref provinceEntry);
            T.AccumulateRows(ref Row(ref r, IndustryRows, j), RowStride, IndustryStride / 4, ref industries, ref Unsafe.Add(ref cellOf, i), ref industryEntry);
            T.AccumulateRows(ref Row(ref r, CellRows, j), RowStride, CellSumStride / 4, ref cells, ref Unsafe.Add(ref cellOf, i), ref cellEntry);
        }
        return i;
    }


    /// <summary>Pass 2: the second market pass and the accounts (sales, costs, taxes, interest, profit, dividends).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Accounts<T>(Block b, Constants c, int origin, int start, int end) where T : struct, ILanes<T>
    {
        ref byte alive = ref MemoryMarshal.GetArrayDataReference(b.Alive);
        ref byte stateOwned = ref MemoryMarshal.GetArrayDataReference(b.StateOwned);
        ref double outputs = ref MemoryMarshal.GetArrayDataReference(b.Output);
        ref double inventories = ref MemoryMarshal.GetArrayDataReference(b.Inventory);
        ref double salesOf = ref MemoryMarshal.GetArrayDataReference(b.Sales);
        ref double weights = ref MemoryMarshal.GetArrayDataReference(b.Weight);
        ref double costFactors = ref MemoryMarshal.GetArrayDataReference(b.CostFactor);
        ref double prices = ref MemoryMarshal.GetArrayDataReference(b.Price);
        ref double debts = ref MemoryMarshal.GetArrayDataReference(b.Debt);
        ref double cashOf = ref MemoryMarshal.GetArrayDataReference(b.Cash);
        ref double capacities = ref MemoryMarshal.GetArrayDataReference(b.Capacity);
        ref double profits = ref MemoryMarshal.GetArrayDataReference(b.Profit);
        ref double r = ref b.Rows.Row(0);

        var zero = T.Create(0);
        var one = T.Create(1);
        var soldOutShare = T.Create(1 - 1e-12);
        var vatRate = T.Create(c.VatRate);
        var loanRate = T.Create(c.LoanRate);
        var payout = T.Create(c.Payout);
        var targetSubsidy = T.Create(c.TargetSubsidy);
        var directedDiscount = T.Create(c.DirectedDiscount);
        var importShare = T.Create(c.ImportShare);
        var domesticShare = T.Create(1 - c.ImportShare);
        bool softBudget = c.SoftBudget;

        int i = start;
        for (; i + T.Count <= end; i += T.Count)
        {
            int j = i - origin;
            var isAlive = T.NonZero(ref Unsafe.Add(ref alive, i));

            // Second market pass: unmet demand goes to firms with stock left.
            var output = T.Load(ref Unsafe.Add(ref outputs, i));
            var inventory0 = T.Load(ref Unsafe.Add(ref inventories, i));
            var sales0 = T.Load(ref Unsafe.Add(ref salesOf, i));
            var available = output + inventory0;
            var extra = T.Min(available - sales0, T.Load(ref Unsafe.Add(ref weights, i)) * T.Load(ref Row(ref r, CLeftoverPerWeight, j)));
            var sales = T.Select(T.GreaterThan(extra, zero), sales0 + extra, sales0);
            T.Store(T.GreaterThanOrEqual(sales, available * soldOutShare), ref Row(ref r, ISoldOut, j));
            T.Store(output, ref Row(ref r, IndustryRows + FirmKernels.IaOutput, j));
            T.Store(sales, ref Row(ref r, IndustryRows + FirmKernels.IaSales, j));
            T.Store(one, ref Row(ref r, CellCountRow, j));
            T.Store(output * T.Load(ref Row(ref r, CValueAddedPerUnit, j)), ref Row(ref r, ProvinceRows + FirmKernels.PfRealValueAdded, j));
            var inventory = available - sales;
            T.Store(T.Select(isAlive, sales, sales0), ref Unsafe.Add(ref salesOf, i));
            T.Store(T.Select(isAlive, inventory, inventory0), ref Unsafe.Add(ref inventories, i));

            // Accounts.
            var wageIndex = T.Load(ref Row(ref r, CWageIndex, j));
            var unitCost = UnitCost(T.Load(ref Row(ref r, CUnitCostBase, j)), T.Load(ref Unsafe.Add(ref costFactors, i)), wageIndex,
                T.Load(ref Row(ref r, CLabourWage, j)));
            T.Store(unitCost, ref Row(ref r, IUnitCost, j));
            var employment = T.Load(ref Row(ref r, CLabourPerOutput, j)) * output;
            T.Store(employment, ref Row(ref r, ProvinceRows + FirmKernels.PfEmployment, j));
            T.Store(employment, ref Row(ref r, IndustryRows + FirmKernels.IaEmployment, j));
            T.Store(employment, ref Row(ref r, CellRows + FirmKernels.CfEmployment, j));
            var variableCost = unitCost * output;
            T.Store(variableCost, ref Row(ref r, IVariableCost, j));
            var wageBill = T.Min(employment * T.Load(ref Row(ref r, CWage, j)) * wageIndex, variableCost);
            T.Store(wageBill, ref Row(ref r, ProvinceRows + FirmKernels.PfWages, j));
            var materials = variableCost - wageBill;
            T.Store(materials * importShare, ref Row(ref r, ProvinceRows + FirmKernels.PfImportedMaterials, j));
            T.Store(materials * domesticShare, ref Row(ref r, ProvinceRows + FirmKernels.PfDomesticMaterials, j));
            T.Store((output - sales) * unitCost, ref Row(ref r, ProvinceRows + FirmKernels.PfInventoryInvestment, j));
            var revenue = T.Load(ref Unsafe.Add(ref prices, i)) * sales;
            T.Store(revenue, ref Row(ref r, ProvinceRows + FirmKernels.PfRevenue, j));
            T.Store(revenue * T.Load(ref Row(ref r, CExportShare, j)), ref Row(ref r, ProvinceRows + FirmKernels.PfExportRevenue, j));
            T.Store(revenue, ref Row(ref r, IndustryRows + FirmKernels.IaRevenue, j));
            T.Store(revenue, ref Row(ref r, CellRows + FirmKernels.CfRevenue, j));
            var vat = vatRate * T.Max(zero, revenue - materials);
            T.Store(vat, ref Row(ref r, ProvinceRows + FirmKernels.PfVat, j));
            var productionSubsidy = T.Load(ref Row(ref r, CProductionSubsidy, j)) * revenue;
            T.Store(productionSubsidy, ref Row(ref r, ProvinceRows + FirmKernels.PfProductionSubsidy, j));
            // Directed credit reaches state-owned firms and the official's target industries (MODEL.md 9.1).
            var soft = softBudget
                ? T.Or(T.NonZero(ref Unsafe.Add(ref stateOwned, i)), T.GreaterThanOrEqual(T.Load(ref Row(ref r, CSubsidyRate, j)), targetSubsidy))
                : zero;
            T.Store(soft, ref Row(ref r, ISoft, j));
            var fullInterest = loanRate * T.Load(ref Unsafe.Add(ref debts, i));
            var discount = T.Select(soft, T.Load(ref Row(ref r, CCreditEasing, j)) * directedDiscount * fullInterest, zero);
            T.Store(discount, ref Row(ref r, ProvinceRows + FirmKernels.PfDirectedDiscount, j));
            var interest = fullInterest - discount;
            T.Store(interest, ref Row(ref r, ProvinceRows + FirmKernels.PfInterest, j));
            var capitalBook = T.Load(ref Unsafe.Add(ref capacities, i)) * T.Load(ref Row(ref r, CCapitalPerUnit, j));
            T.Store(capitalBook, ref Row(ref r, IndustryRows + FirmKernels.IaCapital, j));
            var depreciationCharge = T.Load(ref Row(ref r, CDepreciation, j)) * capitalBook;
            var profit = revenue - unitCost * sales - vat - interest + productionSubsidy - depreciationCharge;
            T.Store(T.Select(isAlive, profit, T.Load(ref Unsafe.Add(ref profits, i))), ref Unsafe.Add(ref profits, i));
            T.Store(profit, ref Row(ref r, ProvinceRows + FirmKernels.PfProfit, j));
            T.Store(profit, ref Row(ref r, IndustryRows + FirmKernels.IaProfit, j));
            T.Store(profit, ref Row(ref r, CellRows + FirmKernels.CfProfit, j));
            var cash = T.Load(ref Unsafe.Add(ref cashOf, i)) + revenue - wageBill - materials - vat - interest + productionSubsidy;
            var dividends = T.Select(T.And(T.GreaterThan(profit, zero), T.GreaterThan(cash, zero)), T.Min(cash, payout * profit), zero);
            T.Store(dividends, ref Row(ref r, ProvinceRows + FirmKernels.PfDividends, j));
            T.Store(cash - dividends, ref Row(ref r, ICash, j));
        }
        return i;
    }

    /// <summary>Pass 3: memories, investment (desired growth, financed by cash, then loans), repayment, equity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Investment<T>(Block b, Constants c, int origin, int start, int end) where T : struct, ILanes<T>
    {
        ref byte alive = ref MemoryMarshal.GetArrayDataReference(b.Alive);
        ref double outputs = ref MemoryMarshal.GetArrayDataReference(b.Output);
        ref double inventories = ref MemoryMarshal.GetArrayDataReference(b.Inventory);
        ref double debts = ref MemoryMarshal.GetArrayDataReference(b.Debt);
        ref double cashOf = ref MemoryMarshal.GetArrayDataReference(b.Cash);
        ref double capacities = ref MemoryMarshal.GetArrayDataReference(b.Capacity);
        ref double profits = ref MemoryMarshal.GetArrayDataReference(b.Profit);
        ref double smoothedUtilisation = ref MemoryMarshal.GetArrayDataReference(b.SmoothedUtilisation);
        ref double smoothedProfitRate = ref MemoryMarshal.GetArrayDataReference(b.SmoothedProfitRate);
        ref double r = ref b.Rows.Row(0);

        var zero = T.Create(0);
        var one = T.Create(1);
        var loanRate = T.Create(c.LoanRate);
        var smoothing = T.Create(c.Smoothing);
        var phi0 = T.Create(c.Phi0);
        var phi1 = T.Create(c.Phi1);
        var phi2 = T.Create(c.Phi2);
        var phi3 = T.Create(c.Phi3);
        var phi4 = T.Create(c.Phi4);
        var targetU = T.Create(c.TargetUtilisation);
        var leverageLimit = T.Create(c.LeverageLimit);
        var repayment = T.Create(c.Repayment);
        var bufferQuarters = T.Create(c.BufferQuarters);
        var cofunding = T.Create(c.Cofunding);
        var localShare = T.Create(1 - c.Cofunding);
        var landShare = T.Create(c.LandShare);
        var constructionShare = T.Create(1 - c.LandShare);

        int i = start;
        for (; i + T.Count <= end; i += T.Count)
        {
            int j = i - origin;
            var isAlive = T.NonZero(ref Unsafe.Add(ref alive, i));
            var soft = T.Load(ref Row(ref r, ISoft, j));
            var capacity = T.Load(ref Unsafe.Add(ref capacities, i));
            var capitalBook = T.Load(ref Row(ref r, IndustryRows + FirmKernels.IaCapital, j));
            var cash = T.Load(ref Row(ref r, ICash, j));

            // Memories used by investment.
            var utilisation = T.Select(T.GreaterThan(capacity, zero), T.Load(ref Unsafe.Add(ref outputs, i)) / capacity, targetU);
            var profitRate = T.Select(T.GreaterThan(capitalBook, zero), T.Load(ref Unsafe.Add(ref profits, i)) / capitalBook, loanRate);
            var smoothedU0 = T.Load(ref Unsafe.Add(ref smoothedUtilisation, i));
            var smoothedU = smoothedU0 + smoothing * (utilisation - smoothedU0);
            T.Store(T.Select(isAlive, smoothedU, smoothedU0), ref Unsafe.Add(ref smoothedUtilisation, i));
            var smoothedR0 = T.Load(ref Unsafe.Add(ref smoothedProfitRate, i));
            var smoothedR = smoothedR0 + smoothing * (profitRate - smoothedR0);
            T.Store(T.Select(isAlive, smoothedR, smoothedR0), ref Unsafe.Add(ref smoothedProfitRate, i));

            // Investment: desired growth, financed by cash, then loans (soft budgets ignore leverage; other firms'
            // loans are limited by leverage and, under a loan-to-deposit ceiling, rationed).
            var subsidyRate = T.Load(ref Row(ref r, CSubsidyRate, j));
            var creditTerm = T.Select(soft, phi4 * T.Load(ref Row(ref r, CCreditEasing, j)), zero);
            var deviation = phi1 * (smoothedU - targetU) + phi2 * (smoothedR - loanRate) + phi3 * subsidyRate + creditTerm;
            T.Store((phi0 + deviation) * capitalBook, ref Row(ref r, IndustryRows + FirmKernels.IaGrowthDeviation, j));
            var growth = T.Load(ref Row(ref r, CGrowthBase, j)) + deviation;
            growth = T.Select(T.LessThan(cash, zero), zero, Lanes.Clamp(growth, zero, T.Load(ref Row(ref r, CMaxGrowthRate, j))));
            var capex = growth * capitalBook;
            var invests = T.GreaterThan(capex, zero);
            var debt0 = T.Load(ref Unsafe.Add(ref debts, i));
            var debt = debt0;
            var loan = zero;
            var subsidy = zero;
            if (T.Any(invests))
            {
                var buffer = bufferQuarters * T.Load(ref Row(ref r, IVariableCost, j));
                var ownShare = one - subsidyRate;
                var netNeed = capex * ownShare;
                var fromCash = T.Min(T.Max(zero, cash - buffer), netNeed);
                var wanted = netNeed - fromCash;
                var maxDebt = leverageLimit * (capitalBook + capex);
                var overLimit = T.AndNot(T.GreaterThan(debt0 + wanted, maxDebt), soft);
                var allowed = T.Select(overLimit, T.Max(zero, maxDebt - debt0), wanted);
                var financed = T.Select(overLimit, (fromCash + allowed) / ownShare, capex);
                var served = T.Load(ref Row(ref r, CRationing, j));
                var rationed = T.AndNot(T.And(T.LessThan(served, one), T.GreaterThan(allowed, zero)), soft);
                allowed = T.Select(rationed, allowed * served, allowed);
                financed = T.Select(rationed, (fromCash + allowed) / ownShare, financed);
                capex = T.Select(invests, financed, capex);
                loan = T.Select(invests, allowed, zero);
                subsidy = T.Select(invests, subsidyRate * financed, zero);
                // loan + subsidy - capex = -fromCash by construction; subtracting it keeps exactly zero cash at zero.
                cash = T.Select(invests, cash - fromCash, cash);
                debt = T.Select(invests, debt0 + allowed, debt0);
            }
            T.Store(capex, ref Row(ref r, ProvinceRows + FirmKernels.PfCapex, j));
            T.Store(capex * constructionShare, ref Row(ref r, ProvinceRows + FirmKernels.PfCapexToConstruction, j));
            T.Store(capex * landShare, ref Row(ref r, ProvinceRows + FirmKernels.PfLand, j));
            var capacityOrdered = capex / T.Load(ref Row(ref r, CCapitalPerUnit, j));
            T.Store(capacityOrdered, ref Row(ref r, IndustryRows + FirmKernels.IaCapacityOrdered, j));
            // What the firm adds to its pipeline: the capacity ordered when it invests, else 0 (adding 0 leaves any
            // pipeline value as it was; pipelines never hold -0), so the caller adds without a branch.
            T.Store(T.Select(invests, capacityOrdered, zero), ref Row(ref r, IPipelineAddition, j));
            T.Store(T.Select(soft, loan, zero), ref Row(ref r, ProvinceRows + FirmKernels.PfDirectedLoans, j));
            T.Store(T.Select(soft, zero, loan), ref Row(ref r, ProvinceRows + FirmKernels.PfPrivateLoans, j));
            var strategic = T.Load(ref Row(ref r, CStrategic, j));
            T.Store(T.Select(strategic, subsidy * localShare, subsidy), ref Row(ref r, ProvinceRows + FirmKernels.PfCapexSubsidyLocal, j));
            T.Store(T.Select(strategic, subsidy * cofunding, zero), ref Row(ref r, ProvinceRows + FirmKernels.PfCapexSubsidyCentral, j));

            // Repayment from cash above the buffer.
            var repaymentBuffer = bufferQuarters * T.Load(ref Row(ref r, IVariableCost, j));
            var repays = T.And(T.GreaterThan(cash, repaymentBuffer), T.GreaterThan(debt, zero));
            var repay = T.Min(repayment * debt, cash - repaymentBuffer);
            cash = T.Select(repays, cash - repay, cash);
            debt = T.Select(repays, debt - repay, debt);
            T.Store(T.Select(soft, debt, zero), ref Row(ref r, ProvinceRows + FirmKernels.PfDirectedDebt, j));

            // Dead slots keep their state.
            T.Store(T.Select(isAlive, cash, T.Load(ref Unsafe.Add(ref cashOf, i))), ref Unsafe.Add(ref cashOf, i));
            T.Store(T.Select(isAlive, debt, debt0), ref Unsafe.Add(ref debts, i));
            var inventory = T.Load(ref Unsafe.Add(ref inventories, i));
            T.Store(capitalBook + inventory * T.Load(ref Row(ref r, IUnitCost, j)) + cash - debt, ref Row(ref r, IEquity, j));
        }
        return i;
    }

}
