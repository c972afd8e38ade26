using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AgentSim.Core.Simd;
using static AgentSim.Model.Kernels.LaneBlock;

namespace AgentSim.Model.Kernels;

/// <summary>
/// The end-of-quarter stocks (after exits and entry) for a block of firms, over <see cref="ILanes{TSelf}"/> as the
/// other lane kernels: the cells' terms turned into columns, each firm's contributions computed into scratch rows
/// (laid out as FirmKernels' Po* and Io* quantities), then added to the province and industry sums in slot order.
/// </summary>
internal static class ObservationLanes
{
    // Cell table columns: one row of CellStride doubles per (province, industry) cell.
    internal const int CUnitCostBase = 0, CWageIndex = 1, CLabourWage = 2, CCapitalPerUnit = 3, CCapitalCostIndex = 4, CellStride = 8;

    // Scratch rows: the columns (0-7), the zombie flag set by the caller, then the province and industry contributions.
    internal const int RZombie = 8, ProvinceRows = 12, ProvinceStride = 4, IndustryRows = ProvinceRows + ProvinceStride,
        IndustryStride = 8, RowCount = IndustryRows + IndustryStride;


    /// <summary>What one block reads and writes.</summary>
    internal sealed class Block
    {
        public double[] Cash = [], Debt = [], Capacity = [], Inventory = [], Markup = [], SmoothedProfitRate = [], CostFactor = [];
        public double[] Cells = [];
        /// <summary>Per firm slot: its cell, or the spare cell P * S for a dead slot.</summary>
        public int[] CellOf = [];
        /// <summary>Per cell (spare included): its row's offset in <see cref="Cells"/>, and its entries in the sums.</summary>
        public int[] ColumnOffset = [], ProvinceEntry = [], IndustryEntry = [];
        public AlignedRows Rows = new(RowCount, RowStride);
        public AlignedRows ProvinceSums = new(1, 8), IndustrySums = new(1, 8);

        /// <summary>Sizes the sums for P provinces and S industries (plus one spare entry each) and clears them.</summary>
        public void ClearSums(int provinces, int industries)
        {
            ProvinceSums = ClearedSums(ProvinceSums, (provinces + 1) * ProvinceStride);
            IndustrySums = ClearedSums(IndustrySums, (industries + 1) * IndustryStride);
        }
    }

