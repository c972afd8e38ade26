namespace AgentSim.Model.State;

/// <summary>
/// Per-province state and this quarter's flows, one array per quantity indexed by province.
/// Money flows are CNY bn per quarter; stocks are CNY bn at the end of the quarter.
/// </summary>
public sealed class ProvinceState
{
    public ProvinceState(int provinces, int industries)
    {
        Count = provinces;
        foreach (var field in typeof(ProvinceState).GetFields())
        {
            if (field.FieldType == typeof(double[]) && field.GetValue(this) is null)
                field.SetValue(this, new double[provinces]);
        }
        LeverValues = new double[provinces * (industries + LeverLayout.FixedLevers)];
        ExperimentLeverValues = new double[LeverValues.Length];
        CellFirms = new double[provinces * industries];
        WageIndex = new double[provinces * industries];
        Array.Fill(WageIndex, 1.0);
        SmoothedCellMargin = new double[provinces * industries];
        NormalCellMargin = new double[provinces * industries];
        CellRevenue = new double[provinces * industries];
        CellProfit = new double[provinces * industries];
        CellEmployment = new double[provinces * industries];
        Names = new string[provinces];
        Rule = new Config.IncentiveRule[provinces];
        IsPilot = new bool[provinces];
    }

    public int Count;
    public string[] Names;
    public Config.IncentiveRule[] Rule;
    public bool[] IsPilot;
    /// <summary>Levers per province: [p * LeverCount + lever]; see <see cref="LeverLayout"/>.</summary>
    public double[] LeverValues;
    /// <summary>Alive firms per (province, industry) cell: [p * industries + s].</summary>
    public double[] CellFirms;

    // Wages that follow the price war (MODEL.md 9.2), per (province, industry) cell [p * industries + s]
    /// <summary>Wage per worker relative to the industry's reference wage (1 at the start); used by next quarter's firms.</summary>
    public double[] WageIndex;
    /// <summary>Smoothed profit / revenue of the cell's firms.</summary>
    public double[] SmoothedCellMargin;
    /// <summary>The cell's smoothed margin at the end of the burn-in: the margin at which the wage index stays at 1.</summary>
    public double[] NormalCellMargin;
    /// <summary>This quarter's revenue, profit and employment (workers) of the cell's firms.</summary>
    public double[] CellRevenue;
    public double[] CellProfit;
    public double[] CellEmployment;

    // Data and calibration
    public double[] Population = null!;              // persons
    public double[] DataGdp = null!;                 // CNY bn per quarter (2023 data / 4)
    public double[] DataIncomePerCapita = null!;     // CNY per person per year (data)
    public double[] StateInvestment = null!;         // CNY bn per quarter spent this quarter, calibrated in burn-in
    public double[] StateInvestmentNext = null!;     // planned for next quarter

    // Firm-sourced flows (summed over the province's firms)
    public double[] Revenue = null!;
    public double[] ExportRevenue = null!;
    public double[] FirmWages = null!;
    public double[] IndustrialEmployment = null!;    // workers
    public double[] ImportedMaterials = null!;
    public double[] DomesticMaterials = null!;
    public double[] InventoryInvestment = null!;
    public double[] Vat = null!;
    public double[] FirmInterest = null!;
    public double[] ProductionSubsidies = null!;
    public double[] DirectedCreditDiscount = null!;  // interest the bank waives on soft-budget firms' loans (credit easing)
    public double[] DirectedCredit = null!;          // stock: debt of soft-budget firms, on which the discount is paid
    public double[] DirectedLoans = null!;           // new loans to soft-budget firms this quarter
    public double[] PrivateLoans = null!;            // new loans to other firms this quarter (after rationing)
    public double[] CapexSubsidiesLocal = null!;
    public double[] CapexSubsidiesCentral = null!;
    public double[] FirmCapex = null!;               // total, incl. land
    public double[] CapexToConstruction = null!;     // investment part of capex (GDP)
    public double[] LandSales = null!;
    public double[] Dividends = null!;
    public double[] FirmProfit = null!;
    public double[] RealFirmValueAdded = null!;      // output at base-year value added per unit
    public double[] FirmsAlive = null!;
    public double[] Zombies = null!;
    public double[] FirmCash = null!;                // stock, end of quarter
    public double[] FirmDebt = null!;                // stock, end of quarter
    public double[] FirmNetPositionStart = null!;    // cash - debt at the start of the quarter
    public double[] FirmEquityInjections = null!;
    public double[] FirmNetLending = null!;          // firms' net lending (financial surplus) from flows    // entrants' owners' equity (financial flow from households)
    public double[] Bailouts = null!;
    public double[] BailoutCount = null!;
    public double[] Exits = null!;
    public double[] Entries = null!;
    public double[] WriteOffs = null!;               // defaulted firm liabilities written off
    public double[] LgfvLosses = null!;              // share of write-offs borne by the province

