using AgentSim.Model;
using AgentSim.Model.State;

namespace AgentSim.Output.Tables;

/// <summary>
/// <c>nation.parquet</c>: one row per step with national totals, price indices, the central government and the
/// net lending of every sector (which sums to zero: MODEL.md section 5).
/// </summary>
public sealed class NationTable
{
    private static readonly ColumnSpec[] Keys =
    [
        new("step", ColumnKind.Int32, Units.Step, "Quarter the row describes."),
    ];

    private static readonly Measures<NationTable> Columns = new Measures<NationTable>()
        .Add("gdp", Units.Flow, "National GDP by expenditure (sum over provinces).", (t, _) => t.State.Gdp)
        .Add("gdp_real", Units.RealFlow, "National real GDP (sum of provinces' gdp_real).", (t, _) => t.State.GdpReal)
        .Add("gdp_growth", Units.LogGrowth, "Quarter-on-quarter log growth of gdp_real (0 on the first row).", (t, _) => t.GdpGrowth())
        .Add("consumption", Units.Flow, "Household consumption.", (t, _) => t.State.Consumption)
        .Add("consumption_share", Units.Fraction, "consumption as a share of gdp.", (t, _) => t.State.Gdp != 0 ? t.State.Consumption / t.State.Gdp : 0)
        .Add("investment", Units.Flow, "Gross investment.", (t, _) => t.State.Investment)
        .Add("investment_share", Units.Fraction, "investment as a share of gdp.", (t, _) => t.State.Gdp != 0 ? t.State.Investment / t.State.Gdp : 0)
        .Add("government_consumption", Units.Flow, "Local government consumption.", (t, _) => t.State.GovernmentConsumption)
        .Add("net_exports", Units.Flow, "Exports minus imports (interprovincial trade nets out).", (t, _) => t.State.NetExports)
        .Add("exports", Units.Flow, "Export revenue of the modelled industries.", (t, _) => t.State.Exports)
        .Add("imports", Units.Flow, "Materials and equipment bought from abroad.", (t, _) => t.State.Imports)
        .Add("household_income", Units.Flow, "Household disposable income.", (t, _) => t.State.HouseholdIncome)
        .Add("firm_capacity_investment", Units.Flow, "Firms' capex spent on construction and equipment (excluding land).", (t, _) => t.State.FirmCapacityInvestment)
        .Add("ppi", Units.Index, "Producer price index of the modelled industries (base-year output weights).", (t, _) => t.State.ProducerPriceIndex)
        .Add("strategic_price_index", Units.Index, "Producer price index of the strategic industries.", (t, _) => t.State.StrategicPriceIndex)
        .Add("non_strategic_price_index", Units.Index, "Producer price index of the other industries.", (t, _) => t.State.NonStrategicPriceIndex)
        .Add("consumer_goods_price_index", Units.Index, "Price index of modelled consumer goods (base-year consumption weights).", (t, _) => t.State.ConsumerGoodsPriceIndex)
        .Add("cpi", Units.Index, "Consumer price index: modelled goods at their base-period weight, services at a constant price.", (t, _) => t.State.ConsumerPriceIndex)
        .Add("central_revenue", Units.Flow, "Central revenue: vat_central + services_tax + bank_profit_to_centre.", (t, _) => t.State.CentralRevenue)
        .Add("vat_central", Units.Flow, "Central government's share of VAT.", (t, _) => t.State.VatCentral)
        .Add("services_tax", Units.Flow, "Tax on services and construction value added.", (t, _) => t.State.ServicesTax)
        .Add("central_spending", Units.Flow, "Central spending: central_transfers + central_capex_cofunding + central_trade_in + state_investment + bank_other_asset_income.", (t, _) => t.State.CentralSpending)
        .Add("central_transfers", Units.Flow, "Transfers to provinces.", (t, _) => t.State.CentralTransfers)
        .Add("central_capex_cofunding", Units.Flow, "Central share of capex subsidies for strategic industries.", (t, _) => t.State.CentralCapexCofunding)
        .Add("central_trade_in", Units.Flow, "Central share of trade-in rebates.", (t, _) => t.State.CentralTradeIn)
        .Add("state_investment", Units.Flow, "State and other centrally financed investment.", (t, _) => t.State.StateInvestment)
        .Add("central_debt", Units.Stock, "Central government debt; central_debt - central_debt_start = central_spending - central_revenue.", (t, _) => t.State.CentralDebt)
        .Add("central_debt_start", Units.StockStart, "Central government debt at the start of the quarter.", (t, _) => t.State.CentralDebtStart)
        .Add("bank_interest_income", Units.Flow, "Interest banks receive from firms and local governments.", (t, _) => t.State.BankInterestIncome)
        .Add("bank_write_off_losses", Units.Flow, "Write-offs borne by banks (after the financing vehicles' share).", (t, _) => t.State.BankWriteOffLosses)
        .Add("net_lending_households", Units.Flow, "Households' net lending: income - consumption - housing.", (t, _) => t.State.NetLendingHouseholds)
        .Add("net_lending_firms", Units.Flow, "Modelled firms' net lending (financial surplus).", (t, _) => t.State.NetLendingFirms)
        .Add("net_lending_services_construction", Units.Flow, "Services and construction aggregate's retained surplus.", (t, _) => t.State.NetLendingServicesAndConstruction)
        .Add("deposit_interest", Units.Flow, "Interest banks pay on household deposits (part of household income).", (t, _) => t.State.DepositInterest)
        .Add("bank_profit_to_centre", Units.Flow, "Banks' profit above their normal return, paid to the central government.", (t, _) => t.State.BankProfitToCentre)
        .Add("bank_other_asset_income", Units.Flow, "Return the centre pays banks on the deposits they do not lend to modelled firms or provinces.", (t, _) => t.State.BankOtherAssetIncome)
        .Add("deposits", Units.Stock, "Household deposits, all provinces.", (t, _) => t.State.Deposits)
        .Add("directed_credit_discount", Units.Flow, "Interest banks waive on directed credit to soft-budget firms.", (t, _) => t.State.DirectedCreditDiscount)
        .Add("net_lending_banks", Units.Flow, "Banks' net lending (retained profit): interest income - deposit interest - write-off losses - profit paid to the centre.", (t, _) => t.State.NetLendingBanks)
        .Add("net_lending_local_governments", Units.Flow, "Local governments' net lending: revenue - spending.", (t, _) => t.State.NetLendingLocalGovernments)
        .Add("net_lending_central_government", Units.Flow, "Central government's net lending: revenue - spending.", (t, _) => t.State.NetLendingCentralGovernment)
        .Add("net_lending_rest_of_world", Units.Flow, "Rest of the world's net lending to China: imports - exports. The seven net_lending columns sum to zero.", (t, _) => t.State.NetLendingRestOfWorld);

