namespace AgentSim.Config;

/// <summary>How an official's performance is scored. The rule defines only the score; it never sets a lever.</summary>
public enum IncentiveRule
{
    /// <summary>Provincial real GDP growth minus the peer mean (promotion tournament).</summary>
    Gdp,
    /// <summary>Per-capita real household disposable income growth minus the peer mean.</summary>
    HouseholdIncome,
    /// <summary>Weighted sum of the two, with an optional local-debt penalty.</summary>
    Mixed,
}

/// <summary>How officials update their levers each year.</summary>
public enum LearningMode
{
    /// <summary>Move towards the top-scoring peer under the same rule, then experiment with one lever.</summary>
    Imitation,
    /// <summary>Least-squares estimate of each lever's effect on the score across provinces; move along the gradient.</summary>
    Regression,
}

/// <summary>Root of a scenario configuration (one YAML file, optionally extending another).</summary>
public sealed class SimulationConfig
{
    [Param("Scenario name, used in output metadata and summaries.")]
    public string Name { get; set; } = "baseline";

    [Param("Base random seed; every random draw is keyed by (seed, stream, step, entity).", Min = 0, Max = long.MaxValue)]
    public long Seed { get; set; } = 42;

    [Param("Number of quarters to simulate after the burn-in. At most 240 (60 years), the horizon every shipped scenario is tested to run with invariants on (tests/AgentSim.Tests/Runs/LongHorizonTests.cs); beyond about 250 quarters a province's economy can collapse (docs/results.md).", Unit = "quarters", Min = 1, Max = 240)]
    public int Steps { get; set; } = 80;

    [Param("Quarters simulated before step 0 with policy frozen, so initial transients settle; not written to outputs.", Unit = "quarters", Min = 0, Max = 400)]
    public int BurnIn { get; set; } = 8;

    [Param("Number of firms created at the start (entry and exit change it later).", Unit = "firms", Min = 100, Max = 50_000_000)]
    public int Firms { get; set; } = 100_000;

    [Param("Worker threads for the parallel phases; 0 means all cores. Results do not depend on it.", Min = 0, Max = 1024)]
    public int Threads { get; set; } = 0;

    [Param("Where the province data comes from and how the modelled industries are spread across them.")]
    public ProvincesConfig Provinces { get; set; } = new();

    [Param("Industries modelled. A list given here replaces the default eight industries entirely; use --set industries.NAME.KEY=VALUE to change one field of one industry.")]
    public List<IndustryConfig> Industries { get; set; } = IndustryConfig.Defaults();

    [Param("Firms' expectations, pricing, production, investment and borrowing.")]
    public FirmBehaviourConfig FirmBehaviour { get; set; } = new();

    [Param("Firm entry, bailouts, zombies and defaults.")]
    public EntryExitConfig EntryExit { get; set; } = new();

    [Param("Household consumption, saving and the safety net.")]
    public HouseholdsConfig Households { get; set; } = new();
    public AggregatesConfig Aggregates { get; set; } = new();

    [Param("Provincial and central public finance.")]
    public GovernmentConfig Government { get; set; } = new();

    [Param("Provincial officials: tenure, the promotion tournament and how they learn.")]
    public OfficialsConfig Officials { get; set; } = new();

    [Param("Bounds and starting values of the policy levers each official sets.")]
    public LeversConfig Levers { get; set; } = new();

    [Param("Which incentive rule each province's official is scored under, and when pilots switch.")]
    public IncentivesConfig Incentives { get; set; } = new();

    [Param("Foreign tariffs on one industry's exports over a window of steps (none by default).")]
    public List<TariffConfig> Tariffs { get; set; } = new();

    [Param("Consumer trade-in rebate programmes (none by default).")]
    public List<TradeInConfig> TradeIn { get; set; } = new();

    [Param("Switches for ablation studies: turn one mechanism off at a time.")]
    public MechanismsConfig Mechanisms { get; set; } = new();

    [Param("Household deposits and one bank per province: deposit interest, directed credit, write-offs, financial repression (MODEL.md 9.1).")]
    public BankingConfig Banking { get; set; } = new();

    [Param("Trends over long horizons: industries' demand growth and state investment growth above the long-run rate fade.")]
    public DemandConfig Demand { get; set; } = new();

    [Param("Wages that follow the price war: rent sharing in each province's industries (MODEL.md 9.2).")]
    public WagesConfig Wages { get; set; } = new();

    [Param("Optional outputs beyond the standard tables.")]
    public OutputConfig Output { get; set; } = new();
}

public sealed class ProvincesConfig
{
    [Param("CSV of provinces (province, population_million, gdp_cny_trillion, disposable_income_per_capita_cny), relative to the config file.")]
    public string DataFile { get; set; } = "data/provinces.csv";

    [Param("Gross output of the modelled industries relative to provincial GDP at the start.", Unit = "fraction", Min = 0.01, Max = 0.6)]
    public double ModelledIndustryShare { get; set; } = 0.28;

    [Param("Spread of the modelled-industry share across provinces: richer provinces tilt towards services by this elasticity of GDP per capita.", Min = 0, Max = 2)]
    public double IndustryShareIncomeElasticity { get; set; } = 0.3;
}

