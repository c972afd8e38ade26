using AgentSim.Model;
using AgentSim.Model.State;

namespace AgentSim.Output.Tables;

/// <summary>
/// <c>provinces.parquet</c>: one row per (step, province) with the province's national accounts, households, local
/// budget, firms and levers (MODEL.md section 7). Rows for a quarter are appended right after it is simulated.
/// </summary>
public sealed class ProvincesTable
{
    private static readonly ColumnSpec[] Keys =
    [
        new("step", ColumnKind.Int32, Units.Step, "Quarter the row describes."),
        new("province", ColumnKind.String, Units.None, "Province name as in the provinces data file."),
        new("incentive_rule", ColumnKind.String, Units.None, "Rule the province's official is scored under this quarter (gdp, household_income or mixed)."),
        new("is_pilot", ColumnKind.Bool, Units.None, "True for a pilot province (it switches rule at incentives.switch_step)."),
    ];

    private readonly MeasureWriter<ProvincesTable> _measures;
    private readonly ColumnBuffer<int> _step;
    private readonly ColumnBuffer<string> _province;
    private readonly ColumnBuffer<string> _rule;
    private readonly ColumnBuffer<bool> _pilot;
    private readonly double[] _previousGdpReal;
    private bool _hasPrevious;

    public ProvincesTable(Simulation simulation)
    {
        Sim = simulation;
        State = simulation.Provinces;
        Buffer = new TableBuffer(Schema(simulation.Industry.Names), initialCapacity: 0);
        _measures = Measures(simulation.Industry.Names).Bind(Buffer);
        _step = Buffer.Ints("step");
        _province = Buffer.Strings("province");
        _rule = Buffer.Strings("incentive_rule");
        _pilot = Buffer.Bools("is_pilot");
        _previousGdpReal = new double[State.Count];
    }

    /// <summary>The simulation rows are read from.</summary>
    public Simulation Sim { get; }

    /// <summary>Rows appended since the buffer was last handed to a writer.</summary>
    public TableBuffer Buffer { get; }

    private ProvinceState State { get; }

    /// <summary>The table layout for a run with these industries (one capex-subsidy lever column per industry).</summary>
    public static TableSchema Schema(IReadOnlyList<string> industryNames) =>
        new(TableNames.Provinces, [.. Keys, .. Measures(industryNames).Specs]);

    /// <summary>Appends one row per province for the quarter the simulation has just run (step = <c>Sim.Step - 1</c>).</summary>
    public void Append()
    {
        var prov = State;
        var step = Sim.Step - 1;
        for (var p = 0; p < prov.Count; p++)
        {
            _step.Add(step);
            _province.Add(prov.Names[p]);
            _rule.Add(TableNames.Rule(prov.Rule[p]));
            _pilot.Add(prov.IsPilot[p]);
            _measures.AppendRow(this, p);
        }
        Array.Copy(prov.GdpReal, _previousGdpReal, prov.Count);
        _hasPrevious = true;
    }

    private double GdpGrowth(int p) =>
        _hasPrevious && _previousGdpReal[p] > 0 && State.GdpReal[p] > 0 ? Math.Log(State.GdpReal[p] / _previousGdpReal[p]) : 0;

    private static double Share(double part, double whole) => whole != 0 ? part / whole : 0;

