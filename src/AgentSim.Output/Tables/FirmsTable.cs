using System.Runtime.CompilerServices;
using AgentSim.Config;
using AgentSim.Core;
using AgentSim.Model;

namespace AgentSim.Output.Tables;

/// <summary>
/// <c>firms.parquet</c>: snapshots of firm state, written every <c>output.firms_every</c> quarters and at the last
/// step. With <c>output.firms_sample</c> set, a snapshot holds a deterministic sample: a slot is in it when a hash of
/// (seed, slot) falls below sample / alive firms, so the same slots are followed from snapshot to snapshot (a panel,
/// as long as the slot's firm survives), and the result never depends on threads. The sample is capped at
/// firms_sample rows, keeping the lowest slots.
/// </summary>
public sealed class FirmsTable
{
    /// <summary>Copies the firms of slots [from, from + n) into rows [row, row + n) of one column.</summary>
    private delegate void RunCopier(FirmsTable table, ColumnBuffer column, int from, int n, int row);

    /// <summary>A column of the file: what it is, and how a run of consecutive slots is copied into it.</summary>
    private sealed record FirmColumn(ColumnSpec Spec, RunCopier Copy);

    private static readonly FirmColumn[] AllColumns =
    [
        new(new("step", ColumnKind.Int32, Units.Step, "Quarter of the snapshot."),
            static (t, c, from, n, row) => Ints(c, row, n).Fill(t.Sim.Step - 1)),
        new(new("firm_id", ColumnKind.Int32, Units.None, "Firm slot; a slot freed by an exit is reused by a later entrant, so follow a firm by (firm_id, age)."),
            static (t, c, from, n, row) => Sequence(from, Ints(c, row, n))),
        new(new("province", ColumnKind.Category, Units.None, "Province where the firm produces."),
            static (t, c, from, n, row) => t.Sim.Firms.Province.AsSpan(from, n).CopyTo(Ints(c, row, n))),
        new(new("industry", ColumnKind.Category, Units.None, "Industry of the firm."),
            static (t, c, from, n, row) => Widen(t.Sim.Firms.Industry.AsSpan(from, n), Ints(c, row, n))),
        new(new("state_owned", ColumnKind.Bool, Units.None, "True for a state-owned firm."),
            static (t, c, from, n, row) => NonZero(t.Sim.Firms.StateOwned.AsSpan(from, n), Bools(c, row, n))),
        new(new("age", ColumnKind.Int32, Units.Quarters, "Quarters since entry (saturates at 32767)."),
            static (t, c, from, n, row) => Widen(t.Sim.Firms.Age.AsSpan(from, n), Ints(c, row, n))),
        new(new("capacity", ColumnKind.Double, Units.Quantity, "Productive capacity at the end of the quarter."),
            static (t, c, from, n, row) => t.Sim.Firms.Capacity.AsSpan(from, n).CopyTo(Doubles(c, row, n))),
        new(new("output", ColumnKind.Double, Units.Quantity, "Output this quarter."),
            static (t, c, from, n, row) => t.Sim.Firms.Output.AsSpan(from, n).CopyTo(Doubles(c, row, n))),
        new(new("sales", ColumnKind.Double, Units.Quantity, "Units sold this quarter."),
            static (t, c, from, n, row) => t.Sim.Firms.Sales.AsSpan(from, n).CopyTo(Doubles(c, row, n))),
        new(new("inventory", ColumnKind.Double, Units.QuantityStock, "Unsold stock."),
            static (t, c, from, n, row) => t.Sim.Firms.Inventory.AsSpan(from, n).CopyTo(Doubles(c, row, n))),
        new(new("price", ColumnKind.Double, Units.Price, "Price set this quarter: (1 + markup) * unit_cost."),
            static (t, c, from, n, row) => t.Sim.Firms.Price.AsSpan(from, n).CopyTo(Doubles(c, row, n))),
        new(new("unit_cost", ColumnKind.Double, Units.Price, "Variable unit cost: the industry's cost at the start, times the learning-curve index, times the firm's cost factor, plus the wage bill per unit above or below the reference wage (wage index of its province and industry)."),
            static (t, c, from, n, row) => t.UnitCosts(from, Doubles(c, row, n))),
        new(new("markup", ColumnKind.Double, Units.Fraction, "Markup over unit cost (negative when pricing below cost)."),
            static (t, c, from, n, row) => t.Sim.Firms.Markup.AsSpan(from, n).CopyTo(Doubles(c, row, n))),
        new(new("cash", ColumnKind.Double, Units.Stock, "Cash."),
            static (t, c, from, n, row) => t.Sim.Firms.Cash.AsSpan(from, n).CopyTo(Doubles(c, row, n))),
        new(new("debt", ColumnKind.Double, Units.Stock, "Bank debt."),
            static (t, c, from, n, row) => t.Sim.Firms.Debt.AsSpan(from, n).CopyTo(Doubles(c, row, n))),
        new(new("profit", ColumnKind.Double, Units.Flow, "Profit this quarter."),
            static (t, c, from, n, row) => t.Sim.Firms.Profit.AsSpan(from, n).CopyTo(Doubles(c, row, n))),
        new(new("bailouts", ColumnKind.Int32, Units.Count, "Bailouts received since entry."),
            static (t, c, from, n, row) => Widen(t.Sim.Firms.Bailouts.AsSpan(from, n), Ints(c, row, n))),
        new(new("negative_equity_quarters", ColumnKind.Int32, Units.Quarters, "Consecutive quarters with negative equity."),
            static (t, c, from, n, row) => Widen(t.Sim.Firms.NegativeEquityQuarters.AsSpan(from, n), Ints(c, row, n))),
        new(new("zombie", ColumnKind.Bool, Units.None, "True when negative_equity_quarters >= entry_exit.zombie_quarters."),
            static (t, c, from, n, row) => AtLeast(t.Sim.Firms.NegativeEquityQuarters.AsSpan(from, n), t.Sim.Config.EntryExit.ZombieQuarters, Bools(c, row, n))),
    ];

