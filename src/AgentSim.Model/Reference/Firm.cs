namespace AgentSim.Model.Reference;

/// <summary>One firm as an object: the plain reference engine's representation (see <see cref="PlainFirmPhases"/>).</summary>
internal sealed class Firm
{
    public int Slot;                 // position in the firm list; entrants reuse the slots of firms that exited
    public bool Alive;
    public int Province;
    public int Industry;
    public bool StateOwned;
    public bool SoldOut;
    public int NegativeEquityQuarters;
    public int Bailouts;
    public int Age;

    public double Capacity;
    public double[] Pipeline = [];   // capacity arriving, by step modulo the pipeline length
    public double CostFactor;
    public double Markup;
    public double Price;
    public double ExpectedDemand;
    public double Output;
    public double Inventory;
    public double Sales;

    public double Cash;
    public double Debt;
    public double Profit;
    public double SmoothedUtilisation;
    public double SmoothedProfitRate;

    public double MarketWeight;      // this quarter's share weight, then its leftover weight

    /// <summary>What is left of a firm that exited: nothing but its slot.</summary>
    public void Clear()
    {
        Alive = false;
        SoldOut = false;
        NegativeEquityQuarters = 0;
        Bailouts = 0;
        Age = 0;
        Capacity = 0;
        Array.Clear(Pipeline);
        ExpectedDemand = 0;
        Output = 0;
        Inventory = 0;
        Sales = 0;
        Cash = 0;
        Debt = 0;
        Profit = 0;
        SmoothedUtilisation = 0;
        SmoothedProfitRate = 0;
        MarketWeight = 0;
    }
}