    private static Measures<ProvincesTable> Measures(IReadOnlyList<string> industryNames)
    {
        var m = new Measures<ProvincesTable>()
            .Add("gdp", Units.Flow, "Provincial GDP, by expenditure (same as gdp_expenditure).", (t, p) => t.State.GdpExpenditure[p])
            .Add("gdp_expenditure", Units.Flow, "GDP as consumption + investment + government consumption + net exports (to other provinces and abroad).", (t, p) => t.State.GdpExpenditure[p])
            .Add("gdp_value_added", Units.Flow, "GDP as the sum of value added of the modelled industries, services and construction; equals gdp_expenditure.", (t, p) => t.State.GdpValueAdded[p])
            .Add("gdp_real", Units.RealFlow, "Real GDP: industrial output at base-year value added per unit plus services and construction value added.", (t, p) => t.State.GdpReal[p])
            .Add("gdp_growth", Units.LogGrowth, "Quarter-on-quarter log growth of gdp_real (0 on the province's first row).", (t, p) => t.GdpGrowth(p))
            .Add("household_income", Units.Flow, "Household disposable income: wages + transfers + household_dividends + deposit_interest.", (t, p) => t.State.HouseholdIncome[p])
            .Add("household_income_per_capita_real", "CNY per person per year at start-of-run consumer prices", "Disposable income per resident, annualised and deflated by the consumer price index.", (t, p) => t.State.IncomePerCapitaReal[p])
            .Add("wages", Units.Flow, "Wages paid by the modelled industries and by services and construction.", (t, p) => t.State.Wages[p])
            .Add("transfers", Units.Flow, "Welfare transfers plus trade-in rebates received by households.", (t, p) => t.State.Transfers[p])
            .Add("household_dividends", Units.Flow, "Firms' dividends plus the mixed income of services and construction paid to households.", (t, p) => t.State.HouseholdDividends[p])
            .Add("household_consumption", Units.Flow, "Household consumption of modelled consumer goods and services.", (t, p) => t.State.Consumption[p])
            .Add("consumption_share", Units.Fraction, "household_consumption as a share of gdp.", (t, p) => Share(t.State.Consumption[p], t.State.GdpExpenditure[p]))
            .Add("investment", Units.Flow, "Gross investment: firms' capacity construction, inventory change, housing, infrastructure and state investment.", (t, p) => t.State.Investment[p])
            .Add("investment_share", Units.Fraction, "investment as a share of gdp.", (t, p) => Share(t.State.Investment[p], t.State.GdpExpenditure[p]))
            .Add("government_consumption", Units.Flow, "Local government consumption (public services bought from the services aggregate).", (t, p) => t.State.GovernmentConsumption[p])
            .Add("net_exports", Units.Flow, "Sales of the province's firms minus its purchases of modelled goods, imported materials and imported equipment.", (t, p) => t.State.NetExports[p])
            .Add("construction_imports", Units.Flow, "Equipment the construction and equipment aggregate imports from abroad.", (t, p) => t.State.ConstructionImports[p])
            .Add("propensity_to_consume", Units.Fraction, "Share of disposable income households consume this quarter.", (t, p) => t.State.PropensityToConsume[p])
            .Add("safety_net", "index", "Safety-net index built by welfare spending; raises the propensity to consume.", (t, p) => t.State.SafetyNet[p])
            .Add("subsidies", Units.Flow, "All budget subsidies to firms: capex_subsidies + production_subsidies (directed credit is the bank's: directed_credit_discount).", (t, p) => t.State.CapexSubsidiesLocal[p] + t.State.CapexSubsidiesCentral[p] + t.State.ProductionSubsidies[p])
            .Add("capex_subsidies", Units.Flow, "Capex subsidies paid on firms' investment and entrants' capex, local and central shares together.", (t, p) => t.State.CapexSubsidiesLocal[p] + t.State.CapexSubsidiesCentral[p])
            .Add("capex_subsidies_local", Units.Flow, "Part of capex_subsidies paid by the province.", (t, p) => t.State.CapexSubsidiesLocal[p])
            .Add("capex_subsidies_central", Units.Flow, "Part of capex_subsidies paid by the central government (co-funding for strategic industries).", (t, p) => t.State.CapexSubsidiesCentral[p])
            .Add("production_subsidies", Units.Flow, "Production subsidies paid by the province on local firms' revenue.", (t, p) => t.State.ProductionSubsidies[p])
            .Add("directed_credit_discount", Units.Flow, "Interest the province's bank waives on soft-budget firms' loans under credit easing (directed credit, MODEL.md 9.1).", (t, p) => t.State.DirectedCreditDiscount[p])
            .Add("directed_credit", Units.Stock, "Debt of soft-budget firms (state-owned, or in an industry the province targets) at the end of the quarter; the discount is paid on their debt at its start.", (t, p) => t.State.DirectedCredit[p])
            .Add("directed_loans", Units.Flow, "New bank loans to soft-budget firms this quarter.", (t, p) => t.State.DirectedLoans[p])
            .Add("private_loans", Units.Flow, "New bank loans to other firms this quarter, after any rationing.", (t, p) => t.State.PrivateLoans[p])
            .Add("private_credit_rationing", Units.Fraction, "Share of private firms' new loan demand the bank serves next quarter under the loan-to-deposit ceiling (1: not rationed).", (t, p) => t.State.PrivateCreditRationing[p])
            .Add("deposits", Units.Stock, "Household deposits in the province's bank; deposits - deposits_start = household_income - household_consumption - housing - firm_equity_injections.", (t, p) => t.State.Deposits[p])
            .Add("deposits_start", Units.StockStart, "Household deposits at the start of the quarter.", (t, p) => t.State.DepositsStart[p])
            .Add("deposit_rate", "fraction per quarter", "Rate the province's bank paid on deposits this quarter (set at the end of the last): the benchmark less the policy costs it recovers (financial repression), not below the floor.", (t, p) => t.State.DepositRate[p])
            .Add("deposit_interest", Units.Flow, "Interest paid to households on deposits_start at deposit_rate (part of household_income).", (t, p) => t.State.DepositInterest[p])
            .Add("housing", Units.Flow, "Households' housing purchases (from construction).", (t, p) => t.State.Housing[p])
            .Add("bank_interest_income", Units.Flow, "Interest the province's bank receives: firm_interest + local_interest.", (t, p) => t.State.FirmInterest[p] + t.State.LocalInterest[p])
            .Add("firm_interest", Units.Flow, "Interest firms pay the bank, net of the directed-credit discount.", (t, p) => t.State.FirmInterest[p])
            .Add("bank_other_asset_income", Units.Flow, "Return on the deposits the bank does not lend to modelled firms or the province (bonds, reserves, other loans), at the benchmark deposit rate plus its normal return, paid by the centre.", (t, p) => t.State.BankOtherAssetIncome[p])
            .Add("bank_write_offs", Units.Flow, "Write-offs the bank bears: write_offs - lgfv_losses.", (t, p) => t.State.WriteOffs[p] - t.State.LgfvLosses[p])
            .Add("bank_profit", Units.Flow, "Bank profit: bank_interest_income + bank_other_asset_income - deposit_interest - bank_write_offs.", (t, p) => t.State.BankProfit[p])
            .Add("bank_profit_to_centre", Units.Flow, "Bank profit above its normal return, paid to the central government (the state owner).", (t, p) => t.State.BankProfitToCentre[p])
            .Add("bank_net_lending", Units.Flow, "Profit the bank retains: bank_profit - bank_profit_to_centre.", (t, p) => t.State.BankNetLending[p])
            .Add("bank_policy_cost", Units.Flow, "Directed-credit discount plus smoothed write-offs: what the bank recovers from depositors through the deposit rate.", (t, p) => t.State.BankPolicyCost[p])
            .Add("bailouts", Units.Flow, "Cash the province paid to rescue failing firms.", (t, p) => t.State.Bailouts[p])
            .AddCount("bailout_count", Units.FirmsPerQuarter, "Firms rescued by the province this quarter.", (t, p) => t.State.BailoutCount[p])
            .Add("welfare_spending", Units.Flow, "Welfare transfers paid by the province (its welfare lever's share of programme spending).", (t, p) => t.State.Welfare[p])
            .Add("infrastructure", Units.Flow, "Local infrastructure investment.", (t, p) => t.State.Infrastructure[p])
            .Add("trade_in_local", Units.Flow, "Province's share of the trade-in rebates paid to its households.", (t, p) => t.State.TradeInLocal[p])
            .Add("local_interest", Units.Flow, "Interest the province pays on its debt.", (t, p) => t.State.LocalInterest[p])
            .Add("local_revenue", Units.Flow, "Local revenue: the province's VAT share, land sales and central transfers.", (t, p) => t.State.LocalRevenue[p])
            .Add("local_spending", Units.Flow, "Local spending: local subsidies, bailouts, interest, financing-vehicle losses, trade-in share, welfare, government consumption and infrastructure.", (t, p) => t.State.LocalSpending[p])
            .Add("local_debt", Units.Stock, "Local government debt; local_debt - local_debt_start = local_spending - local_revenue.", (t, p) => t.State.LocalDebt[p])
            .Add("local_debt_start", Units.StockStart, "Local government debt at the start of the quarter.", (t, p) => t.State.LocalDebtStart[p])
            .Add("central_transfers", Units.Flow, "Transfers from the central government to the province.", (t, p) => t.State.CentralTransfers[p])
            .Add("land_sales", Units.Flow, "Land sold to firms for new capacity (land finance).", (t, p) => t.State.LandSales[p])
            .Add("employment", Units.Workers, "Jobs in the province: industrial_employment + services_employment.", (t, p) => t.State.IndustrialEmployment[p] + t.State.ServicesEmployment[p])
            .Add("industrial_employment", Units.Workers, "Jobs in the modelled industries.", (t, p) => t.State.IndustrialEmployment[p])
            .Add("services_employment", Units.Workers, "Jobs in services and construction.", (t, p) => t.State.ServicesEmployment[p])
            .Add("population", Units.Persons, "Resident population (data, constant over the run).", (t, p) => t.State.Population[p])
            .AddCount("firms", Units.Firms, "Firms alive at the end of the quarter.", (t, p) => t.State.FirmsAlive[p])
            .AddCount("zombies", Units.Firms, "Alive firms with negative equity for at least entry_exit.zombie_quarters quarters.", (t, p) => t.State.Zombies[p])
            .AddCount("entries", Units.FirmsPerQuarter, "Firms that entered this quarter.", (t, p) => t.State.Entries[p])
            .AddCount("exits", Units.FirmsPerQuarter, "Firms that exited this quarter (distressed and not rescued).", (t, p) => t.State.Exits[p])
            .Add("firm_cash", Units.Stock, "Cash held by the province's firms.", (t, p) => t.State.FirmCash[p])
            .Add("firm_debt", Units.Stock, "Bank debt of the province's firms.", (t, p) => t.State.FirmDebt[p])
            .Add("firm_net_position_start", Units.StockStart, "Firms' cash minus debt at the start of the quarter (firms alive then).", (t, p) => t.State.FirmNetPositionStart[p])
            .Add("firm_net_lending", Units.Flow, "Firms' financial surplus from their flows; (firm_cash - firm_debt) - firm_net_position_start = firm_net_lending + firm_equity_injections.", (t, p) => t.State.FirmNetLending[p])
            .Add("firm_equity_injections", Units.Flow, "Equity put into entrants by their owners.", (t, p) => t.State.FirmEquityInjections[p])
            .Add("firm_profit", Units.Flow, "Profit of the province's firms after interest, VAT, subsidies and depreciation.", (t, p) => t.State.FirmProfit[p])
            .Add("write_offs", Units.Flow, "Liabilities of exiting firms written off (debt minus cash).", (t, p) => t.State.WriteOffs[p])
            .Add("lgfv_losses", Units.Flow, "Part of write_offs borne by the province's financing vehicle.", (t, p) => t.State.LgfvLosses[p])
            .Add("official_score", "score", "Official's latest year-end score under its rule, relative to peers (0 before the first evaluation).", (t, p) => t.State.Score[p])
            .Add("state_investment", Units.Flow, "State and other centrally financed investment spent in the province.", (t, p) => t.State.StateInvestment[p]);
        var levers = industryNames.Count + LeverLayout.FixedLevers;
        for (var lever = 0; lever < levers; lever++)
        {
            var l = lever;
            m.Add(TableNames.LeverColumn(l, industryNames), TableNames.LeverUnit(l, industryNames), TableNames.LeverMeaning(l, industryNames),
                (t, p) => t.State.LeverValues[p * t.State.LeverCount + l]);
        }
        return m;
    }
}