    private readonly ColumnBuffer[] _buffers;
    private readonly RunCopier[] _copiers;
    private readonly ulong _sampleKey;
    private double _threshold;
    private int _selected;

    public FirmsTable(Simulation simulation)
    {
        Sim = simulation;
        var columns = Selected(simulation.Config.Output);
        Buffer = new TableBuffer(SchemaFor(columns, simulation.Provinces.Names, simulation.Industry.Names), initialCapacity: 0);
        _buffers = Buffer.Columns.ToArray();
        _copiers = columns.Select(c => c.Copy).ToArray();
        // A stream of its own, so the sample is unrelated to any draw the model makes with the same seed.
        _sampleKey = CounterRng.Mix(CounterRng.Mix((ulong)simulation.Config.Seed ^ 0x5AD0_F1E5_5A3B_1E00UL));
    }

    /// <summary>Every column the table can hold, in the file's order (<see cref="OutputConfig.FirmColumnNames"/> names the same).</summary>
    public static IReadOnlyList<string> ColumnNames { get; } = AllColumns.Select(c => c.Spec.Name).ToArray();

    /// <summary>The table layout with every column, for documentation; a run's (<see cref="Buffer"/>'s schema) holds the columns it writes and its province and industry names.</summary>
    public static TableSchema Schema { get; } = new(TableNames.Firms, AllColumns.Select(c => c.Spec).ToArray());

    /// <summary>
    /// The layout of a run's table: the given columns (those <c>output.firms_columns</c> selects, with step and
    /// firm_id; every column when it is empty), in the file's order. Province and industry are category columns (the firm's province index
    /// and industry index in memory, copied as they are), written as dictionary-encoded strings, so readers see the names.
    /// </summary>
    private static TableSchema SchemaFor(FirmColumn[] columns, IReadOnlyList<string> provinceNames, IReadOnlyList<string> industryNames) =>
        new(TableNames.Firms, columns.Select(c => c.Spec.Name switch
        {
            "province" => c.Spec with { Categories = provinceNames.ToArray() },
            "industry" => c.Spec with { Categories = industryNames.ToArray() },
            _ => c.Spec,
        }).ToArray());

