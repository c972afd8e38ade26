using AgentSim.Core;
using AgentSim.Core.Simd;
using AgentSim.Model;
using AgentSim.Model.Kernels;

namespace AgentSim.Tests.Core;

/// <summary>
/// The firm kernels written over lanes (pricing, market, accounts and investment, observation): run at 2, 4 and 8 lanes they give the same
/// bits as at 1 lane (the scalar twin) for every firm and every output, at every length 0..256 and a large one, on
/// ordinary and hostile values (zero capacity, zero sales and stock, negative cash, dead slots, NaN and infinite
/// state), so results never depend on the machine's vector width.
/// </summary>
public sealed class LaneKernelTests
{
    private const int LargeSize = 100_003;
    private const int Provinces = 5, Industries = 3;

    /// <summary>When set, <see cref="Draw"/> gives ordinary values only (NaN would hide the order of a sum).</summary>
    [ThreadStatic] private static bool _ordinary;

    public static IEnumerable<object[]> Lengths()
    {
        for (int n = 0; n <= 256; n++) yield return [n];
        yield return [LargeSize];
    }

    public static IEnumerable<object[]> Widths() => [[2], [4], [8]];

    /// <summary>A value of a firm's state: mostly ordinary, sometimes hostile.</summary>
    private static double Draw(CounterRng rng, int i, double scale, bool signed = false)
    {
        double u = rng.NextDouble();
        switch (_ordinary ? 0 : i % 23)
        {
            case 3: return 0;
            case 7: return u < 0.5 ? -0.0 : double.Epsilon;
            case 11: return signed ? -scale * u : scale * u * 1e-12;
            case 19: return u < 0.3 ? double.NaN : u < 0.6 ? double.PositiveInfinity : 1e300;
            default: return signed ? scale * (2 * u - 1) : scale * u;
        }
    }

