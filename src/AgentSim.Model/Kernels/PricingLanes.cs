using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AgentSim.Core.Simd;
using static AgentSim.Model.Kernels.LaneBlock;

namespace AgentSim.Model.Kernels;

/// <summary>
/// The arithmetic of phases 2-4 (construction, expectations, production plan, markup and price) for a block of
/// firms, written once over <see cref="ILanes{TSelf}"/> (8, 4, 2 or 1 firms at a time, the same bits at each width).
/// A block (at most <see cref="BlockSize"/> firms) runs in two passes over aligned scratch rows: the cells' terms
/// turned into columns per firm, then the arithmetic. Capacity arriving from the pipeline is read from this quarter's
/// row of the pipeline, <see cref="Block.Arriving"/>); the market-weight inputs go to rows <see cref="RAvailable"/>,
/// <see cref="RRelative"/> and <see cref="RExponent"/> for the vectorised power that follows. Instantiated with
/// <see cref="Lanes1"/> it is the scalar twin.
/// </summary>
internal static class PricingLanes
{
    // Cell table columns: one row of CellStride doubles per (province, industry) cell.
    internal const int CKeep = 0, CUnitCostBase = 1, CLabourWage = 2, CWageIndex = 3, CProductionSubsidy = 4,
        CBailoutPropensity = 5, CMeanOutput = 6, CNormalisingPrice = 7, CWeightExponent = 8, CellStride = 12;

    // Scratch rows of a block, BlockSize doubles each: the cells' columns (rows 0-11), the capacity arriving, and the
    // market-weight inputs (dead slots: stock 0, relative price 1, exponent 0, so weight 0).
    internal const int RAvailable = 13, RRelative = 14, RExponent = 15;

    // Then each firm's contribution to its industry's sums (laid out as FirmKernels' Ip* quantities, the weight written
    // by the power after the pass) and to its province's net position at the start of the quarter.
    internal const int IndustryRows = 16, IndustryStride = 8, PositionRow = IndustryRows + IndustryStride, ProvinceStride = 4,
        RowCount = PositionRow + ProvinceStride;


    /// <summary>Behavioural constants of the pass (MODEL.md 3-4), the same for every firm.</summary>
    internal sealed class Constants
    {
        public double ExpectationSmoothing, TargetInventory, UtilisationFloor, MaxInventory, InventoryBand,
            PriceCutUtilisation, RaiseUtilisation, MarkupDown, MarkupUp, BelowCostFloor, MaxMarkup, BailoutThreshold;
        public bool ProductionFloors, SoftBudget;
    }

    /// <summary>What one block reads and writes: firm arrays (indexed by slot), the cell table and per-firm scratch.</summary>
    internal sealed class Block
    {
        public byte[] Alive = [], StateOwned = [], SoldOut = [];
        public double[] Cash = [], Capacity = [], ExpectedDemand = [], Sales = [], Inventory = [], Output = [],
            CostFactor = [], Markup = [], SmoothedUtilisation = [], Price = [];
        public double[] Cells = [];
        /// <summary>Per firm of the block (index slot - start): its cell's row offset in <see cref="Cells"/>.</summary>
        public int[] CellOf = [];
        /// <summary>Per cell (spare included): its row's offset in <see cref="Cells"/>, and its entries in the sums below.</summary>
        public int[] ColumnOffset = [], IndustryEntry = [], ProvinceEntry = [];
        /// <summary>Partial sums of a chunk: per industry (IndustryStride) and province (ProvinceStride).</summary>
        public AlignedRows IndustrySums = new(1, 8), ProvinceSums = new(1, 8);
        public double[] Debt = [];
        /// <summary>Capacity arriving this quarter: slot i's at Arriving[ArrivingOffset + i] (a row of the pipeline).</summary>
        public double[] Arriving = [];
        public int ArrivingOffset;

        /// <summary>Sizes the partial sums for P provinces and S industries (plus one spare entry each) and clears them.</summary>
        public void ClearSums(int provinces, int industries)
        {
            IndustrySums = ClearedSums(IndustrySums, (industries + 1) * IndustryStride);
            ProvinceSums = ClearedSums(ProvinceSums, (provinces + 1) * ProvinceStride);
        }
        /// <summary>Scratch: row r, firm slot - start.</summary>
        public AlignedRows Rows = new(RowCount, RowStride);
    }