public sealed class IndustryConfig
{
    [Param("Industry name (snake_case), used in outputs and to refer to the industry in tariffs and programmes.")]
    public string Name { get; set; } = "industry";

    [Param("On the central government's strategic priority list: its capex subsidies are co-funded by the centre and its loans are policy-directed.")]
    public bool Strategic { get; set; }

    [Param("Share of the initial output of the modelled industries produced by this industry.", Unit = "fraction", Min = 0.001, Max = 1)]
    public double OutputShare { get; set; } = 0.125;

    [Param("Capital expenditure per unit of quarterly capacity.", Unit = "CNY bn per unit of quarterly capacity", Min = 0.1, Max = 100)]
    public double CapitalPerUnit { get; set; } = 2.4;

    [Param("Median variable unit cost at the start; one unit of output sold for about CNY 1 bn at the start.", Unit = "CNY bn per unit", Min = 0.05, Max = 10)]
    public double UnitCost { get; set; } = 0.8;

    [Param("Lognormal sigma of unit costs across firms at the start.", Min = 0, Max = 2)]
    public double CostDispersion { get; set; } = 0.12;

    [Param("Fraction by which unit cost falls per doubling of the industry's cumulative output (Wright's law).", Unit = "fraction", Min = 0, Max = 0.5)]
    public double LearningRate { get; set; } = 0.05;

    [Param("Initial markup over unit cost.", Unit = "fraction", Min = -0.5, Max = 2)]
    public double InitialMarkup { get; set; } = 0.25;

    [Param("Share of initial sales that is domestic demand (the rest is exports).", Unit = "fraction", Min = 0, Max = 1)]
    public double DomesticShare { get; set; } = 0.8;

    [Param("Price elasticity of domestic demand (positive number).", Min = 0, Max = 10)]
    public double DemandElasticity { get; set; } = 0.8;

    [Param("Trend growth of domestic demand at constant prices.", Unit = "fraction per quarter", Min = -0.1, Max = 0.2)]
    public double DemandGrowth { get; set; } = 0.01;

    [Param("Share of domestic demand that is household consumption; the rest is bought by construction and equipment.", Unit = "fraction", Min = 0, Max = 1)]
    public double ConsumerShare { get; set; } = 0.2;

    [Param("Trend growth of foreign demand at constant prices.", Unit = "fraction per quarter", Min = -0.1, Max = 0.2)]
    public double ExportGrowth { get; set; } = 0.008;

    [Param("Price elasticity of export demand relative to the world price (positive number).", Min = 0, Max = 10)]
    public double ExportElasticity { get; set; } = 1.5;

    [Param("Within-industry price elasticity of firm market shares (high for commodities).", Min = 0, Max = 40)]
    public double Substitution { get; set; } = 4;

    [Param("Share of capacity lost each quarter.", Unit = "fraction per quarter", Min = 0, Max = 0.5)]
    public double Depreciation { get; set; } = 0.02;

    [Param("Quarters between an investment decision and the capacity coming on line.", Unit = "quarters", Min = 1, Max = 12)]
    public int BuildLag { get; set; } = 3;

    [Param("Workers per unit of quarterly output at the start (falls with the learning curve).", Unit = "workers per unit per quarter", Min = 0, Max = 1e6)]
    public double LabourPerUnit { get; set; } = 4000;

    [Param("Wage per worker per quarter.", Unit = "CNY bn per worker per quarter", Min = 0, Max = 1)]
    public double Wage { get; set; } = 2.5e-5;

    [Param("Share of industry firms that are state-owned.", Unit = "fraction", Min = 0, Max = 1)]
    public double StateOwnedShare { get; set; } = 0.15;

    public static List<IndustryConfig> Defaults() => DefaultIndustries.Create();
}

public sealed class FirmBehaviourConfig
{
    [Param("Adaptive-expectations weight beta: expected demand moves this share of the way to last sales.", Unit = "fraction", Min = 0, Max = 1)]
    public double ExpectationSmoothing { get; set; } = 0.5;

    [Param("Target inventory as a share of expected sales (h*).", Unit = "fraction", Min = 0, Max = 2)]
    public double TargetInventoryRatio { get; set; } = 0.1;

    [Param("Minimum utilisation kept by firms under employment pressure (state-owned, or in provinces paying production subsidies).", Unit = "fraction", Min = 0, Max = 1)]
    public double UtilisationFloor { get; set; } = 0.5;

    [Param("Relative band around the target inventory inside which the markup is left alone: above (1+band) times the target it falls, below (1-band) times the target (or sold out) it rises.", Unit = "fraction", Min = 0, Max = 1)]
    public double InventoryBand { get; set; } = 0.5;

    [Param("Firms whose smoothed utilisation is below this cut their markup to fill capacity (price wars when capacity runs ahead of demand).", Unit = "fraction", Min = 0, Max = 1)]
    public double PriceCutUtilisation { get; set; } = 0.7;

    [Param("Firms raise their markup (sold out or inventory below target) only when their smoothed utilisation is at least this: with idle capacity a firm that sold out raises output, not its price.", Unit = "fraction", Min = 0, Max = 1)]
    public double MarkupRaiseUtilisation { get; set; } = 0.75;

