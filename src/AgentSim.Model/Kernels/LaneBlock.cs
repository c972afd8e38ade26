using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AgentSim.Core.Simd;

namespace AgentSim.Model.Kernels;

/// <summary>
/// What the lane kernels share: the block and scratch-row geometry, the pass that turns each firm's cell row into
/// columns, the unit cost in lanes, and the tables their contributions are summed into.
/// </summary>
internal static class LaneBlock
{
    /// <summary>Firms per block: a block's scratch rows stay in the second-level cache.</summary>
    internal const int BlockSize = 256;

    /// <summary>
    /// Doubles from one scratch row to the next: a block plus 64 bytes, so that rows do not lie a multiple of 4 kB
    /// apart (a load whose address matches an earlier store's in the low 12 bits waits for it: 4K aliasing).
    /// </summary>
    internal const int RowStride = BlockSize + 8;

    /// <summary>Firm j of a block in scratch row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref double Row(ref double rows, int row, int j) => ref Unsafe.Add(ref rows, row * RowStride + j);

    /// <summary>
    /// Each firm's cell row (cellStride doubles at cells[columnOffset[cellOf[i]]]) turned into columns: rows 0 ..
    /// cellStride - 1 of the scratch. Whole vectors of T from start; returns where it stopped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Columns<T>(double[] cells, int[] cellOf, int[] columnOffset, int cellStride, AlignedRows rows,
        int origin, int start, int end) where T : struct, ILanes<T>
    {
        ref double table = ref MemoryMarshal.GetArrayDataReference(cells);
        ref int cellOfFirm = ref MemoryMarshal.GetArrayDataReference(cellOf);
        ref int offsets = ref MemoryMarshal.GetArrayDataReference(columnOffset);
        ref double columns = ref rows.Row(0);
        int i = start;
        for (; i + T.Count <= end; i += T.Count)
            T.LoadColumns(ref table, ref Unsafe.Add(ref cellOfFirm, i), ref offsets, cellStride, ref Unsafe.Add(ref columns, i - origin), RowStride);
        return i;
    }

    /// <summary>The lanes' form of <see cref="FirmKernels.UnitCost"/>: the same operations, in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T UnitCost<T>(T unitCostBase, T costFactor, T wageIndex, T labourWagePerUnit) where T : struct, ILanes<T> =>
        unitCostBase * costFactor + (wageIndex - T.Create(1)) * labourWagePerUnit;

    /// <summary>A sums table of at least <paramref name="length"/> doubles (the given one if long enough), cleared.</summary>
    internal static AlignedRows ClearedSums(AlignedRows sums, int length)
    {
        if (sums.RowLength < length) sums = new AlignedRows(1, (length + 7) / 8 * 8);
        sums.RowSpan(0).Clear();
        return sums;
    }

    /// <summary>
    /// A sums table's first <paramref name="quantities"/> values of each of <paramref name="entries"/> entries
    /// (<paramref name="tableStride"/> apart) into a chunk's partial sums laid out <paramref name="quantities"/> apart.
    /// </summary>
    internal static void CopyEntries(AlignedRows sums, int tableStride, int entries, int quantities, Span<double> destination)
    {
        var table = sums.RowSpan(0);
        for (int e = 0; e < entries; e++)
            table.Slice(e * tableStride, quantities).CopyTo(destination.Slice(e * quantities, quantities));
    }
}