    private readonly MeasureWriter<NationTable> _measures;
    private readonly ColumnBuffer<int> _step;
    private double _previousGdpReal;
    private bool _hasPrevious;

    public NationTable(Simulation simulation)
    {
        Sim = simulation;
        State = simulation.Nation;
        Buffer = new TableBuffer(Schema, initialCapacity: 0);
        _measures = Columns.Bind(Buffer);
        _step = Buffer.Ints("step");
    }

    /// <summary>The table layout.</summary>
    public static TableSchema Schema { get; } = new(TableNames.Nation, [.. Keys, .. Columns.Specs]);

    /// <summary>The simulation rows are read from.</summary>
    public Simulation Sim { get; }

    /// <summary>Rows appended since the buffer was last handed to a writer.</summary>
    public TableBuffer Buffer { get; }

    private NationState State { get; }

    /// <summary>Appends the row for the quarter the simulation has just run (step = <c>Sim.Step - 1</c>).</summary>
    public void Append()
    {
        _step.Add(Sim.Step - 1);
        _measures.AppendRow(this, 0);
        _previousGdpReal = State.GdpReal;
        _hasPrevious = true;
    }

    private double GdpGrowth() =>
        _hasPrevious && _previousGdpReal > 0 && State.GdpReal > 0 ? Math.Log(State.GdpReal / _previousGdpReal) : 0;
}