    /// <summary>Runs the block [start, end) at the given lanes, the tail one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run(Block b, int start, int end, int width)
    {
        Check(b, start, end);
        int i = width == 8 ? Columns<Lanes8>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end) : width == 4 ? Columns<Lanes4>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end) : width == 2 ? Columns<Lanes2>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end) : start;
        Columns<Lanes1>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, i, end);
        i = width == 8 ? Stocks<Lanes8>(b, start, start, end) : width == 4 ? Stocks<Lanes4>(b, start, start, end) : width == 2 ? Stocks<Lanes2>(b, start, start, end) : start;
        Stocks<Lanes1>(b, start, i, end);
    }

    /// <summary>The passes at lanes T from start (then one by one to end): the scalar twin when T is Lanes1.</summary>
    internal static void Run<T>(Block b, int start, int end) where T : struct, ILanes<T>
    {
        Check(b, start, end);
        Columns<Lanes1>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, Columns<T>(b.Cells, b.CellOf, b.ColumnOffset, CellStride, b.Rows, start, start, end), end);
        Stocks<Lanes1>(b, start, Stocks<T>(b, start, start, end), end);
    }

    private static void Check(Block b, int start, int end)
    {
        int slots = Math.Min(Math.Min(Math.Min(b.Cash.Length, b.Debt.Length), Math.Min(b.Capacity.Length, b.Inventory.Length)),
            Math.Min(Math.Min(b.Markup.Length, b.SmoothedProfitRate.Length), Math.Min(b.CostFactor.Length, b.CellOf.Length)));
        if (start < 0 || end < start || end > slots || end - start > BlockSize || b.Cells.Length < CellStride)
            throw new ArgumentOutOfRangeException(nameof(end), "a block must lie inside the firm arrays and span at most BlockSize firms");
        // Cells are the caller's (from validated province and industry indices): checked in debug builds only.
        AssertCells(b, start, end);
    }

    [Conditional("DEBUG")]
    private static void AssertCells(Block b, int start, int end)
    {
        for (int i = start; i < end; i++)
            Debug.Assert((uint)b.CellOf[i] < (uint)b.ColumnOffset.Length
                && (uint)b.ColumnOffset[b.CellOf[i]] <= (uint)(b.Cells.Length - CellStride)
                && (uint)b.ProvinceEntry[b.CellOf[i]] <= (uint)(b.ProvinceSums.RowLength - ProvinceStride)
                && (uint)b.IndustryEntry[b.CellOf[i]] <= (uint)(b.IndustrySums.RowLength - IndustryStride), "a cell lies outside the tables");
    }


    /// <summary>Each firm's contributions (the same expressions as the scalar observation), then the sums in slot order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Stocks<T>(Block b, int origin, int start, int end) where T : struct, ILanes<T>
    {
        ref double cashOf = ref MemoryMarshal.GetArrayDataReference(b.Cash);
        ref double debts = ref MemoryMarshal.GetArrayDataReference(b.Debt);
        ref double capacities = ref MemoryMarshal.GetArrayDataReference(b.Capacity);
        ref double inventories = ref MemoryMarshal.GetArrayDataReference(b.Inventory);
        ref double markups = ref MemoryMarshal.GetArrayDataReference(b.Markup);
        ref double profitRates = ref MemoryMarshal.GetArrayDataReference(b.SmoothedProfitRate);
        ref double costFactors = ref MemoryMarshal.GetArrayDataReference(b.CostFactor);
        ref int cellOf = ref MemoryMarshal.GetArrayDataReference(b.CellOf);
        ref int provinceEntry = ref MemoryMarshal.GetArrayDataReference(b.ProvinceEntry);
        ref int industryEntry = ref MemoryMarshal.GetArrayDataReference(b.IndustryEntry);
        ref double provinces = ref b.ProvinceSums.Row(0);
        ref double industries = ref b.IndustrySums.Row(0);
        ref double r = ref b.Rows.Row(0);
        var one = T.Create(1);
        int i = start;
        for (; i + T.Count <= end; i += T.Count)
        {
            int j = i - origin;
            var zombie = T.Load(ref Row(ref r, RZombie, j));
            T.Store(T.Load(ref Unsafe.Add(ref cashOf, i)), ref Row(ref r, ProvinceRows + FirmKernels.PoCash, j));
            T.Store(T.Load(ref Unsafe.Add(ref debts, i)), ref Row(ref r, ProvinceRows + FirmKernels.PoDebt, j));
            T.Store(one, ref Row(ref r, ProvinceRows + FirmKernels.PoFirms, j));
            T.Store(zombie, ref Row(ref r, ProvinceRows + FirmKernels.PoZombies, j));
            var capacity = T.Load(ref Unsafe.Add(ref capacities, i));
            T.Store(capacity, ref Row(ref r, IndustryRows + FirmKernels.IoCapacity, j));
            T.Store(T.Load(ref Unsafe.Add(ref inventories, i)), ref Row(ref r, IndustryRows + FirmKernels.IoInventory, j));
            T.Store(T.Load(ref Unsafe.Add(ref markups, i)), ref Row(ref r, IndustryRows + FirmKernels.IoMarkup, j));
            T.Store(one, ref Row(ref r, IndustryRows + FirmKernels.IoFirms, j));
            T.Store(zombie, ref Row(ref r, IndustryRows + FirmKernels.IoZombies, j));
            T.Store(T.Load(ref Unsafe.Add(ref profitRates, i)), ref Row(ref r, IndustryRows + FirmKernels.IoProfitRate, j));
            var unitCost = UnitCost(T.Load(ref Row(ref r, CUnitCostBase, j)), T.Load(ref Unsafe.Add(ref costFactors, i)),
                T.Load(ref Row(ref r, CWageIndex, j)), T.Load(ref Row(ref r, CLabourWage, j)));
            T.Store(unitCost, ref Row(ref r, IndustryRows + FirmKernels.IoUnitCost, j));
            T.Store(capacity * T.Load(ref Row(ref r, CCapitalPerUnit, j)) * T.Load(ref Row(ref r, CCapitalCostIndex, j)),
                ref Row(ref r, IndustryRows + FirmKernels.IoCapitalBook, j));
            T.AccumulateRows(ref Row(ref r, ProvinceRows, j), RowStride, ProvinceStride / 4, ref provinces, ref Unsafe.Add(ref cellOf, i), ref provinceEntry);
            T.AccumulateRows(ref Row(ref r, IndustryRows, j), RowStride, IndustryStride / 4, ref industries, ref Unsafe.Add(ref cellOf, i), ref industryEntry);
        }
        return i;
    }

}
