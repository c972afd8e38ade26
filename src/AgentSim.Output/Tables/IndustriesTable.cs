using AgentSim.Model;
using AgentSim.Model.State;

namespace AgentSim.Output.Tables;

/// <summary>
/// <c>industries.parquet</c>: one row per (step, industry) with the national market of each modelled industry:
/// capacity, output, demand, prices, profits and the firm population (MODEL.md section 7).
/// </summary>
public sealed class IndustriesTable
{
    private static readonly ColumnSpec[] Keys =
    [
        new("step", ColumnKind.Int32, Units.Step, "Quarter the row describes."),
        new("industry", ColumnKind.String, Units.None, "Industry name as in the config."),
        new("strategic", ColumnKind.Bool, Units.None, "True for an industry on the central strategic priority list."),
    ];

    private static readonly Measures<IndustriesTable> Columns = new Measures<IndustriesTable>()
        .Add("capacity", Units.Quantity, "Productive capacity of alive firms at the end of the quarter.", (t, s) => t.State.Capacity[s])
        .Add("output", Units.Quantity, "Output produced this quarter.", (t, s) => t.State.Output[s])
        .Add("wage_index", Units.Fraction, "Wage per worker relative to the industry's reference wage, employment-weighted over provinces (MODEL.md 9.2: follows the smoothed profit margin).", (t, s) => t.State.WageIndex[s])
        .Add("demand", Units.Quantity, "Total demand at this quarter's price: domestic_demand + export_demand.", (t, s) => t.State.Demand[s])
        .Add("domestic_demand", Units.Quantity, "Domestic demand (consumers plus construction and equipment).", (t, s) => t.State.DomesticDemand[s])
        .Add("consumer_demand", Units.Quantity, "Part of domestic_demand bought by households, including trade-in pull-forward.", (t, s) => t.State.ConsumerDemand[s])
        .Add("export_demand", Units.Quantity, "Foreign demand at this quarter's price and tariff.", (t, s) => t.State.ExportDemand[s])
        .Add("sales", Units.Quantity, "Units sold this quarter (at most demand; unmet demand is lost).", (t, s) => t.State.Sales[s])
        .Add("exports", Units.Quantity, "Units sold abroad.", (t, s) => t.State.Exports[s])
        .Add("export_value", Units.Flow, "Revenue from exports.", (t, s) => t.State.ExportValue[s])
        .Add("utilisation", Units.Fraction, "Capacity utilisation: output / capacity.", (t, s) => t.State.Capacity[s] > 0 ? t.State.Output[s] / t.State.Capacity[s] : 0)
        .Add("price_index", Units.Index, "Sales-weighted price relative to the industry's price at the start.", (t, s) => t.State.PriceIndex[s])
        .Add("demand_price", Units.Price, "Sales-weighted price buyers faced when this quarter's demand formed.", (t, s) => t.State.DemandPrice[s])
        .Add("mean_markup", Units.Fraction, "Mean markup over unit cost across alive firms (negative when pricing below cost).", (t, s) => t.State.Firms[s] > 0 ? t.State.MarkupSum[s] / t.State.Firms[s] : 0)
        .Add("profit_margin", Units.Fraction, "Profit as a share of revenue: profit / revenue.", (t, s) => t.State.Revenue[s] != 0 ? t.State.Profit[s] / t.State.Revenue[s] : 0)
        .Add("revenue", Units.Flow, "Sales revenue.", (t, s) => t.State.Revenue[s])
        .Add("profit", Units.Flow, "Profit after materials, wages, VAT, interest, production subsidies and depreciation.", (t, s) => t.State.Profit[s])
        .AddCount("firms", Units.Firms, "Firms alive at the end of the quarter.", (t, s) => t.State.Firms[s])
        .AddCount("zombies", Units.Firms, "Alive firms with negative equity for at least entry_exit.zombie_quarters quarters.", (t, s) => t.State.Zombies[s])
        .Add("zombie_share", Units.Fraction, "zombies / firms.", (t, s) => t.State.Firms[s] > 0 ? t.State.Zombies[s] / t.State.Firms[s] : 0)
        .AddCount("entries", Units.FirmsPerQuarter, "Firms that entered this quarter.", (t, s) => t.State.Entries[s])
        .AddCount("exits", Units.FirmsPerQuarter, "Firms that exited this quarter.", (t, s) => t.State.Exits[s])
        .Add("inventory", Units.QuantityStock, "Unsold stock held by firms.", (t, s) => t.State.Inventory[s])
        .Add("employment", Units.Workers, "Jobs in the industry.", (t, s) => t.State.Employment[s])
        .Add("unit_cost", Units.Price, "Mean variable unit cost across alive firms.", (t, s) => t.State.UnitCostMean[s])
        .Add("cost_index", Units.Index, "Learning-curve multiplier on unit costs (Wright's law).", (t, s) => t.State.CostIndex[s])
        .Add("tariff", Units.Fraction, "Foreign ad valorem tariff on the industry's exports this quarter.", (t, s) => t.State.Tariff[s])
        .Add("rebate", Units.Fraction, "Trade-in rebate rate on consumer purchases this quarter.", (t, s) => t.State.Rebate[s])
        .Add("capacity_ordered", Units.Quantity, "Capacity ordered this quarter by incumbents and entrants (arrives after the build lag).", (t, s) => t.State.CapacityOrdered[s]);

    private readonly MeasureWriter<IndustriesTable> _measures;
    private readonly ColumnBuffer<int> _step;
    private readonly ColumnBuffer<string> _industry;
    private readonly ColumnBuffer<bool> _strategic;

    public IndustriesTable(Simulation simulation)
    {
        Sim = simulation;
        State = simulation.Industries;
        Buffer = new TableBuffer(Schema, initialCapacity: 0);
        _measures = Columns.Bind(Buffer);
        _step = Buffer.Ints("step");
        _industry = Buffer.Strings("industry");
        _strategic = Buffer.Bools("strategic");
    }

    /// <summary>The table layout (independent of the industries configured).</summary>
    public static TableSchema Schema { get; } = new(TableNames.Industries, [.. Keys, .. Columns.Specs]);

    /// <summary>The simulation rows are read from.</summary>
    public Simulation Sim { get; }

    /// <summary>Rows appended since the buffer was last handed to a writer.</summary>
    public TableBuffer Buffer { get; }

    private IndustryState State { get; }

    /// <summary>Appends one row per industry for the quarter the simulation has just run (step = <c>Sim.Step - 1</c>).</summary>
    public void Append()
    {
        var step = Sim.Step - 1;
        var names = Sim.Industry.Names;
        var strategic = Sim.Industry.Strategic;
        for (var s = 0; s < names.Length; s++)
        {
            _step.Add(step);
            _industry.Add(names[s]);
            _strategic.Add(strategic[s]);
            _measures.AppendRow(this, s);
        }
    }
}
