namespace AgentSim.Model.State;

/// <summary>
/// Firm state as struct-of-arrays: one array per variable, indexed by firm slot. Dead slots are reused
/// by entrants (lowest free slot first), so the arrays grow only when the population does.
/// Money is in CNY bn, quantities in price-normalised units (one unit sold for about CNY 1 bn at the start).
/// </summary>
public sealed class FirmArrays
{
    public int Count;            // slots in use (alive or dead); arrays may be longer
    public int PipelineLength;   // ring-buffer length for capacity under construction

    // Identity
    public int[] Province = [];
    public byte[] Industry = [];
    public byte[] Alive = [];          // 1 alive, 0 dead slot
    public byte[] StateOwned = [];     // 1 state-owned
    public byte[] SoldOut = [];        // 1 if the firm sold everything it had last quarter
    public short[] NegativeEquityQuarters = [];
    public short[] Bailouts = [];
    public short[] Age = [];           // quarters since entry (saturates)

    // Real side
    public double[] Capacity = [];           // units per quarter
    /// <summary>
    /// Capacity under construction, units arriving in a future quarter: [ring * slots + slot] with ring = quarter modulo
    /// <see cref="PipelineLength"/> and slots = the arrays' length (<see cref="PipelineIndex"/>). One row per ring
    /// position, so the pricing pass reads this quarter's arrivals as one contiguous row (a record per firm cost a
    /// cache line per firm, twice a quarter).
    /// </summary>
    public double[] Pipeline = [];
    public double[] CostFactor = [];         // idiosyncratic multiplier on the industry's unit-cost index
    public double[] Markup = [];             // fraction over unit cost
    public double[] Price = [];              // CNY bn per unit
    public double[] ExpectedDemand = [];     // units per quarter
    public double[] Output = [];             // units this quarter
    public double[] Inventory = [];          // units
    public double[] Sales = [];              // units this quarter

    // Financial side
    public double[] Cash = [];               // CNY bn
    public double[] Debt = [];               // CNY bn
    public double[] Profit = [];             // CNY bn this quarter
    public double[] SmoothedUtilisation = []; // fraction
    public double[] SmoothedProfitRate = [];  // profit per unit of capital at book value, per quarter

    public void EnsureCapacity(int slots, int pipelineLength)
    {
        PipelineLength = pipelineLength;
        if (Capacity.Length >= slots) return;
        int old = Capacity.Length;
        int n = Math.Max(slots, old + old / 4);
        Array.Resize(ref Province, n);
        Array.Resize(ref Industry, n);
        Array.Resize(ref Alive, n);
        Array.Resize(ref StateOwned, n);
        Array.Resize(ref SoldOut, n);
        Array.Resize(ref NegativeEquityQuarters, n);
        Array.Resize(ref Bailouts, n);
        Array.Resize(ref Age, n);
        Array.Resize(ref Capacity, n);
        // Rows move apart: each ring position's row is copied to its place in the longer array.
        var pipeline = new double[n * pipelineLength];
        for (int ring = 0; ring < pipelineLength && old > 0; ring++)
            Pipeline.AsSpan(ring * old, old).CopyTo(pipeline.AsSpan(ring * n, old));
        Pipeline = pipeline;
        Array.Resize(ref CostFactor, n);
        Array.Resize(ref Markup, n);
        Array.Resize(ref Price, n);
        Array.Resize(ref ExpectedDemand, n);
        Array.Resize(ref Output, n);
        Array.Resize(ref Inventory, n);
        Array.Resize(ref Sales, n);
        Array.Resize(ref Cash, n);
        Array.Resize(ref Debt, n);
        Array.Resize(ref Profit, n);
        Array.Resize(ref SmoothedUtilisation, n);
        Array.Resize(ref SmoothedProfitRate, n);
    }

    /// <summary>Drops every array (the plain reference engine keeps its firms as objects instead).</summary>
    public void Release()
    {
        Count = 0;
        Province = [];
        Industry = [];
        Alive = [];
        StateOwned = [];
        SoldOut = [];
        NegativeEquityQuarters = [];
        Bailouts = [];
        Age = [];
        Capacity = [];
        Pipeline = [];
        CostFactor = [];
        Markup = [];
        Price = [];
        ExpectedDemand = [];
        Output = [];
        Inventory = [];
        Sales = [];
        Cash = [];
        Debt = [];
        Profit = [];
        SmoothedUtilisation = [];
        SmoothedProfitRate = [];
    }

    /// <summary>Where slot i's capacity arriving at ring position <paramref name="ring"/> lies in <see cref="Pipeline"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int PipelineIndex(int i, int ring) => ring * Capacity.Length + i;

    /// <summary>Clears a slot so a dead firm leaves no state behind.</summary>
    public void ClearSlot(int i)
    {
        Alive[i] = 0;
        SoldOut[i] = 0;
        NegativeEquityQuarters[i] = 0;
        Bailouts[i] = 0;
        Age[i] = 0;
        Capacity[i] = 0;
        for (int ring = 0; ring < PipelineLength; ring++) Pipeline[PipelineIndex(i, ring)] = 0;
        ExpectedDemand[i] = 0;
        Output[i] = 0;
        Inventory[i] = 0;
        Sales[i] = 0;
        Cash[i] = 0;
        Debt[i] = 0;
        Profit[i] = 0;
        SmoothedUtilisation[i] = 0;
        SmoothedProfitRate[i] = 0;
    }

    /// <summary>Approximate bytes of state per firm slot (for memory estimates).</summary>
    public static long BytesPerFirm(int pipelineLength) => 4 + 1 * 4 + 2 * 3 + 8 * 14 + 8L * pipelineLength;
}