    [Param("Markup cut when inventories exceed the target or utilisation is below price_cut_utilisation (rho_down).", Unit = "fraction per quarter", Min = 0, Max = 0.5)]
    public double MarkupDown { get; set; } = 0.02;

    [Param("Markup rise when a firm sells out or its inventory is well below target (rho_up).", Unit = "fraction per quarter", Min = 0, Max = 0.5)]
    public double MarkupUp { get; set; } = 0.015;

    [Param("How far below cost a firm with a soft budget or deep cash may price (m_floor).", Unit = "fraction", Min = 0, Max = 1)]
    public double BelowCostFloor { get; set; } = 0.05;

    [Param("Highest markup a firm will set.", Unit = "fraction", Min = 0, Max = 5)]
    public double MaxMarkup { get; set; } = 0.6;

    [Param("Desired net capacity growth phi0 on top of replacing depreciation and following the expected growth of industry demand.", Unit = "fraction per quarter", Min = -1, Max = 1)]
    public double InvestmentBase { get; set; } = -0.008;

    [Param("Response of desired capacity growth to utilisation above target (phi1).", Min = 0, Max = 10)]
    public double InvestmentUtilisation { get; set; } = 0.08;

    [Param("Response of desired capacity growth to the profit rate above the loan rate (phi2).", Min = 0, Max = 10)]
    public double InvestmentProfit { get; set; } = 0.5;

    [Param("Response of desired capacity growth to the province's capex subsidy rate for the industry (phi3).", Min = 0, Max = 10)]
    public double InvestmentSubsidy { get; set; } = 0.1;

    [Param("Response of desired capacity growth to the province's credit easing lever (phi4); directed credit reaches soft-budget firms only (state-owned or in target industries).", Min = 0, Max = 10)]
    public double InvestmentCredit { get; set; } = 0.03;

    [Param("Utilisation at which firms neither add nor cut planned capacity growth (u*).", Unit = "fraction", Min = 0.1, Max = 1)]
    public double TargetUtilisation { get; set; } = 0.8;

    [Param("Capacity utilisation of every firm at the start (the NBS figure for 2023 is 0.751).", Unit = "fraction", Min = 0.1, Max = 1)]
    public double InitialUtilisation { get; set; } = 0.75;

    [Param("Upper bound on capacity growth ordered in one quarter.", Unit = "fraction per quarter", Min = 0, Max = 1)]
    public double MaxInvestmentRate { get; set; } = 0.08;

    [Param("Bank loan rate.", Unit = "fraction per quarter", Min = 0, Max = 0.2)]
    public double LoanRate { get; set; } = 0.011;

    [Param("Debt-to-capital ratio above which banks refuse new loans to firms without a soft budget (credit easing does not raise it: it is directed credit to soft-budget firms, which skip the limit).", Unit = "fraction", Min = 0, Max = 10)]
    public double LeverageLimit { get; set; } = 0.6;

    [Param("Share of debt repaid each quarter when cash allows.", Unit = "fraction per quarter", Min = 0, Max = 1)]
    public double RepaymentRate { get; set; } = 0.025;

    [Param("Share of positive profit paid to households as dividends.", Unit = "fraction", Min = 0, Max = 1)]
    public double DividendPayout { get; set; } = 0.3;

    [Param("Cash a firm keeps before it funds investment from cash, in quarters of its wage and materials bill.", Unit = "quarters", Min = 0, Max = 20)]
    public double CashBufferQuarters { get; set; } = 0.5;

    [Param("Initial debt-to-capital ratio of firms.", Unit = "fraction", Min = 0, Max = 5)]
    public double InitialLeverage { get; set; } = 0.4;

    [Param("Pareto tail exponent of initial firm capacity (Zipf ~1).", Min = 0.5, Max = 5)]
    public double SizeTailExponent { get; set; } = 1.3;

    [Param("Smoothing weight for a firm's utilisation and profit-rate memory used in investment.", Unit = "fraction", Min = 0, Max = 1)]
    public double MemorySmoothing { get; set; } = 0.3;

    [Param("Share of materials bought from abroad; the rest comes from domestic suppliers (the services aggregate).", Unit = "fraction", Min = 0, Max = 1)]
    public double ImportedMaterialShare { get; set; } = 0.2;

    [Param("Floored production stops once inventories exceed this many quarters of expected sales.", Unit = "quarters", Min = 0, Max = 20)]
    public double MaxInventoryQuarters { get; set; } = 1.0;

    [Param("A capex subsidy at or above this rate marks the industry as the official's target: its firms get soft-budget loans.", Unit = "fraction", Min = 0, Max = 1)]
    public double TargetIndustrySubsidy { get; set; } = 0.1;

    [Param("Elasticity of the world price to the industry's learning-curve cost index: foreign producers move down the same (global) learning curve, so 1 keeps the world price proportional to unit costs and 0 holds it at the start value.", Min = 0, Max = 1)]
    public double WorldPriceLearning { get; set; } = 1.0;