    private static FirmColumn[] Selected(OutputConfig output) => AllColumns.Where(c => output.WritesFirmColumn(c.Spec.Name)).ToArray();

    /// <summary>The simulation rows are read from.</summary>
    public Simulation Sim { get; }

    /// <summary>Rows appended since the buffer was last handed to a writer.</summary>
    public TableBuffer Buffer { get; }

    /// <summary>True when a snapshot is due for <paramref name="step"/>: every <c>every</c> quarters, and always at the last step.</summary>
    public static bool IsSnapshotStep(int step, int lastStep, int every) =>
        every > 0 && (step % every == every - 1 || step == lastStep);

    /// <summary>Starts a snapshot of the quarter the simulation has just run: fixes the sampling threshold.</summary>
    public void BeginSnapshot()
    {
        var sample = Sim.Config.Output.FirmsSample;
        var alive = 0.0;
        var firmsAlive = Sim.Provinces.FirmsAlive;
        for (var p = 0; p < firmsAlive.Length; p++)
        {
            alive += firmsAlive[p];
        }
        _threshold = sample <= 0 || sample >= alive ? double.PositiveInfinity : sample / alive;
        _selected = 0;
    }

    /// <summary>
    /// Appends the selected alive firms from slot <paramref name="fromSlot"/> on, stopping after
    /// <paramref name="maxRows"/> rows so a huge snapshot can be written as several row groups. Returns the slot to
    /// continue from; the snapshot is finished when it equals <c>Sim.Firms.Count</c>.
    /// </summary>
    public int AppendFrom(int fromSlot, int maxRows)
    {
        var cap = Sim.Config.Output.FirmsSample > 0 ? Sim.Config.Output.FirmsSample : int.MaxValue;
        return double.IsPositiveInfinity(_threshold) ? AppendRuns(fromSlot, maxRows, cap) : AppendSampled(fromSlot, maxRows, cap);
    }

    /// <summary>
    /// Every alive firm is in the snapshot: the rows are reserved in every column, then each run of consecutive alive
    /// slots is copied column by column (span copies and tight conversion loops, a few ns a firm where appending row by
    /// row cost 50–250), a large snapshot in two halves of the slots at once (the simulation's workers are idle between
    /// quarters). Each half writes its own rows, so the result does not depend on how the halves are scheduled.
    /// </summary>
    private int AppendRuns(int fromSlot, int maxRows, int cap)
    {
        var f = Sim.Firms;
        var alive = f.Alive.AsSpan(0, f.Count);
        var limit = Math.Min(maxRows, cap - _selected);
        if (limit <= 0 || fromSlot >= alive.Length)
        {
            return alive.Length;
        }
        var end = EndAfter(alive, fromSlot, limit, out var rows);
        var first = Buffer.RowCount;
        Buffer.EnsureCapacity(first + rows);
        foreach (var column in Buffer.Columns)
        {
            Reserve(column, rows);
        }
        if (rows >= ParallelRows)
        {
            var mid = fromSlot + (end - fromSlot) / 2;
            var firstHalf = CountAlive(alive[fromSlot..mid]);
            Parallel.Invoke(() => CopyRuns(fromSlot, mid, first), () => CopyRuns(mid, end, first + firstHalf));
        }
        else
        {
            CopyRuns(fromSlot, end, first);
        }
        _selected += rows;
        return _selected >= cap ? alive.Length : end;
    }

    /// <summary>Rows at which a snapshot is copied by two threads.</summary>
    private const int ParallelRows = 1 << 16;

    private static void Reserve(ColumnBuffer column, int rows)
    {
        switch (column)
        {
            case ColumnBuffer<int> ints: ints.AppendUninitialized(rows); break;
            case ColumnBuffer<double> doubles: doubles.AppendUninitialized(rows); break;
            case ColumnBuffer<bool> bools: bools.AppendUninitialized(rows); break;
            default: throw new InvalidOperationException($"Column '{column.Name}' has an unexpected type.");
        }
    }

    private static int CountAlive(ReadOnlySpan<byte> alive) => alive.Length - alive.Count((byte)0);

