namespace AgentSim.Model.State;

/// <summary>Per-industry market state and this quarter's aggregates, one array per quantity.</summary>
public sealed class IndustryState
{
    public IndustryState(int industries)
    {
        Count = industries;
        foreach (var field in typeof(IndustryState).GetFields())
        {
            if (field.FieldType == typeof(double[]) && field.GetValue(this) is null)
                field.SetValue(this, new double[industries]);
        }
    }

    public int Count;

    public double[] CostIndex = null!;          // multiplier on the initial unit cost from learning (1 at start)
    public double[] CapitalCostIndex = null!;   // multiplier on capital per unit of capacity from learning (1 at start)
    public double[] CumulativeOutput = null!;   // units
    public double[] InitialCumulativeOutput = null!;
    public double[] ReferencePrice = null!;     // mean price at the start, CNY bn per unit
    public double[] WorldPrice = null!;
    public double[] DomesticScale = null!;      // A_s at the reference price, units per quarter
    public double[] ExportScale = null!;        // X_s at the world price, units per quarter
    public double[] PullForwardStock = null!;   // units of consumer demand pulled forward by trade-in rebates
    public double[] LastPrice = null!;          // last quarter's sales-weighted price
    public double[] MeanOutputPerFirm = null!;  // last quarter, units
    public double[] MeanCapacityPerFirm = null!;
    public double[] ValueAddedPerUnit0 = null!; // base-year value added per unit, for real GDP
    public double[] ExpectedDemandGrowth = null!; // smoothed quarterly log growth of industry sales, used by investment
    public double[] InitialCapexSubsidy = null!;  // the capex-subsidy lever at the start (status quo for entry, mechanisms.steady_start)
    public double[] InvestmentIntercept = null!;  // per-industry investment intercept set in the burn-in (mechanisms.steady_start)
    public double[] WageIndex = null!;          // employment-weighted mean of the provinces' wage indices (output)

    // This quarter
    public double[] DemandPrice = null!;        // P_s used by demand
    public double[] Demand = null!;             // units
    public double[] DomesticDemand = null!;
    public double[] ConsumerDemand = null!;
    public double[] ExportDemand = null!;
    public double[] ExportShare = null!;
    public double[] ConsumerShareOfDomestic = null!;
    public double[] Tariff = null!;
    public double[] Rebate = null!;
    public double[] Capacity = null!;
    public double[] Output = null!;
    public double[] Sales = null!;
    public double[] PreviousSales = null!;
    public double[] Exports = null!;            // units
    public double[] ExportValue = null!;
    public double[] Revenue = null!;
    public double[] Profit = null!;
    public double[] Inventory = null!;
    public double[] MarkupSum = null!;          // sum of markups over alive firms
    public double[] Firms = null!;
    public double[] Zombies = null!;
    public double[] Entries = null!;
    public double[] Exits = null!;
    public double[] Employment = null!;
    public double[] CapacityOrdered = null!;    // units ordered this quarter
    public double[] ProfitRateSum = null!;
    public double[] PriceIndex = null!;         // realised price / reference price
    public double[] UnitCostMean = null!;
    public double[] CapitalBook = null!;
}