    [Param("Elasticity of capital per unit of capacity to the industry's learning-curve cost index: capex per unit of capacity falls with experience (e.g. module-line capex per GW); book capital is valued at this replacement cost.", Min = 0, Max = 1)]
    public double CapitalCostLearning { get; set; } = 1.0;

    [Param("Initial cumulative output of each industry, in quarters of initial output: where industries start on the learning curve.", Unit = "quarters", Min = 1, Max = 1000)]
    public double InitialExperienceQuarters { get; set; } = 20;

    [Param("Initial firm cash, in quarters of revenue.", Unit = "quarters", Min = 0, Max = 20)]
    public double InitialCashQuarters { get; set; } = 0.3;
}

public sealed class EntryExitConfig
{
    [Param("Expected entrants per quarter as a share of the firms in a (province, industry) cell at zero profit and zero subsidy.", Unit = "fraction per quarter", Min = 0, Max = 1)]
    public double BaseEntryRate { get; set; } = 0.006;

    [Param("Entry response to the industry's smoothed profit rate (per unit of quarterly return on capital).", Min = 0, Max = 500)]
    public double EntryProfitSensitivity { get; set; } = 15;

    [Param("Entry response to the province's capex subsidy for the industry.", Min = 0, Max = 100)]
    public double EntrySubsidySensitivity { get; set; } = 8;

    [Param("Capacity of an entrant relative to the mean firm of its industry (the mean is well above the median under the Pareto size distribution); above 5 the default horizon stops on the sector-balance check (at 10 in quarter 69).", Unit = "fraction", Min = 0.01, Max = 5)]
    public double EntrantRelativeSize { get; set; } = 0.25;

    [Param("Share of an entrant's capex financed by its owners' equity (the rest is a bank loan).", Unit = "fraction", Min = 0, Max = 1)]
    public double EntrantEquityShare { get; set; } = 0.5;

    [Param("Working cash an entrant's owners provide, in quarters of its capacity's revenue.", Unit = "quarters", Min = 0, Max = 20)]
    public double EntrantWorkingCashQuarters { get; set; } = 0.25;

    [Param("A bailout is granted when bailout propensity times the firm's employment weight exceeds this threshold.", Min = 0, Max = 100)]
    public double BailoutThreshold { get; set; } = 0.3;

    [Param("Bailout tops cash up to this many quarters of the firm's wage bill.", Unit = "quarters", Min = 0, Max = 8)]
    public double BailoutCashQuarters { get; set; } = 0.5;

    [Param("Quarters alive with negative equity after which a firm counts as a zombie.", Unit = "quarters", Min = 1, Max = 40)]
    public int ZombieQuarters { get; set; } = 4;

    [Param("Share of a defaulting firm's unpaid debt borne by its province's financing vehicle (the bank bears the rest).", Unit = "fraction", Min = 0, Max = 1)]
    public double LgfvLossShare { get; set; } = 0.3;
}

public sealed class HouseholdsConfig
{
    [Param("Propensity to consume out of disposable income with no safety net and no shocks.", Unit = "fraction", Min = 0, Max = 1)]
    public double BasePropensity { get; set; } = 0.62;

    [Param("Rise in the propensity to consume per unit of the safety-net index.", Min = 0, Max = 2)]
    public double SafetyNetEffect { get; set; } = 0.25;

    [Param("Fall in the propensity to consume per unit share of local industrial jobs lost in the quarter.", Min = 0, Max = 20)]
    public double JobLossEffect { get; set; } = 1.0;

    [Param("Fall in the propensity to consume per unit of expected quarterly consumer-price deflation.", Min = 0, Max = 50)]
    public double DeflationEffect { get; set; } = 2.0;

    [Param("Lowest propensity to consume.", Unit = "fraction", Min = 0, Max = 1)]
    public double MinPropensity { get; set; } = 0.4;

    [Param("Highest propensity to consume.", Unit = "fraction", Min = 0, Max = 1)]
    public double MaxPropensity { get; set; } = 0.9;

    [Param("Safety-net index built per unit of welfare transfers relative to household income, per quarter.", Min = 0, Max = 100)]
    public double SafetyNetBuildRate { get; set; } = 0.07;

    [Param("Share of the safety-net index that erodes each quarter; at 0 the index never settles and overflows in the first burn-in quarter.", Unit = "fraction per quarter", Min = 0.001, Max = 1)]
    public double SafetyNetDecay { get; set; } = 0.03;

    [Param("Share of disposable income spent on housing (bought from construction).", Unit = "fraction", Min = 0, Max = 0.5)]
    public double HousingRate { get; set; } = 0.1;




    [Param("Weight of the latest quarter's real consumption in the consumption level that scales consumer demand for the modelled goods (smoothing damps a one-quarter feedback from goods bought to income).", Unit = "fraction per quarter", Min = 0.01, Max = 1)]
    public double ConsumerDemandSmoothing { get; set; } = 0.3;

    [Param("Weight of the latest quarter in households' expectation of consumer-price inflation.", Unit = "fraction", Min = 0, Max = 1)]
    public double InflationExpectationWeight { get; set; } = 0.3;
}

/// <summary>The parts of the economy the model does not resolve into firms: services and construction.</summary>
public sealed class AggregatesConfig : IValidatableSection
{
    [Param("Share of services value added paid to households as wages.", Unit = "fraction", Min = 0, Max = 1)]
    public double ServicesLabourShare { get; set; } = 0.52;