    // Households' deposits and the province's bank (MODEL.md 9.1)
    public double[] Deposits = null!;                // stock, end of quarter
    public double[] DepositsStart = null!;           // stock, start of quarter
    public double[] DepositRate = null!;             // fraction per quarter paid this quarter
    public double[] NextDepositRate = null!;         // set at the end of this quarter, paid the next
    public double[] DepositInterest = null!;         // paid by the bank to households
    public double[] BankProfit = null!;              // interest received - deposit interest - write-offs it bears
    public double[] BankProfitToCentre = null!;      // profit above the normal return, paid to the centre
    public double[] BankNetLending = null!;          // retained profit
    public double[] BankOtherAssets = null!;         // deposits beyond firm loans and local debt (assets the model does not resolve)
    public double[] BankOtherAssetIncome = null!;    // their return, paid by the centre
    public double[] BankPolicyCost = null!;          // discounts + smoothed write-offs the bank recovers from depositors
    public double[] SmoothedBankWriteOffs = null!;   // write-offs net of the financing vehicle's share, smoothed
    public double[] BankLoans = null!;               // firm loans + local debt, end of quarter
    public double[] PrivateCreditRationing = null!;  // share of private firms' new loan demand the bank serves next quarter

    // Buyers' side of the goods market
    public double[] ConsumerGoods = null!;           // households' purchases of modelled goods
    public double[] ConstructionPurchases = null!;   // construction and equipment's purchases of modelled goods
    public double[] TradeInRebates = null!;          // rebates paid to the province's households

    // Households
    public double[] HouseholdIncome = null!;         // disposable income
    public double[] Wages = null!;                   // all wages (firms + services and construction)
    public double[] Transfers = null!;               // welfare + trade-in rebates
    public double[] HouseholdDividends = null!;      // firms' dividends + services and construction mixed income
    public double[] Consumption = null!;
    public double[] ServicesConsumption = null!;
    public double[] Housing = null!;
    public double[] PropensityToConsume = null!;
    public double[] SafetyNet = null!;
    public double[] ServicesEmployment = null!;
    public double[] InflationExpectation = null!;    // expected CPI change per quarter
    public double[] JobLossShare = null!;

    // Local government
    public double[] LocalRevenue = null!;
    public double[] CentralTransfers = null!;
    public double[] LocalSpending = null!;
    public double[] Welfare = null!;
    public double[] GovernmentConsumption = null!;
    public double[] Infrastructure = null!;
    public double[] LocalInterest = null!;
    public double[] TradeInLocal = null!;
    public double[] LocalDebt = null!;
    public double[] LocalDebtStart = null!;

    // Aggregates and national accounts
    public double[] ServicesValueAdded = null!;
    public double[] ConstructionSales = null!;
    public double[] ConstructionValueAdded = null!;
    public double[] ConstructionImports = null!;     // imported equipment
    public double[] ServicesTax = null!;
    public double[] RetainedServices = null!;        // services and construction operating surplus not distributed
    public double[] Investment = null!;
    public double[] NetExports = null!;
    public double[] GdpExpenditure = null!;
    public double[] GdpValueAdded = null!;
    public double[] GdpReal = null!;
    public double[] GdpRealForScore = null!;
    public double[] IncomePerCapitaReal = null!;     // CNY per person per year, at start-of-run consumer prices
    public double[] PreviousGdp = null!;
    public double[] PreviousEmployment = null!;

    // Officials
    public double[] Score = null!;
    public double[] QuartersInOffice = null!;
    public double[] OfficialId = null!;
    public double[] ExperimentLever = null!;         // the experiment's move, -1 when none
    public double[] ExperimentBaseline = null!;      // the official's mean relative score when the experiment started
    public double[] GdpGrowthRecord = null!;         // smoothed yearly real GDP growth (track record)
    public double[] IncomeGrowthRecord = null!;      // smoothed yearly real income per capita growth
    public double[] OfficialYears = null!;           // year-ends the current official has been scored
    public double[] OfficialScoreSum = null!;

    /// <summary>Levers before the current experiment, restored if it fails: [p * LeverCount + lever].</summary>
    public double[] ExperimentLeverValues;

    public Span<double> Levers(int province) => LeverValues.AsSpan(province * LeverCount, LeverCount);

    public Span<double> ExperimentOldLevers(int province) => ExperimentLeverValues.AsSpan(province * LeverCount, LeverCount);

    public int LeverCount => LeverValues.Length / Count;
}

/// <summary>Lever positions: capex subsidy per industry first, then the province-wide levers.</summary>
public static class LeverLayout
{
    public const int FixedLevers = 4;
    public static int CapexSubsidy(int industry) => industry;
    public static int ProductionSubsidy(int industries) => industries;
    public static int BailoutPropensity(int industries) => industries + 1;
    public static int WelfareShare(int industries) => industries + 2;
    public static int CreditEasing(int industries) => industries + 3;

    public static string Name(int lever, IReadOnlyList<string> industryNames) =>
        lever < industryNames.Count ? $"capex_subsidy_{industryNames[lever]}"
        : (lever - industryNames.Count) switch
        {
            0 => "production_subsidy",
            1 => "bailout_propensity",
            2 => "welfare_share",
            _ => "credit_easing",
        };
}