    /// <summary>The slot where the <paramref name="limit"/>-th alive firm from <paramref name="from"/> on is passed (or the end), and the alive firms before it.</summary>
    private static int EndAfter(ReadOnlySpan<byte> alive, int from, int limit, out int rows)
    {
        const int Block = 1 << 16;
        rows = 0;
        for (var i = from; i < alive.Length; i += Block)
        {
            var block = alive.Slice(i, Math.Min(Block, alive.Length - i));
            var count = CountAlive(block);
            if (rows + count > limit)
            {
                for (var k = 0; ; k++)
                {
                    if (block[k] != 0)
                    {
                        if (rows == limit)
                        {
                            return i + k;
                        }
                        rows++;
                    }
                }
            }
            rows += count;
        }
        return alive.Length;
    }

    /// <summary>Copies the alive firms of slots [<paramref name="from"/>, <paramref name="to"/>) to the reserved rows from <paramref name="row"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyRuns(int from, int to, int row)
    {
        var alive = Sim.Firms.Alive.AsSpan(from, to - from);
        var i = 0;
        while (i < alive.Length)
        {
            var next = alive[i..].IndexOfAnyExcept((byte)0);
            if (next < 0)
            {
                return;
            }
            i += next;
            var end = alive[i..].IndexOf((byte)0);
            var n = end < 0 ? alive.Length - i : end;
            CopyRun(from + i, n, row);
            row += n;
            i += n;
        }
    }

    /// <summary>Copies the firms of slots [from, from + n) into the reserved rows from <paramref name="row"/> on, column by column.</summary>
    private void CopyRun(int from, int n, int row)
    {
        for (var c = 0; c < _copiers.Length; c++)
        {
            _copiers[c](this, _buffers[c], from, n, row);
        }
    }

    private static Span<int> Ints(ColumnBuffer column, int row, int n) => ((ColumnBuffer<int>)column).Items.AsSpan(row, n);

    private static Span<double> Doubles(ColumnBuffer column, int row, int n) => ((ColumnBuffer<double>)column).Items.AsSpan(row, n);

    private static Span<bool> Bools(ColumnBuffer column, int row, int n) => ((ColumnBuffer<bool>)column).Items.AsSpan(row, n);

    private static void Sequence(int from, Span<int> to)
    {
        for (var k = 0; k < to.Length; k++)
        {
            to[k] = from + k;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UnitCosts(int from, Span<double> to)
    {
        for (var k = 0; k < to.Length; k++)
        {
            to[k] = Sim.UnitCost(from + k);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Widen(ReadOnlySpan<short> from, Span<int> to)
    {
        for (var k = 0; k < from.Length; k++)
        {
            to[k] = from[k];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Widen(ReadOnlySpan<byte> from, Span<int> to)
    {
        for (var k = 0; k < from.Length; k++)
        {
            to[k] = from[k];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NonZero(ReadOnlySpan<byte> from, Span<bool> to)
    {
        for (var k = 0; k < from.Length; k++)
        {
            to[k] = from[k] != 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AtLeast(ReadOnlySpan<short> from, int threshold, Span<bool> to)
    {
        for (var k = 0; k < from.Length; k++)
        {
            to[k] = from[k] >= threshold;
        }
    }

    /// <summary>A sample of the firms: slot by slot, each alive slot tested against the sampling hash and copied as a run of one.</summary>
    private int AppendSampled(int fromSlot, int maxRows, int cap)
    {
        var f = Sim.Firms;
        var rows = 0;
        var i = fromSlot;
        for (; i < f.Count && rows < maxRows; i++)
        {
            if (f.Alive[i] == 0 || !InSample(i))
            {
                continue;
            }
            if (_selected >= cap)
            {
                return f.Count;
            }
            _selected++;
            rows++;
            var row = _buffers[0].Count;
            foreach (var column in _buffers)
            {
                Reserve(column, 1);
            }
            CopyRun(i, 1, row);
        }
        return i;
    }

    private bool InSample(int slot) =>
        double.IsPositiveInfinity(_threshold)
        || (CounterRng.Mix(_sampleKey ^ ((ulong)slot * 0x9E3779B97F4A7C15UL)) >> 11) * (1.0 / 9007199254740992.0) < _threshold;
}
