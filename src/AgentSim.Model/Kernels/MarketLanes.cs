using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AgentSim.Core.Simd;
using static AgentSim.Model.Kernels.LaneBlock;

namespace AgentSim.Model.Kernels;

/// <summary>
/// Phase 6, first pass, for a block of firms over <see cref="ILanes{TSelf}"/>: sales in proportion to market weight,
/// capped by what the firm has; the weight left over keeps the firm's price term. Each firm's sales and leftover
/// weight are then added to its industry's sums in slot order (FirmKernels' Im* quantities).
/// </summary>
internal static class MarketLanes
{
    // Scratch rows: each firm's contribution to its industry's sums (Im* order, padded to four).
    internal const int IndustryRows = 0, IndustryStride = 4, RowCount = IndustryRows + IndustryStride;


    /// <summary>What one block reads and writes.</summary>
    internal sealed class Block
    {
        public byte[] Alive = [];
        public double[] Output = [], Inventory = [], Sales = [], Weight = [];
        /// <summary>Per firm slot: its cell, or the spare cell P * S for a dead slot.</summary>
        public int[] CellOf = [];
        /// <summary>Per cell (spare included): the industry's demand per unit of weight, and the cell's entry in the sums.</summary>
        public double[] DemandPerWeight = [];
        public int[] IndustryEntry = [];
        public AlignedRows Rows = new(RowCount, RowStride);
        public AlignedRows IndustrySums = new(1, 8);

        /// <summary>Sizes the sums for S industries (plus a spare entry) and clears them.</summary>
        public void ClearSums(int industries)
        {
            IndustrySums = ClearedSums(IndustrySums, (industries + 1) * IndustryStride);
        }
    }

    /// <summary>Runs the block [start, end) at the given lanes, the tail one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run(Block b, int start, int end, int width)
    {
        Check(b, start, end);
        int i = width == 8 ? Run<Lanes8>(b, start, start, end) : width == 4 ? Run<Lanes4>(b, start, start, end) : width == 2 ? Run<Lanes2>(b, start, start, end) : start;
        Run<Lanes1>(b, start, i, end);
    }

    /// <summary>The pass at lanes T from start (then one by one to end): the scalar twin when T is Lanes1.</summary>
    internal static void Run<T>(Block b, int start, int end) where T : struct, ILanes<T>
    {
        Check(b, start, end);
        Run<Lanes1>(b, start, Run<T>(b, start, start, end), end);
    }

    private static void Check(Block b, int start, int end)
    {
        int slots = Math.Min(Math.Min(b.Alive.Length, b.Output.Length), Math.Min(Math.Min(b.Inventory.Length, b.Sales.Length),
            Math.Min(b.Weight.Length, b.CellOf.Length)));
        if (start < 0 || end < start || end > slots || end - start > BlockSize)
            throw new ArgumentOutOfRangeException(nameof(end), "a block must lie inside the firm arrays and span at most BlockSize firms");
        // Cells are the caller's (from validated province and industry indices): checked in debug builds only.
        AssertCells(b, start, end);
    }

    [Conditional("DEBUG")]
    private static void AssertCells(Block b, int start, int end)
    {
        for (int i = start; i < end; i++)
            Debug.Assert((uint)b.CellOf[i] < (uint)Math.Min(b.DemandPerWeight.Length, b.IndustryEntry.Length)
                && (uint)b.IndustryEntry[b.CellOf[i]] <= (uint)(b.IndustrySums.RowLength - IndustryStride), "a cell lies outside the tables");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Run<T>(Block b, int origin, int start, int end) where T : struct, ILanes<T>
    {
        ref byte alive = ref MemoryMarshal.GetArrayDataReference(b.Alive);
        ref double outputs = ref MemoryMarshal.GetArrayDataReference(b.Output);
        ref double inventories = ref MemoryMarshal.GetArrayDataReference(b.Inventory);
        ref double salesOf = ref MemoryMarshal.GetArrayDataReference(b.Sales);
        ref double weights = ref MemoryMarshal.GetArrayDataReference(b.Weight);
        ref int cellOf = ref MemoryMarshal.GetArrayDataReference(b.CellOf);
        ref double demandPerWeight = ref MemoryMarshal.GetArrayDataReference(b.DemandPerWeight);
        ref int industryEntry = ref MemoryMarshal.GetArrayDataReference(b.IndustryEntry);
        ref double industries = ref b.IndustrySums.Row(0);
        ref double r = ref b.Rows.Row(0);
        var zero = T.Create(0);
        int i = start;
        for (; i + T.Count <= end; i += T.Count)
        {
            int j = i - origin;
            var isAlive = T.NonZero(ref Unsafe.Add(ref alive, i));
            var available = T.Load(ref Unsafe.Add(ref outputs, i)) + T.Load(ref Unsafe.Add(ref inventories, i));
            var weight = T.Load(ref Unsafe.Add(ref weights, i));
            var sales = T.Min(available, weight * T.Gather(ref demandPerWeight, ref Unsafe.Add(ref cellOf, i)));
            // Leftover weight keeps the firm's price term: weight * leftover / available.
            var leftoverWeight = T.Select(T.GreaterThan(available, zero), weight * (available - sales) / available, zero);
            // Dead slots keep their state.
            T.Store(T.Select(isAlive, sales, T.Load(ref Unsafe.Add(ref salesOf, i))), ref Unsafe.Add(ref salesOf, i));
            T.Store(T.Select(isAlive, leftoverWeight, weight), ref Unsafe.Add(ref weights, i));
            T.Store(sales, ref Row(ref r, IndustryRows + FirmKernels.ImSales, j));
            T.Store(leftoverWeight, ref Row(ref r, IndustryRows + FirmKernels.ImLeftoverWeight, j));
            T.AccumulateRows(ref Row(ref r, IndustryRows, j), RowStride, IndustryStride / 4, ref industries, ref Unsafe.Add(ref cellOf, i), ref industryEntry);
        }
        return i;
    }

}