    [Param("Share of services value added paid to households as dividends and mixed income.", Unit = "fraction", Min = 0, Max = 1)]
    public double ServicesDividendShare { get; set; } = 0.12;

    [Param("Share of construction and equipment value added paid to households as wages (investment income accrues mostly to state firms and land).", Unit = "fraction", Min = 0, Max = 1)]
    public double ConstructionLabourShare { get; set; } = 0.25;

    [Param("Share of construction and equipment value added paid to households as dividends.", Unit = "fraction", Min = 0, Max = 1)]
    public double ConstructionDividendShare { get; set; } = 0.05;

    [Param("Share of construction and equipment sales that is imported equipment.", Unit = "fraction", Min = 0, Max = 0.9)]
    public double ConstructionImportShare { get; set; } = 0.05;

    [Param("Tax on services and construction value added, paid to the centre (stands for all central taxes on the rest of the economy).", Unit = "fraction", Min = 0, Max = 0.6)]
    public double ServicesTaxRate { get; set; } = 0.16;

    [Param("Wage per services or construction worker per quarter, used to count their jobs.", Unit = "CNY bn per worker per quarter", Min = 1e-7, Max = 1)]
    public double ServicesWage { get; set; } = 2.0e-5;

    public IEnumerable<(string KeyPath, string Message)> Validate(SimulationConfig root)
    {
        if (ServicesLabourShare + ServicesDividendShare + ServicesTaxRate > 1)
            yield return ("services_labour_share", "services_labour_share + services_dividend_share + services_tax_rate must not exceed 1");
        if (ConstructionLabourShare + ConstructionDividendShare + ServicesTaxRate > 1)
            yield return ("construction_labour_share", "construction_labour_share + construction_dividend_share + services_tax_rate must not exceed 1");
    }
}

public sealed class GovernmentConfig
{
    [Param("Value-added tax rate on firms' value added.", Unit = "fraction", Min = 0, Max = 0.5)]
    public double VatRate { get; set; } = 0.13;

    [Param("Share of VAT kept by the province (the rest goes to the centre).", Unit = "fraction", Min = 0, Max = 1)]
    public double VatLocalShare { get; set; } = 0.5;


    [Param("Share of firms' capex paid to the province for land (land finance).", Unit = "fraction", Min = 0, Max = 0.5)]
    public double LandShareOfCapex { get; set; } = 0.1;

    [Param("Central transfers to each province as a share of its previous-quarter GDP (above 0.4 the transfers feed back into GDP and growth explodes: +62% a year at 0.6).", Unit = "fraction", Min = 0, Max = 0.4)]
    public double CentralTransferRate { get; set; } = 0.26;

    [Param("Share of the province's programme spending (after subsidies, bailouts and interest) that is government consumption; welfare takes its lever share, the rest is infrastructure.", Unit = "fraction", Min = 0, Max = 1)]
    public double GovernmentConsumptionShare { get; set; } = 0.72;

    [Param("Deficit the province may run, as a share of its revenue.", Unit = "fraction", Min = 0, Max = 2)]
    public double AllowedDeficitShare { get; set; } = 0.03;

    [Param("Lowest programme spending kept when committed spending exceeds the budget, as a share of revenue (at 2 the default horizon stopped on the sector-balance check in quarter 58).", Unit = "fraction", Min = 0, Max = 1)]
    public double MinProgrammeShare { get; set; } = 0.6;

    [Param("Interest rate on local debt at zero debt (above 0.05 the default horizon stops on the sector-balance check: at 0.1 in quarter 54).", Unit = "fraction per quarter", Min = 0, Max = 0.05)]
    public double LocalDebtRate { get; set; } = 0.008;

    [Param("Rise of the local debt rate per unit of debt to annual GDP.", Unit = "fraction per quarter", Min = 0, Max = 0.2)]
    public double LocalDebtRateSlope { get; set; } = 0.01;

    [Param("Highest interest rate on local debt, however high the debt ratio (lenders to provinces expect the centre to stand behind them; without a cap a province whose debt outgrows its GDP spirals).", Unit = "fraction per quarter", Min = 0, Max = 0.2)]
    public double MaxLocalDebtRate { get; set; } = 0.015;

    [Param("Local debt to annual GDP above which the province grants no more bailouts.", Unit = "fraction", Min = 0, Max = 10)]
    public double MaxDebtRatioForBailouts { get; set; } = 0.6;

    [Param("Initial local debt as a share of annual GDP (above 1.5 the default horizon stops on the sector-balance check: at 2 in quarter 61).", Unit = "fraction", Min = 0, Max = 1.5)]
    public double InitialLocalDebtRatio { get; set; } = 0.3;

    [Param("Share of capex subsidies for strategic industries paid by the central government.", Unit = "fraction", Min = 0, Max = 1)]
    public double StrategicCofunding { get; set; } = 0.5;

    [Param("State and other investment (infrastructure, policy-bank projects) financed by the centre, as a share of initial GDP.", Unit = "fraction", Min = 0, Max = 1)]
    public double StateInvestmentShare { get; set; } = 0.2;

