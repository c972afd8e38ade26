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
        new("province", ColumnKind.String, Units.None, "Province where the firm produces."),
        new("industry", ColumnKind.String, Units.None, "Industry of the firm."),
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

    private readonly ColumnBuffer<int> _step, _firmId, _age, _bailouts, _negativeQuarters;
    private readonly ColumnBuffer<string> _province, _industry;
    private readonly ColumnBuffer<bool> _stateOwned, _zombie;
    private readonly ColumnBuffer<double> _capacity, _output, _sales, _inventory, _price, _unitCost, _markup, _cash, _debt, _profit;
    private readonly ulong _sampleKey;
    private double _threshold;
    private int _selected;

    public FirmsTable(Simulation simulation)
    {
        Sim = simulation;
        Buffer = new TableBuffer(Schema, initialCapacity: 0);
        _step = Buffer.Ints("step");
        _firmId = Buffer.Ints("firm_id");
        _province = Buffer.Strings("province");
        _industry = Buffer.Strings("industry");
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

    /// <summary>The table layout.</summary>
    public static TableSchema Schema { get; } = new(TableNames.Firms, Columns);

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
        var f = Sim.Firms;
        var par = Sim.Industry;
        var provinceNames = Sim.Provinces.Names;
        var industryNames = par.Names;
        var step = Sim.Step - 1;
        var zombieQuarters = Sim.Config.EntryExit.ZombieQuarters;
        var cap = Sim.Config.Output.FirmsSample > 0 ? Sim.Config.Output.FirmsSample : int.MaxValue;
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
            int s = f.Industry[i];
            var unitCost = Sim.UnitCost(i);
            _step.Add(step);
            _firmId.Add(i);
            _province.Add(provinceNames[f.Province[i]]);
            _industry.Add(industryNames[s]);
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