    /// <summary>Runs the block [start, end) (at most BlockSize firms) at the given lanes, the tail one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run(Block b, Constants c, int start, int end, int width)
    {
        Check(b, start, end);
        int i = width == 8 ? Columns<Lanes8>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end) : width == 4 ? Columns<Lanes4>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end) : width == 2 ? Columns<Lanes2>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end) : start;
        Columns<Lanes1>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, i, end);
        i = width == 8 ? Pricing<Lanes8>(b, c, start, start, end) : width == 4 ? Pricing<Lanes4>(b, c, start, start, end) : width == 2 ? Pricing<Lanes2>(b, c, start, start, end) : start;
        Pricing<Lanes1>(b, c, start, i, end);
    }

    /// <summary>Both passes at lanes T from start (then one by one to end): the scalar twin when T is Lanes1.</summary>
    internal static void Run<T>(Block b, Constants c, int start, int end) where T : struct, ILanes<T>
    {
        Check(b, start, end);
        Columns<Lanes1>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, Columns<T>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end), end);
        Pricing<Lanes1>(b, c, start, Pricing<T>(b, c, start, start, end), end);
    }

    /// <summary>The passes read and write through unchecked references: every array's length is checked once here.</summary>
    private static void Check(Block b, int start, int end)
    {
        int slots = Math.Min(Math.Min(Math.Min(b.Alive.Length, b.StateOwned.Length), Math.Min(b.SoldOut.Length, b.Cash.Length)),
            Math.Min(Math.Min(Math.Min(b.Capacity.Length, b.ExpectedDemand.Length), Math.Min(b.Sales.Length, b.Inventory.Length)),
            Math.Min(Math.Min(Math.Min(b.Output.Length, b.CostFactor.Length), Math.Min(b.Markup.Length, b.SmoothedUtilisation.Length)),
            Math.Min(b.Price.Length, b.Debt.Length))));
        if (start < 0 || end < start || end > slots || end > b.CellOf.Length || end - start > BlockSize || b.Cells.Length < CellStride
            || b.ArrivingOffset < 0 || (long)b.ArrivingOffset + end > b.Arriving.Length)
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
            Debug.Assert((uint)cell < (uint)b.ColumnOffset.Length && b.ColumnOffset.Length <= b.IndustryEntry.Length
                && b.ColumnOffset.Length <= b.ProvinceEntry.Length, "a cell lies outside the tables");
            Debug.Assert((uint)b.ColumnOffset[cell] <= (uint)(b.Cells.Length - CellStride)
                && (uint)b.IndustryEntry[cell] <= (uint)(b.IndustrySums.RowLength - IndustryStride)
                && (uint)b.ProvinceEntry[cell] <= (uint)(b.ProvinceSums.RowLength - ProvinceStride), "an offset lies outside its table");
        }
    }

    /// <summary>
    /// Pass 3, after the market weights are in their row: each firm's contributions added to its industry's and
    /// province's sums, in slot order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Accumulate(Block b, int start, int end, int width)
    {
        Check(b, start, end);
        int i = width == 8 ? Accumulate<Lanes8>(b, start, start, end) : width == 4 ? Accumulate<Lanes4>(b, start, start, end) : width == 2 ? Accumulate<Lanes2>(b, start, start, end) : start;
        Accumulate<Lanes1>(b, start, i, end);
    }

    /// <summary>Pass 3 at lanes T from start, then one by one to end (the scalar twin when T is Lanes1).</summary>
    internal static void Accumulate<T>(Block b, int start, int end) where T : struct, ILanes<T>
    {
        Check(b, start, end);
        Accumulate<Lanes1>(b, start, Accumulate<T>(b, start, start, end), end);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Accumulate<T>(Block b, int origin, int start, int end) where T : struct, ILanes<T>
    {
        ref double r = ref b.Rows.Row(0);
        ref double industries = ref b.IndustrySums.Row(0);
        ref double provinces = ref b.ProvinceSums.Row(0);
        ref int cellOf = ref MemoryMarshal.GetArrayDataReference(b.CellOf);
        ref int industryEntry = ref MemoryMarshal.GetArrayDataReference(b.IndustryEntry);
        ref int provinceEntry = ref MemoryMarshal.GetArrayDataReference(b.ProvinceEntry);
        int i = start;
        for (; i + T.Count <= end; i += T.Count)
        {
            int j = i - origin;
            T.AccumulateRows(ref Row(ref r, IndustryRows, j), RowStride, IndustryStride / 4, ref industries, ref Unsafe.Add(ref cellOf, i), ref industryEntry);
            T.AccumulateRows(ref Row(ref r, PositionRow, j), RowStride, ProvinceStride / 4, ref provinces, ref Unsafe.Add(ref cellOf, i), ref provinceEntry);
        }
        return i;
    }


    /// <summary>Pass 2: construction, expectations, production plan, markup and price, market-weight inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Pricing<T>(Block b, Constants c, int origin, int start, int end) where T : struct, ILanes<T>
    {
        ref byte alive = ref MemoryMarshal.GetArrayDataReference(b.Alive);
        ref byte stateOwned = ref MemoryMarshal.GetArrayDataReference(b.StateOwned);
        ref byte soldOut = ref MemoryMarshal.GetArrayDataReference(b.SoldOut);
        ref double cashOf = ref MemoryMarshal.GetArrayDataReference(b.Cash);
        ref double capacities = ref MemoryMarshal.GetArrayDataReference(b.Capacity);
        ref double expectedDemand = ref MemoryMarshal.GetArrayDataReference(b.ExpectedDemand);
        ref double salesOf = ref MemoryMarshal.GetArrayDataReference(b.Sales);
        ref double inventories = ref MemoryMarshal.GetArrayDataReference(b.Inventory);
        ref double outputs = ref MemoryMarshal.GetArrayDataReference(b.Output);
        ref double costFactors = ref MemoryMarshal.GetArrayDataReference(b.CostFactor);
        ref double markups = ref MemoryMarshal.GetArrayDataReference(b.Markup);
        ref double smoothedUtilisation = ref MemoryMarshal.GetArrayDataReference(b.SmoothedUtilisation);
        ref double prices = ref MemoryMarshal.GetArrayDataReference(b.Price);
        ref double debts = ref MemoryMarshal.GetArrayDataReference(b.Debt);
        ref double arriving = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(b.Arriving), b.ArrivingOffset);
        ref double r = ref b.Rows.Row(0);

        var zero = T.Create(0);
        var one = T.Create(1);
        var beta = T.Create(c.ExpectationSmoothing);
        var targetInventory = T.Create(c.TargetInventory);
        var planFactor = T.Create(1 + c.TargetInventory);
        var floor = T.Create(c.UtilisationFloor);
        var maxInventory = T.Create(c.MaxInventory);
        var upperBand = T.Create(1 + c.InventoryBand);
        var lowerBand = T.Create(1 - c.InventoryBand);
        var priceCutUtilisation = T.Create(c.PriceCutUtilisation);
        var raiseUtilisation = T.Create(c.RaiseUtilisation);
        var markupDown = T.Create(c.MarkupDown);
        var markupUp = T.Create(c.MarkupUp);
        var twiceBelowCost = T.Create(2 * c.BelowCostFloor);
        var belowCostFloor = T.Create(-c.BelowCostFloor);
        var maxMarkup = T.Create(c.MaxMarkup);
        var bailoutThreshold = T.Create(c.BailoutThreshold);
        bool floors = c.ProductionFloors, softBudget = c.SoftBudget;

        int i = start;
        for (; i + T.Count <= end; i += T.Count)
        {
            int j = i - origin;
            var isAlive = T.NonZero(ref Unsafe.Add(ref alive, i));
            var isStateOwned = T.NonZero(ref Unsafe.Add(ref stateOwned, i));

            // Construction: capacity whose build lag has elapsed comes on line; depreciation.
            var capacity0 = T.Load(ref Unsafe.Add(ref capacities, i));
            var capacity = (capacity0 + T.Load(ref Unsafe.Add(ref arriving, i))) * T.Load(ref Row(ref r, CKeep, j));

            // Production plan with adaptive expectations (frozen while a firm has no capacity yet).
            var expected0 = T.Load(ref Unsafe.Add(ref expectedDemand, i));
            var lastSales = T.Load(ref Unsafe.Add(ref salesOf, i));
            var expected = T.Select(T.GreaterThan(capacity, zero), expected0 + beta * (lastSales - expected0), expected0);
            var inventory = T.Load(ref Unsafe.Add(ref inventories, i));
            var lastOutput = T.Load(ref Unsafe.Add(ref outputs, i));
            var planned = expected * planFactor - inventory;
            var minimum = zero;
            if (floors)
            {
                var employmentPressure = T.Or(isStateOwned, T.GreaterThan(T.Load(ref Row(ref r, CProductionSubsidy, j)), zero));
                var floored = T.And(employmentPressure, T.LessThan(inventory, maxInventory * expected));
                minimum = T.Select(floored, floor * capacity, zero);
            }
            var output = Lanes.Clamp(planned, minimum, capacity);
            output = T.Select(T.LessThan(output, zero), zero, output);

            // Markup adapts to inventories; below-cost pricing needs a soft budget or deep cash.
            var unitCost = UnitCost(T.Load(ref Row(ref r, CUnitCostBase, j)), T.Load(ref Unsafe.Add(ref costFactors, i)),
                T.Load(ref Row(ref r, CWageIndex, j)), T.Load(ref Row(ref r, CLabourWage, j)));
            var markup0 = T.Load(ref Unsafe.Add(ref markups, i));
            var target = targetInventory * expected;
            var smoothedU = T.Load(ref Unsafe.Add(ref smoothedUtilisation, i));
            var cut = T.Or(T.GreaterThan(inventory, upperBand * target), T.LessThan(smoothedU, priceCutUtilisation));
            var raise = T.AndNot(
                T.And(T.Or(T.NonZero(ref Unsafe.Add(ref soldOut, i)), T.LessThan(inventory, lowerBand * target)), T.GreaterThanOrEqual(smoothedU, raiseUtilisation)),
                cut);
            var markup = T.Select(cut, markup0 - markupDown, T.Select(raise, markup0 + markupUp, markup0));
            var meanOutput = T.Load(ref Row(ref r, CMeanOutput, j));
            var weightOfJobs = T.Select(T.GreaterThan(meanOutput, zero), lastOutput / meanOutput, one);
            var expectsBailout = softBudget
                ? T.Or(isStateOwned, T.GreaterThan(T.Load(ref Row(ref r, CBailoutPropensity, j)) * weightOfJobs, bailoutThreshold))
                : zero;
            var deepCash = T.GreaterThan(T.Load(ref Unsafe.Add(ref cashOf, i)), twiceBelowCost * unitCost * output);
            var markupFloor = T.Select(T.Or(expectsBailout, deepCash), belowCostFloor, zero);
            markup = Lanes.Clamp(markup, markupFloor, maxMarkup);
            var price = (one + markup) * unitCost;

            // Dead slots keep their state and get weight 0: factor (available stock) 0, base 1.
            T.Store(T.Select(isAlive, capacity, capacity0), ref Unsafe.Add(ref capacities, i));
            T.Store(T.Select(isAlive, expected, expected0), ref Unsafe.Add(ref expectedDemand, i));
            T.Store(T.Select(isAlive, output, lastOutput), ref Unsafe.Add(ref outputs, i));
            T.Store(T.Select(isAlive, markup, markup0), ref Unsafe.Add(ref markups, i));
            T.Store(T.Select(isAlive, price, T.Load(ref Unsafe.Add(ref prices, i))), ref Unsafe.Add(ref prices, i));
            var available = T.Select(isAlive, output + inventory, zero);
            T.Store(available, ref Row(ref r, RAvailable, j));
            T.Store(price * lastSales, ref Row(ref r, IndustryRows + FirmKernels.IpPriceTimesLastSales, j));
            T.Store(lastSales, ref Row(ref r, IndustryRows + FirmKernels.IpLastSales, j));
            T.Store(available, ref Row(ref r, IndustryRows + FirmKernels.IpAvailable, j));
            T.Store(price * available, ref Row(ref r, IndustryRows + FirmKernels.IpPriceTimesAvailable, j));
            T.Store(T.Load(ref Unsafe.Add(ref cashOf, i)) - T.Load(ref Unsafe.Add(ref debts, i)), ref Row(ref r, PositionRow, j));
            T.Store(T.Select(isAlive, price / T.Load(ref Row(ref r, CNormalisingPrice, j)), one), ref Row(ref r, RRelative, j));
            T.Store(T.Select(isAlive, T.Load(ref Row(ref r, CWeightExponent, j)), zero), ref Row(ref r, RExponent, j));
        }
        return i;
    }

}