    [Param("Trend growth of state and other investment.", Unit = "fraction per quarter", Min = -0.1, Max = 0.1)]
    public double StateInvestmentGrowth { get; set; } = 0.011;

    [Param("Share of the trade-in rebate paid by the centre (the province pays the rest).", Unit = "fraction", Min = 0, Max = 1)]
    public double TradeInCentralShare { get; set; } = 0.9;
}

public sealed class OfficialsConfig
{
    [Param("Quarters an official stays in office before promotion or retirement.", Unit = "quarters", Min = 4, Max = 200)]
    public int Tenure { get; set; } = 20;

    [Param("Quarters over which an official's score is measured.", Unit = "quarters", Min = 1, Max = 40)]
    public int EvaluationWindow { get; set; } = 4;

    [Param("Tournament strength alpha: promotion probability = logistic(alpha * standardised score).", Min = 0, Max = 20)]
    public double PromotionStrength { get; set; } = 1.5;

    [Param("How officials update levers: imitation (default) or regression.")]
    public LearningMode Learning { get; set; } = LearningMode.Imitation;

    [Param("Share of the gap to the best peer's levers closed each year at the reference tournament strength.", Unit = "fraction", Min = 0, Max = 1)]
    public double ImitationRate { get; set; } = 0.3;

    [Param("Tournament strength at which officials imitate at imitation_rate; the rate scales with promotion_strength / this (herding follows the stakes of promotion).", Min = 0.01, Max = 20)]
    public double ReferencePromotionStrength { get; set; } = 1.5;

    [Param("Weight of the past in a province's track record (smoothed yearly growth) that peers imitate; 0 uses only the last year.", Unit = "fraction", Min = 0, Max = 0.99)]
    public double TrackRecordMemory { get; set; } = 0.6;

    [Param("Size of one experiment, as a share of the lever's range.", Unit = "fraction", Min = 0, Max = 1)]
    public double ExperimentSize { get; set; } = 0.2;

    [Param("Step along the estimated score gradient in regression learning, as a share of each lever's range per unit of standardised effect.", Min = 0, Max = 1)]
    public double RegressionStep { get; set; } = 0.1;

    [Param("Years of lever and score history used by regression learning.", Unit = "years", Min = 2, Max = 20)]
    public int RegressionYears { get; set; } = 3;

    [Param("Weight of GDP growth in the mixed rule.", Min = 0, Max = 1)]
    public double MixedGdpWeight { get; set; } = 0.5;

    [Param("Penalty per unit of local debt to annual GDP in the mixed rule's score.", Min = 0, Max = 10)]
    public double MixedDebtPenalty { get; set; } = 0.0;
}

/// <summary>Bounds and starting values of one policy lever.</summary>
public sealed class LeverBounds
{
    [Param("Lowest value the lever may take.", Min = -10, Max = 10)]
    public double Min { get; set; }

    [Param("Highest value the lever may take.", Min = -10, Max = 10)]
    public double Max { get; set; } = 1;

    [Param("Value every province starts with.", Min = -10, Max = 10)]
    public double Initial { get; set; }

    public LeverBounds() { }

    public LeverBounds(double min, double max, double initial) => (Min, Max, Initial) = (min, max, initial);
}

public sealed class LeversConfig
{
    [Param("Capex subsidy rate (share of a firm's capex paid by the province) for each industry; strategic industries start at strategic_initial. A share: min, max and initial in [0, 1].")]
    public LeverBounds CapexSubsidy { get; set; } = new(0, 0.4, 0.02);

    [Param("Starting capex subsidy rate for strategic industries.", Unit = "fraction", Min = 0, Max = 1)]
    public double CapexSubsidyStrategicInitial { get; set; } = 0.12;

    [Param("Central cap on the capex subsidy rate a province may give an industry that is not on the strategic list (capacity controls on non-priority and overcapacity sectors, e.g. State Council Doc. 41, 2013); the lever's max applies if lower.", Unit = "fraction", Min = 0, Max = 1)]
    public double NonStrategicCapexSubsidyCap { get; set; } = 0.12;

    [Param("Production subsidy rate (share of revenue paid to local firms); positive values put firms under employment pressure. A share: min, max and initial in [0, 1].")]
    public LeverBounds ProductionSubsidy { get; set; } = new(0, 0.08, 0.0);

    [Param("Bailout propensity: willingness to rescue a failing firm, weighted by its employment. A share: min, max and initial in [0, 1].")]
    public LeverBounds BailoutPropensity { get; set; } = new(0, 1, 0.4);

    [Param("Welfare share of programme spending (transfers to households). A share: min, max and initial in [0, 1].")]
    public LeverBounds WelfareShare { get; set; } = new(0.05, 0.5, 0.16);

    [Param("Credit easing: pressure on local banks to lend, raising investment and firms' leverage limit.")]
    public LeverBounds CreditEasing { get; set; } = new(0, 1, 0.3);
}

/// <summary>Which incentive rule each province's official is scored under, and when pilots switch.</summary>
public sealed class IncentivesConfig
{
    [Param("Rule for every province that is not a pilot (gdp, household_income or mixed).")]
    public IncentiveRule DefaultRule { get; set; } = IncentiveRule.Gdp;