    private static double[] Column(CounterRng rng, int n, double scale, bool signed = false)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Draw(rng, i * 7 + (int)(rng.NextDouble() * 5), scale, signed);
        return x;
    }

    private static byte[] Flags(CounterRng rng, int n, double share)
    {
        var x = new byte[n];
        for (int i = 0; i < n; i++) x[i] = (byte)(rng.NextDouble() < share ? 1 : 0);
        return x;
    }

    private static double[] Cells(CounterRng rng, int stride, Func<int, double, double> column)
    {
        var cells = new double[(Provinces * Industries + 1) * stride];   // the spare cell's row stays 0
        for (int cell = 0; cell < Provinces * Industries; cell++)
            for (int q = 0; q < stride; q++) cells[cell * stride + q] = column(q, rng.NextDouble());
        return cells;
    }

    /// <summary>Each slot's cell (dead slots: the spare cell P * S), and per cell its row offset and sums entries.</summary>
    private static (int[] CellOf, int[] Column, int[] Province, int[] Industry) Layout(byte[] alive, int cellStride, int provinceStride,
        int industryStride, int seed)
    {
        var rng = new CounterRng((ulong)seed, 15, 0, alive.Length);
        int spare = Provinces * Industries;
        var cellOf = new int[alive.Length];
        for (int i = 0; i < alive.Length; i++) cellOf[i] = alive[i] == 0 ? spare : (int)(rng.NextDouble() * spare);
        var column = new int[spare + 1];
        var province = new int[spare + 1];
        var industry = new int[spare + 1];
        for (int cell = 0; cell <= spare; cell++)
        {
            column[cell] = cell * cellStride;
            province[cell] = (cell == spare ? Provinces : cell / Industries) * provinceStride;
            industry[cell] = (cell == spare ? Industries : cell % Industries) * industryStride;
        }
        return (cellOf, column, province, industry);
    }

    /// <summary>A block's scratch rows firstRow .. firstRow + rows - 1 into outputs[row * n + slot], for slots [start, end).</summary>
    private static void CopyBlockRows(AlignedRows scratch, int firstRow, int rows, int n, int start, int end, List<double> outputs)
    {
        for (int q = 0; q < rows; q++)
            for (int i = start; i < end; i++)
                outputs[q * n + i] = scratch.RowSpan(firstRow + q)[i - start];
    }

    private static void AssertSameBits(double[] expected, double[] actual, string name, int width)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
                Assert.Fail($"{name}[{i}] at {width} lanes: {actual[i]:R}, one lane gives {expected[i]:R}");
    }

    // Pricing ---------------------------------------------------------------------------------------------

    private static PricingLanes.Block PricingBlock(int n, int seed)
    {
        var rng = new CounterRng((ulong)seed, 11, 0, n);
        var b = new PricingLanes.Block
        {
            Alive = Flags(rng, n, 0.9),
            StateOwned = Flags(rng, n, 0.3),
            SoldOut = Flags(rng, n, 0.4),
            Cash = Column(rng, n, 50, signed: true),
            Capacity = Column(rng, n, 10),
            ExpectedDemand = Column(rng, n, 10),
            Sales = Column(rng, n, 10),
            Inventory = Column(rng, n, 5),
            Output = Column(rng, n, 10),
            CostFactor = Column(rng, n, 2),
            Markup = Column(rng, n, 0.5, signed: true),
            SmoothedUtilisation = Column(rng, n, 1.2),
            Price = Column(rng, n, 3),
            Debt = Column(rng, n, 40),
            Cells = Cells(rng, PricingLanes.CellStride, (q, u) => q switch
            {
                PricingLanes.CProductionSubsidy => u < 0.5 ? 0 : 0.05 * u,
                PricingLanes.CMeanOutput => u < 0.2 ? 0 : 10 * u,
                PricingLanes.CWeightExponent => -4 * u,
                _ => 0.5 + u,
            }),
        };
        return b;
    }

    /// <summary>
    /// Runs [0, n) block by block as the engine does (a stand-in weight: the available stock) and returns the rows
    /// after the cell columns, then the industry and province sums.
    /// </summary>
    private static double[] RunPricing(PricingLanes.Block b, PricingLanes.Constants c, int n, int width, int seed)
    {
        var rng = new CounterRng((ulong)seed, 14, 0, n);
        var arriving = Column(rng, n, 2);
        const int firstRow = PricingLanes.RAvailable, rows = PricingLanes.RowCount - firstRow;
        var outputs = new List<double>(new double[rows * n]);
        (b.CellOf, b.ColumnOffset, b.ProvinceEntry, b.IndustryEntry) =
            Layout(b.Alive, PricingLanes.CellStride, PricingLanes.ProvinceStride, PricingLanes.IndustryStride, seed);
        (b.Arriving, b.ArrivingOffset) = (arriving, 0);
        b.ClearSums(Provinces, Industries);
        for (int start = 0; start < n; start += LaneBlock.BlockSize)
        {
            int end = Math.Min(n, start + LaneBlock.BlockSize);
            for (int q = firstRow; q < PricingLanes.RowCount; q++) b.Rows.RowSpan(q).Fill(12345.0);
            if (width == 1) PricingLanes.Run<Lanes1>(b, c, start, end);
            else PricingLanes.Run(b, c, start, end, width);
            b.Rows.RowSpan(PricingLanes.RAvailable).CopyTo(b.Rows.RowSpan(PricingLanes.IndustryRows + FirmKernels.IpWeight));
            if (width == 1) PricingLanes.Accumulate<Lanes1>(b, start, end);
            else PricingLanes.Accumulate(b, start, end, width);
            CopyBlockRows(b.Rows, firstRow, rows, n, start, end, outputs);
        }
        outputs.AddRange(b.IndustrySums.RowSpan(0).ToArray());
        outputs.AddRange(b.ProvinceSums.RowSpan(0).ToArray());
        return outputs.ToArray();
    }

    private static PricingLanes.Constants PricingConstants(bool floors = true, bool softBudget = true) => new()
    {
        ExpectationSmoothing = 0.4,
        TargetInventory = 0.2,
        UtilisationFloor = 0.7,
        MaxInventory = 1.5,
        InventoryBand = 0.3,
        PriceCutUtilisation = 0.7,
        RaiseUtilisation = 0.85,
        MarkupDown = 0.02,
        MarkupUp = 0.01,
        BelowCostFloor = 0.1,
        MaxMarkup = 0.6,
        BailoutThreshold = 0.5,
        ProductionFloors = floors,
        SoftBudget = softBudget,
    };

    private static PricingLanes.Block Clone(PricingLanes.Block b) => new()
    {
        Alive = (byte[])b.Alive.Clone(),
        StateOwned = (byte[])b.StateOwned.Clone(),
        SoldOut = (byte[])b.SoldOut.Clone(),
        Cash = (double[])b.Cash.Clone(),
        Capacity = (double[])b.Capacity.Clone(),
        ExpectedDemand = (double[])b.ExpectedDemand.Clone(),
        Sales = (double[])b.Sales.Clone(),
        Inventory = (double[])b.Inventory.Clone(),
        Output = (double[])b.Output.Clone(),
        CostFactor = (double[])b.CostFactor.Clone(),
        Markup = (double[])b.Markup.Clone(),
        SmoothedUtilisation = (double[])b.SmoothedUtilisation.Clone(),
        Price = (double[])b.Price.Clone(),
        Debt = (double[])b.Debt.Clone(),
        Cells = (double[])b.Cells.Clone(),
    };

    private static void AssertSame(PricingLanes.Block one, double[] oneOutputs, PricingLanes.Block wide, double[] wideOutputs, int width)
    {
        AssertSameBits(oneOutputs, wideOutputs, "scratch rows (row * n + firm), then the sums", width);
        AssertSameBits(one.Capacity, wide.Capacity, "capacity", width);
        AssertSameBits(one.ExpectedDemand, wide.ExpectedDemand, "expected demand", width);
        AssertSameBits(one.Output, wide.Output, "output", width);
        AssertSameBits(one.Markup, wide.Markup, "markup", width);
        AssertSameBits(one.Price, wide.Price, "price", width);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Pricing_lanes_give_the_scalar_twins_bits_at_every_length(int length)
    {
        foreach (int width in new[] { 2, 4, 8 })
        {
            if (width > Lanes.NativeWidth) continue;
            var scalar = PricingBlock(length, seed: length);
            var wide = Clone(scalar);
            var constants = PricingConstants();
            var scalarOutputs = RunPricing(scalar, constants, length, 1, seed: length);
            var wideOutputs = RunPricing(wide, constants, length, width, seed: length);
            AssertSame(scalar, scalarOutputs, wide, wideOutputs, width);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Pricing_lanes_agree_with_the_switches_off(int width)
    {
        if (width > Lanes.NativeWidth) return;
        foreach (var (floors, soft) in new[] { (false, true), (true, false), (false, false) })
        {
            var scalar = PricingBlock(203, seed: 5);
            var wide = Clone(scalar);
            var constants = PricingConstants(floors, soft);
            var scalarOutputs = RunPricing(scalar, constants, 203, 1, seed: 5);
            var wideOutputs = RunPricing(wide, constants, 203, width, seed: 5);
            AssertSame(scalar, scalarOutputs, wide, wideOutputs, width);
        }
    }

    // Accounts and investment -----------------------------------------------------------------------------

    private static AccountsLanes.Block AccountsBlock(int n, int seed)
    {
        var rng = new CounterRng((ulong)seed, 12, 0, n);
        var b = new AccountsLanes.Block
        {
            Alive = Flags(rng, n, 0.9),
            StateOwned = Flags(rng, n, 0.3),
            Output = Column(rng, n, 10),
            Inventory = Column(rng, n, 5),
            Sales = Column(rng, n, 10),
            Weight = Column(rng, n, 3),
            CostFactor = Column(rng, n, 2),
            Price = Column(rng, n, 3),
            Debt = Column(rng, n, 40),
            Cash = Column(rng, n, 30, signed: true),
            Capacity = Column(rng, n, 12),
            Profit = Column(rng, n, 5, signed: true),
            SmoothedUtilisation = Column(rng, n, 1.2),
            SmoothedProfitRate = Column(rng, n, 0.1, signed: true),
            Cells = Cells(rng, AccountsLanes.CellStride, (q, u) => q switch
            {
                AccountsLanes.CProductionSubsidy => u < 0.5 ? 0 : 0.05 * u,
                AccountsLanes.CSubsidyRate => u < 0.3 ? 0 : 0.3 * u,
                AccountsLanes.CCreditEasing => u,
                AccountsLanes.CRationing => u < 0.5 ? 1 : u,
                AccountsLanes.CGrowthBase => 0.1 * u - 0.02,
                AccountsLanes.CMaxGrowthRate => 0.05 + 0.1 * u,
                AccountsLanes.CStrategic => u < 0.5 ? BitConverter.Int64BitsToDouble(-1L) : 0,
                AccountsLanes.CDepreciation => 0.02 * u,
                _ => 0.5 + u,
            }),
        };
        return b;
    }

    private static AccountsLanes.Constants AccountsConstants(bool softBudget = true) => new()
    {
        VatRate = 0.13,
        LoanRate = 0.012,
        Payout = 0.3,
        Smoothing = 0.25,
        Phi0 = 0.002,
        Phi1 = 0.1,
        Phi2 = 0.8,
        Phi3 = 0.2,
        Phi4 = 0.01,
        TargetUtilisation = 0.8,
        LeverageLimit = 0.6,
        Repayment = 0.05,
        BufferQuarters = 0.5,
        TargetSubsidy = 0.1,
        DirectedDiscount = 0.3,
        Cofunding = 0.4,
        SoftBudget = softBudget,
    };

    private static AccountsLanes.Block Clone(AccountsLanes.Block b) => new()
    {
        Alive = (byte[])b.Alive.Clone(),
        StateOwned = (byte[])b.StateOwned.Clone(),
        Output = (double[])b.Output.Clone(),
        Inventory = (double[])b.Inventory.Clone(),
        Sales = (double[])b.Sales.Clone(),
        Weight = (double[])b.Weight.Clone(),
        CostFactor = (double[])b.CostFactor.Clone(),
        Price = (double[])b.Price.Clone(),
        Debt = (double[])b.Debt.Clone(),
        Cash = (double[])b.Cash.Clone(),
        Capacity = (double[])b.Capacity.Clone(),
        Profit = (double[])b.Profit.Clone(),
        SmoothedUtilisation = (double[])b.SmoothedUtilisation.Clone(),
        SmoothedProfitRate = (double[])b.SmoothedProfitRate.Clone(),
        Cells = (double[])b.Cells.Clone(),
    };

    /// <summary>
    /// Runs [0, n) block by block as the engine does (dead slots' flows to the spare entries); returns every block's
    /// scratch rows after the cell columns, then the province, industry and cell sums.
    /// </summary>
    private static double[] RunAccounts(AccountsLanes.Block b, AccountsLanes.Constants c, int n, int width, int seed)
    {
        const int firstRow = AccountsLanes.IUnitCost, rows = AccountsLanes.RowCount - firstRow;
        var outputs = new List<double>(new double[rows * n]);
        (b.CellOf, b.ColumnOffset, b.ProvinceEntry, b.IndustryEntry) =
            Layout(b.Alive, AccountsLanes.CellStride, AccountsLanes.ProvinceStride, AccountsLanes.IndustryStride, seed);
        b.CellEntry = new int[Provinces * Industries + 1];
        for (int cell = 0; cell < b.CellEntry.Length; cell++) b.CellEntry[cell] = cell * AccountsLanes.CellSumStride;
        b.ClearSums(Provinces, Industries);
        for (int start = 0; start < n; start += LaneBlock.BlockSize)
        {
            int end = Math.Min(n, start + LaneBlock.BlockSize);
            for (int q = firstRow; q < AccountsLanes.RowCount; q++) b.Rows.RowSpan(q).Fill(12345.0);
            if (width == 1) AccountsLanes.Run<Lanes1>(b, c, start, end);
            else AccountsLanes.Run(b, c, start, end, width);
            CopyBlockRows(b.Rows, firstRow, rows, n, start, end, outputs);
        }
        outputs.AddRange(b.ProvinceSums.RowSpan(0).ToArray());
        outputs.AddRange(b.IndustrySums.RowSpan(0).ToArray());
        outputs.AddRange(b.CellSums.RowSpan(0).ToArray());
        return outputs.ToArray();
    }

    private static void AssertSame(AccountsLanes.Block one, double[] oneOutputs, AccountsLanes.Block wide, double[] wideOutputs, int width)
    {
        AssertSameBits(one.Sales, wide.Sales, "sales", width);
        AssertSameBits(one.Inventory, wide.Inventory, "inventory", width);
        AssertSameBits(one.Profit, wide.Profit, "profit", width);
        AssertSameBits(one.SmoothedUtilisation, wide.SmoothedUtilisation, "smoothed utilisation", width);
        AssertSameBits(one.SmoothedProfitRate, wide.SmoothedProfitRate, "smoothed profit rate", width);
        AssertSameBits(one.Cash, wide.Cash, "cash", width);
        AssertSameBits(one.Debt, wide.Debt, "debt", width);
        AssertSameBits(oneOutputs, wideOutputs, "scratch rows (row * n + firm), then the sums", width);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Accounts_lanes_give_the_scalar_twins_bits_at_every_length(int length)
    {
        foreach (int width in new[] { 2, 4, 8 })
        {
            if (width > Lanes.NativeWidth) continue;
            var scalar = AccountsBlock(length, seed: length);
            var wide = Clone(scalar);
            var constants = AccountsConstants();
            var scalarOutputs = RunAccounts(scalar, constants, length, 1, seed: length);
            var wideOutputs = RunAccounts(wide, constants, length, width, seed: length);
            AssertSame(scalar, scalarOutputs, wide, wideOutputs, width);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Accounts_lanes_agree_without_soft_budgets(int width)
    {
        if (width > Lanes.NativeWidth) return;
        var scalar = AccountsBlock(203, seed: 6);
        var wide = Clone(scalar);
        var constants = AccountsConstants(softBudget: false);
        var scalarOutputs = RunAccounts(scalar, constants, 203, 1, seed: 6);
        var wideOutputs = RunAccounts(wide, constants, 203, width, seed: 6);
        AssertSame(scalar, scalarOutputs, wide, wideOutputs, width);
    }

    [Fact]
    public void Dead_slots_keep_their_state()
    {
        var b = AccountsBlock(64, seed: 9);
        Array.Fill(b.Alive, (byte)0);
        var before = Clone(b);
        RunAccounts(b, AccountsConstants(), 64, Lanes.NativeWidth, seed: 9);
        AssertSame(before, [], b, [], Lanes.NativeWidth);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Accounts_sums_are_the_firms_contributions_added_in_slot_order(int width)
    {
        if (width > Lanes.NativeWidth) return;
        const int n = 1000;
        _ordinary = true;
        AccountsLanes.Block b;
        try { b = AccountsBlock(n, seed: 21); }
        finally { _ordinary = false; }
        var constants = AccountsConstants();
        var rows = RunAccounts(b, constants, n, width, seed: 21);
        // The province sums by a plain loop over the firms' contribution rows, in slot order.
        var expected = new double[(Provinces + 1) * AccountsLanes.ProvinceStride];
        int firstRow = AccountsLanes.IUnitCost;
        for (int i = 0; i < n; i++)
        {
            int entry = b.ProvinceEntry[b.CellOf[i]];
            for (int q = 0; q < AccountsLanes.ProvinceStride; q++)
                expected[entry + q] += rows[(AccountsLanes.ProvinceRows + q - firstRow) * n + i];
        }
        var actual = b.ProvinceSums.RowSpan(0)[..expected.Length].ToArray();
        Assert.DoesNotContain(actual, double.IsNaN);
        Assert.Contains(actual, x => x != 0);
        AssertSameBits(expected, actual, "province sums", width);
    }

    // Observation ---------------------------------------------------------------------------------------------

    private static double[] RunObservation(int n, int width, int seed)
    {
        var rng = new CounterRng((ulong)seed, 16, 0, n);
        var alive = Flags(rng, n, 0.9);
        var b = new ObservationLanes.Block
        {
            Cash = Column(rng, n, 30, signed: true),
            Debt = Column(rng, n, 40),
            Capacity = Column(rng, n, 12),
            Inventory = Column(rng, n, 5),
            Markup = Column(rng, n, 0.5, signed: true),
            SmoothedProfitRate = Column(rng, n, 0.1, signed: true),
            CostFactor = Column(rng, n, 2),
            Cells = Cells(rng, ObservationLanes.CellStride, (q, u) => 0.5 + u),
        };
        (b.CellOf, b.ColumnOffset, b.ProvinceEntry, b.IndustryEntry) =
            Layout(alive, ObservationLanes.CellStride, ObservationLanes.ProvinceStride, ObservationLanes.IndustryStride, seed);
        var zombies = Flags(rng, n, 0.2);
        b.ClearSums(Provinces, Industries);
        const int firstRow = ObservationLanes.ProvinceRows, rows = ObservationLanes.RowCount - firstRow;
        var outputs = new List<double>(new double[rows * n]);
        for (int start = 0; start < n; start += LaneBlock.BlockSize)
        {
            int end = Math.Min(n, start + LaneBlock.BlockSize);
            for (int i = start; i < end; i++) b.Rows.RowSpan(ObservationLanes.RZombie)[i - start] = zombies[i];
            if (width == 1) ObservationLanes.Run<Lanes1>(b, start, end);
            else ObservationLanes.Run(b, start, end, width);
            CopyBlockRows(b.Rows, firstRow, rows, n, start, end, outputs);
        }
        outputs.AddRange(b.ProvinceSums.RowSpan(0).ToArray());
        outputs.AddRange(b.IndustrySums.RowSpan(0).ToArray());
        return outputs.ToArray();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Observation_lanes_give_the_scalar_twins_bits_at_every_length(int length)
    {
        foreach (int width in new[] { 2, 4, 8 })
        {
            if (width > Lanes.NativeWidth) continue;
            AssertSameBits(RunObservation(length, 1, seed: length), RunObservation(length, width, seed: length),
                "scratch rows (row * n + firm), then the sums", width);
        }
    }

    // Market, first pass --------------------------------------------------------------------------------------

    private static double[] RunMarket(int n, int width, int seed)
    {
        var rng = new CounterRng((ulong)seed, 17, 0, n);
        var b = new MarketLanes.Block
        {
            Alive = Flags(rng, n, 0.9),
            Output = Column(rng, n, 10),
            Inventory = Column(rng, n, 5),
            Sales = Column(rng, n, 10),
            Weight = Column(rng, n, 3),
        };
        int[] column;
        (b.CellOf, column, _, b.IndustryEntry) = Layout(b.Alive, 1, 4, MarketLanes.IndustryStride, seed);
        b.DemandPerWeight = new double[column.Length];
        for (int cell = 0; cell < column.Length - 1; cell++) b.DemandPerWeight[cell] = 0.3 + rng.NextDouble();
        b.ClearSums(Industries);
        var outputs = new List<double>();
        for (int start = 0; start < n; start += LaneBlock.BlockSize)
        {
            int end = Math.Min(n, start + LaneBlock.BlockSize);
            if (width == 1) MarketLanes.Run<Lanes1>(b, start, end);
            else MarketLanes.Run(b, start, end, width);
        }
        outputs.AddRange(b.Sales);
        outputs.AddRange(b.Weight);
        outputs.AddRange(b.IndustrySums.RowSpan(0).ToArray());
        return outputs.ToArray();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Market_lanes_give_the_scalar_twins_bits_at_every_length(int length)
    {
        foreach (int width in new[] { 2, 4, 8 })
        {
            if (width > Lanes.NativeWidth) continue;
            AssertSameBits(RunMarket(length, 1, seed: length), RunMarket(length, width, seed: length), "sales, weights, then the sums", width);
        }
    }
}
