using System.Runtime.CompilerServices;
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
    private static readonly ColumnSpec[] Columns =
    [
        new("step", ColumnKind.Int32, Units.Step, "Quarter of the snapshot."),
        new("firm_id", ColumnKind.Int32, Units.None, "Firm slot; a slot freed by an exit is reused by a later entrant, so follow a firm by (firm_id, age)."),
        new("province", ColumnKind.Category, Units.None, "Province where the firm produces."),
        new("industry", ColumnKind.Category, Units.None, "Industry of the firm."),
        new("state_owned", ColumnKind.Bool, Units.None, "True for a state-owned firm."),
        new("age", ColumnKind.Int32, Units.Quarters, "Quarters since entry (saturates at 32767)."),
        new("capacity", ColumnKind.Double, Units.Quantity, "Productive capacity at the end of the quarter."),
        new("output", ColumnKind.Double, Units.Quantity, "Output this quarter."),
        new("sales", ColumnKind.Double, Units.Quantity, "Units sold this quarter."),
        new("inventory", ColumnKind.Double, Units.QuantityStock, "Unsold stock."),
        new("price", ColumnKind.Double, Units.Price, "Price set this quarter: (1 + markup) * unit_cost."),
        new("unit_cost", ColumnKind.Double, Units.Price, "Variable unit cost: the industry's cost at the start, times the learning-curve index, times the firm's cost factor, plus the wage bill per unit above or below the reference wage (wage index of its province and industry)."),
        new("markup", ColumnKind.Double, Units.Fraction, "Markup over unit cost (negative when pricing below cost)."),
        new("cash", ColumnKind.Double, Units.Stock, "Cash."),
        new("debt", ColumnKind.Double, Units.Stock, "Bank debt."),
        new("profit", ColumnKind.Double, Units.Flow, "Profit this quarter."),
        new("bailouts", ColumnKind.Int32, Units.Count, "Bailouts received since entry."),
        new("negative_equity_quarters", ColumnKind.Int32, Units.Quarters, "Consecutive quarters with negative equity."),
        new("zombie", ColumnKind.Bool, Units.None, "True when negative_equity_quarters >= entry_exit.zombie_quarters."),
    ];

    private readonly ColumnBuffer<int> _step, _firmId, _province, _industry, _age, _bailouts, _negativeQuarters;
    private readonly ColumnBuffer<bool> _stateOwned, _zombie;
    private readonly ColumnBuffer<double> _capacity, _output, _sales, _inventory, _price, _unitCost, _markup, _cash, _debt, _profit;
    private readonly ulong _sampleKey;
    private double _threshold;
    private int _selected;

    public FirmsTable(Simulation simulation)
    {
        Sim = simulation;
        Buffer = new TableBuffer(SchemaFor(simulation.Provinces.Names, simulation.Industry.Names), initialCapacity: 0);
        _step = Buffer.Ints("step");
        _firmId = Buffer.Ints("firm_id");
        _province = Buffer.Categories("province");
        _industry = Buffer.Categories("industry");
        _stateOwned = Buffer.Bools("state_owned");
        _age = Buffer.Ints("age");
        _capacity = Buffer.Doubles("capacity");
        _output = Buffer.Doubles("output");
        _sales = Buffer.Doubles("sales");
        _inventory = Buffer.Doubles("inventory");
        _price = Buffer.Doubles("price");
        _unitCost = Buffer.Doubles("unit_cost");
        _markup = Buffer.Doubles("markup");
        _cash = Buffer.Doubles("cash");
        _debt = Buffer.Doubles("debt");
        _profit = Buffer.Doubles("profit");
        _bailouts = Buffer.Ints("bailouts");
        _negativeQuarters = Buffer.Ints("negative_equity_quarters");
        _zombie = Buffer.Bools("zombie");
        // A stream of its own, so the sample is unrelated to any draw the model makes with the same seed.
        _sampleKey = CounterRng.Mix(CounterRng.Mix((ulong)simulation.Config.Seed ^ 0x5AD0_F1E5_5A3B_1E00UL));
    }

    /// <summary>The table layout, for documentation: the province and industry categories are those of a run (<see cref="SchemaFor"/>).</summary>
    public static TableSchema Schema { get; } = new(TableNames.Firms, Columns);

    /// <summary>
    /// The layout of a run's table: province and industry are category columns (the firm's province index and industry
    /// index in memory, copied as they are), written as dictionary-encoded strings, so readers see the names.
    /// </summary>
    public static TableSchema SchemaFor(IReadOnlyList<string> provinceNames, IReadOnlyList<string> industryNames) =>
        new(TableNames.Firms, Columns.Select(c => c.Name switch
        {
            "province" => c with { Categories = provinceNames.ToArray() },
            "industry" => c with { Categories = industryNames.ToArray() },
            _ => c,
        }).ToArray());

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
        var first = _firmId.Count;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyRun(int from, int n, int row)
    {
        var f = Sim.Firms;
        _step.Items.AsSpan(row, n).Fill(Sim.Step - 1);
        var ids = _firmId.Items.AsSpan(row, n);
        for (var k = 0; k < ids.Length; k++)
        {
            ids[k] = from + k;
        }
        f.Province.AsSpan(from, n).CopyTo(_province.Items.AsSpan(row, n));
        Widen(f.Industry.AsSpan(from, n), _industry.Items.AsSpan(row, n));
        var stateOwned = f.StateOwned.AsSpan(from, n);
        var owned = _stateOwned.Items.AsSpan(row, n);
        for (var k = 0; k < owned.Length; k++)
        {
            owned[k] = stateOwned[k] != 0;
        }
        Widen(f.Age.AsSpan(from, n), _age.Items.AsSpan(row, n));
        f.Capacity.AsSpan(from, n).CopyTo(_capacity.Items.AsSpan(row, n));
        f.Output.AsSpan(from, n).CopyTo(_output.Items.AsSpan(row, n));
        f.Sales.AsSpan(from, n).CopyTo(_sales.Items.AsSpan(row, n));
        f.Inventory.AsSpan(from, n).CopyTo(_inventory.Items.AsSpan(row, n));
        f.Price.AsSpan(from, n).CopyTo(_price.Items.AsSpan(row, n));
        var unitCost = _unitCost.Items.AsSpan(row, n);
        for (var k = 0; k < unitCost.Length; k++)
        {
            unitCost[k] = Sim.UnitCost(from + k);
        }
        f.Markup.AsSpan(from, n).CopyTo(_markup.Items.AsSpan(row, n));
        f.Cash.AsSpan(from, n).CopyTo(_cash.Items.AsSpan(row, n));
        f.Debt.AsSpan(from, n).CopyTo(_debt.Items.AsSpan(row, n));
        f.Profit.AsSpan(from, n).CopyTo(_profit.Items.AsSpan(row, n));
        Widen(f.Bailouts.AsSpan(from, n), _bailouts.Items.AsSpan(row, n));
        var negative = f.NegativeEquityQuarters.AsSpan(from, n);
        Widen(negative, _negativeQuarters.Items.AsSpan(row, n));
        var zombieQuarters = Sim.Config.EntryExit.ZombieQuarters;
        var zombie = _zombie.Items.AsSpan(row, n);
        for (var k = 0; k < zombie.Length; k++)
        {
            zombie[k] = negative[k] >= zombieQuarters;
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

    /// <summary>A sample of the firms: row by row, each alive slot tested against the sampling hash.</summary>
    private int AppendSampled(int fromSlot, int maxRows, int cap)
    {
        var f = Sim.Firms;
        var step = Sim.Step - 1;
        var zombieQuarters = Sim.Config.EntryExit.ZombieQuarters;
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
            var unitCost = Sim.UnitCost(i);
            _step.Add(step);
            _firmId.Add(i);
            _province.Add(f.Province[i]);
            _industry.Add(f.Industry[i]);
            _stateOwned.Add(f.StateOwned[i] != 0);
            _age.Add(f.Age[i]);
            _capacity.Add(f.Capacity[i]);
            _output.Add(f.Output[i]);
            _sales.Add(f.Sales[i]);
            _inventory.Add(f.Inventory[i]);
            _price.Add(f.Price[i]);
            _unitCost.Add(unitCost);
            _markup.Add(f.Markup[i]);
            _cash.Add(f.Cash[i]);
            _debt.Add(f.Debt[i]);
            _profit.Add(f.Profit[i]);
            _bailouts.Add(f.Bailouts[i]);
            _negativeQuarters.Add(f.NegativeEquityQuarters[i]);
            _zombie.Add(f.NegativeEquityQuarters[i] >= zombieQuarters);
        }
        return i;
    }

    private bool InSample(int slot) =>
        double.IsPositiveInfinity(_threshold)
        || (CounterRng.Mix(_sampleKey ^ ((ulong)slot * 0x9E3779B97F4A7C15UL)) >> 11) * (1.0 / 9007199254740992.0) < _threshold;
}