    [Param("Provinces that switch rule at switch_step (names as in the provinces file).")]
    public List<string> PilotProvinces { get; set; } = new();

    [Param("Rule the pilot provinces switch to.")]
    public IncentiveRule PilotRule { get; set; } = IncentiveRule.HouseholdIncome;

    [Param("Step (quarter after burn-in) at which the pilots switch.", Unit = "quarter", Min = 0, Max = 4000)]
    public int SwitchStep { get; set; } = 20;
}

/// <summary>A foreign tariff on one industry's exports over a window of steps.</summary>
public sealed class TariffConfig
{
    [Param("Industry the tariff applies to.")]
    public string Industry { get; set; } = "";

    [Param("Ad valorem tariff rate added to the export price.", Unit = "fraction", Min = 0, Max = 5)]
    public double Rate { get; set; }

    [Param("First step with the tariff.", Unit = "quarter", Min = 0, Max = 4000)]
    public int FromStep { get; set; }

    [Param("Last step with the tariff (inclusive); omit for permanent.", Unit = "quarter", Min = 0, Max = 100000)]
    public int ToStep { get; set; } = 100000;
}

/// <summary>A consumer trade-in rebate programme that pulls purchases forward.</summary>
public sealed class TradeInConfig
{
    [Param("Industries whose consumer purchases get the rebate.")]
    public List<string> Industries { get; set; } = new();

    [Param("Rebate as a share of the purchase price.", Unit = "fraction", Min = 0, Max = 0.9)]
    public double RebateRate { get; set; } = 0.15;

    [Param("First step of the programme.", Unit = "quarter", Min = 0, Max = 4000)]
    public int FromStep { get; set; }

    [Param("Last step of the programme (inclusive).", Unit = "quarter", Min = 0, Max = 4000)]
    public int ToStep { get; set; }

    [Param("Extra consumer purchases per unit of rebate rate, as a share of normal consumer demand.", Min = 0, Max = 20)]
    public double PullForwardElasticity { get; set; } = 2.0;

    [Param("Share of the purchases pulled forward that is paid back (demand below trend) each quarter after the programme.", Unit = "fraction per quarter", Min = 0.01, Max = 1)]
    public double PaybackRate { get; set; } = 0.25;
}

/// <summary>Switches for ablation studies: turn one mechanism off at a time.</summary>
public sealed class MechanismsConfig
{
    [Param("Soft budgets: state-owned and targeted firms get loans regardless of leverage, and provinces may bail out failing firms.")]
    public bool SoftBudget { get; set; } = true;

    [Param("Officials imitate the top-scoring peer's levers (herding).")]
    public bool LeverImitation { get; set; } = true;

    [Param("Investment spending counts in the GDP that officials are scored on.")]
    public bool InvestmentInScore { get; set; } = true;

    [Param("Firms under employment pressure keep producing at the utilisation floor.")]
    public bool ProductionFloors { get; set; } = true;

    [Param("Financial repression (MODEL.md 9.1): each province's bank recovers its directed-credit discounts and smoothed write-offs by lowering the province's deposit rate (banking.repression_intensity of them); off, deposits earn the benchmark rate and the bank's profit paid to the centre absorbs the costs.")]
    public bool FinancialRepression { get; set; } = true;

    [Param("Loan-to-deposit ceiling (MODEL.md 9.1): a province's bank lends at most banking.loan_to_deposit_ceiling of its deposits; directed borrowers are served first and private firms' new loans are rationed.")]
    public bool LoanToDepositCeiling { get; set; } = true;

    [Param("Wages follow the price war (MODEL.md 9.2): the wage per worker in each province's industry moves with its smoothed profit margin (wages.rent_sharing).")]
    public bool WageRentSharing { get; set; } = true;

    [Param("A steady start (MODEL.md 9.3): during the burn-in (levers at their initial values) each industry's investment intercept is set so that its firms' desired capacity growth equals replacement plus demand growth, and entry counts capex subsidies from their initial level; both are frozen after the burn-in, so overbuilding comes from what officials then do.")]
    public bool SteadyStart { get; set; } = true;

    [Param("The centre's strategic list shapes policy: listed industries start with levers.capex_subsidy_strategic_initial, escape the non-strategic cap, get central co-funding and form officials' sector moves. Off, every industry is treated as unlisted (indicators still group the industries flagged strategic), which shows how much of a strategic-vs-other gap the list causes.")]
    public bool StrategicList { get; set; } = true;
}

/// <summary>Household deposits and the provincial banks (MODEL.md 9.1). Rates are per quarter.</summary>
public sealed class BankingConfig
{
    [Param("Household deposits per province at the start, in years of the province's disposable income (2023: deposits CNY 137 tn against disposable income CNY 55 tn).", Unit = "years", Min = 0, Max = 10)]
    public double InitialDepositYears { get; set; } = 2.5;

    [Param("Deposit rate a province's bank pays when it has no policy costs to recover (one-year benchmark deposit rate, 1.5% a year).", Unit = "fraction per quarter", Min = 0, Max = 0.05)]
    public double BenchmarkDepositRate { get; set; } = 0.00375;

    [Param("Lowest deposit rate (the demand-deposit rate, 0.35% a year).", Unit = "fraction per quarter", Min = 0, Max = 0.05)]
    public double DepositRateFloor { get; set; } = 0.000875;

    [Param("Share of the loan rate waived on directed credit per unit of credit easing: soft-budget firms pay loan_rate x (1 - credit_easing x this). Funded by the province's bank, not its budget.", Unit = "fraction", Min = 0, Max = 1)]
    public double DirectedCreditDiscount { get; set; } = 0.5;

    [Param("Financial-repression intensity: share of its directed-credit discounts and smoothed write-offs the bank recovers by lowering the province's deposit rate (the rest lowers the profit it pays the centre).", Unit = "fraction", Min = 0, Max = 1)]
    public double RepressionIntensity { get; set; } = 1.0;

    [Param("Weight of this quarter's write-offs in the smoothed write-offs the bank recovers through the deposit rate.", Unit = "fraction per quarter", Min = 0.01, Max = 1)]
    public double WriteOffSmoothing { get; set; } = 0.1;

    [Param("Normal return the bank keeps on its loans (firm loans and local debt); it pays its profit above that to the centre, its owner.", Unit = "fraction per quarter", Min = 0, Max = 0.05)]
    public double NormalReturn { get; set; } = 0.002;

    [Param("Most a province's bank lends (firm loans and local debt) per yuan of household deposits, with mechanisms.loan_to_deposit_ceiling on (China's legal cap until 2015: 0.75).", Unit = "fraction", Min = 0.05, Max = 5)]
    public double LoanToDepositCeiling { get; set; } = 0.75;
}

/// <summary>Demand trends over long horizons.</summary>
public sealed class DemandConfig
{
    [Param("Long-run growth rate of industry demand trends (domestic and export) and of state investment, about 3% a year: growth above it fades (booms mature).", Unit = "fraction per quarter", Min = 0, Max = 0.05)]
    public double LongRunGrowth { get; set; } = 0.0075;

    [Param("Half-life of an industry's demand growth above the long-run rate; 0 keeps it for ever (v1). 160 quarters leaves 71% of the excess at the end of the default 20 years and 18% after 100.", Unit = "quarters", Min = 0, Max = 4000)]
    public double GrowthHalfLife { get; set; } = 160;
}

/// <summary>Wages that follow the price war (MODEL.md 9.2).</summary>
public sealed class WagesConfig
{
    [Param("Rent-sharing elasticity: the target wage index is 1 + this x (smoothed profit margin - normal margin) of the industry in the province (Card, Cardoso, Heining and Kline 2018 survey: 0.05-0.15).", Min = 0, Max = 1)]
    public double RentSharing { get; set; } = 0.1;

    [Param("Share of the gap between the wage index and its target closed each quarter.", Unit = "fraction per quarter", Min = 0, Max = 1)]
    public double Adjustment { get; set; } = 0.25;

    [Param("Weight of this quarter's profit margin in the smoothed margin wages follow.", Unit = "fraction per quarter", Min = 0.01, Max = 1)]
    public double MarginSmoothing { get; set; } = 0.3;

    [Param("Lowest wage index (wage per worker relative to the industry's reference path).", Unit = "fraction", Min = 0, Max = 1)]
    public double Floor { get; set; } = 0.8;
}

public sealed class OutputConfig
{
    [Param("Write a firms.parquet snapshot every this many quarters; 0 turns it off.", Unit = "quarters", Min = 0, Max = 4000)]
    public int FirmsEvery { get; set; } = 0;

    [Param("Write at most this many firms per snapshot (a deterministic sample by firm id); 0 means all.", Unit = "firms", Min = 0, Max = 100_000_000)]
    public int FirmsSample { get; set; } = 0;

    [Param("Columns of firms.parquet to write besides step and firm_id (names as in docs/outputs.md); empty writes every column. A snapshot costs about its number of columns: fewer make full snapshots of large runs cheaper.")]
    public List<string> FirmsColumns { get; set; } = new();

    /// <summary>
    /// Every column of firms.parquet, in the file's order. The table (AgentSim.Output's FirmsTable) defines what each
    /// holds; a test holds the two lists equal, so that validation here names exactly the columns a run can write.
    /// </summary>
    public static IReadOnlyList<string> FirmColumnNames { get; } =
    [
        "step", "firm_id", "province", "industry", "state_owned", "age", "capacity", "output", "sales", "inventory", "price",
        "unit_cost", "markup", "cash", "debt", "profit", "bailouts", "negative_equity_quarters", "zombie",
    ];

    /// <summary>The key columns every snapshot has, whatever <see cref="FirmsColumns"/> says: a row is (step, firm_id).</summary>
    public static IReadOnlyList<string> FirmKeyColumns { get; } = ["step", "firm_id"];

    /// <summary>True when a firms.parquet snapshot holds <paramref name="column"/> under this configuration.</summary>
    public bool WritesFirmColumn(string column) =>
        FirmsColumns.Count == 0 || FirmKeyColumns.Contains(column) || FirmsColumns.Contains(column);
}
