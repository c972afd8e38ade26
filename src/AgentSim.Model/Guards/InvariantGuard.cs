using System.Globalization;
using System.Numerics;
using System.Reflection;
using AgentSim.Model.State;

namespace AgentSim.Model.Guards;

/// <summary>
/// Cheap checks run after every quarter: no non-finite value in any province, industry or national quantity, no
/// negative capacity, stock, output or debt of a firm, GDP by expenditure equal to GDP by value added in every
/// province, and sector net lending summing to zero. The province, industry and nation checks visit every
/// <c>double</c> field of their state classes by reflection (O(provinces + industries) values), so a quantity the
/// model gains later is checked too. The firm checks are one vectorised pass over the firm arrays, every
/// <see cref="FirmChecksEvery"/> quarters. A violation throws <see cref="InvariantViolationException"/> naming the
/// quantity, the province, industry or firm, the phase that computes the quantity and the quarter.
/// </summary>
public sealed class InvariantGuard
{
    /// <summary>Relative tolerance of the accounting identities (they hold to about 1e-12 in a healthy run).</summary>
    public const double IdentityTolerance = 1e-6;

    /// <summary>How far below zero a non-negative firm quantity may be before it counts (rounding in subtractions).</summary>
    public const double NegativeTolerance = 1e-9;

    private static readonly FieldInfo[] ProvinceArrays = DoubleArrays(typeof(ProvinceState));
    private static readonly FieldInfo[] IndustryArrays = DoubleArrays(typeof(IndustryState));
    private static readonly FieldInfo[] NationScalars = typeof(NationState).GetFields(BindingFlags.Instance | BindingFlags.Public)
        .Where(f => f.FieldType == typeof(double)).OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
    private static readonly FieldInfo[] NationArrays = DoubleArrays(typeof(NationState));
    private static readonly FieldInfo[] FirmDoubleArrays = DoubleArrays(typeof(FirmArrays));

    // Industry quantities computed before the end-of-quarter indicators.
    private static readonly HashSet<string> DemandPhaseIndustry = new(StringComparer.Ordinal)
    {
        nameof(IndustryState.DemandPrice), nameof(IndustryState.Demand), nameof(IndustryState.DomesticDemand),
        nameof(IndustryState.ConsumerDemand), nameof(IndustryState.ExportDemand), nameof(IndustryState.ExportShare),
        nameof(IndustryState.ConsumerShareOfDomestic), nameof(IndustryState.Tariff), nameof(IndustryState.Rebate),
        nameof(IndustryState.PullForwardStock),
    };

    private readonly Simulation _sim;
    private readonly long _memoryLimit;
    private readonly int _initialSlots;
    private int _checkedSlots;

    public InvariantGuard(Simulation simulation, int firmChecksEvery = 1)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentOutOfRangeException.ThrowIfNegative(firmChecksEvery);
        _sim = simulation;
        FirmChecksEvery = firmChecksEvery;
        // Taken once, in the caller's flow (a test's override applies to its own runs only).
        _memoryLimit = MemoryEstimate.AvailableBytes();
        _initialSlots = simulation.Firms.Capacity.Length;
    }

    /// <summary>Quarters between passes over the firms (1 = every quarter, 0 = never). The aggregate checks run every quarter.</summary>
    public int FirmChecksEvery { get; }

    /// <summary>Checks the quarter the simulation has just run (<c>Step - 1</c>); throws <see cref="InvariantViolationException"/>.</summary>
    public void Check()
    {
        var quarter = _sim.Step - 1;
        if (FirmChecksEvery > 0 && (quarter + _sim.Config.BurnIn) % FirmChecksEvery == 0)
        {
            CheckFirms(quarter);
        }
        CheckIndustries(quarter);
        CheckProvinces(quarter);
        CheckNation(quarter);
        CheckMemory(quarter);
    }

    /// <summary>
    /// Stops the run while the quarters so far can still be written when the next growth of the firm arrays would not
    /// fit in memory: entry parameters inside their ranges can multiply the firms many times over (100,000 became
    /// 6.5 million), and running out of memory would lose every table. Costs two comparisons unless the arrays grew.
    /// </summary>
    private void CheckMemory(int quarter)
    {
        int slots = _sim.Firms.Capacity.Length;
        if (slots <= _checkedSlots)
            return;
        long needed = MemoryEstimate.NextGrowthBytes(_sim.Config, _sim.Provinces.Count, slots);
        if (needed > _memoryLimit)
        {
            throw new InvariantViolationException(quarter, "distress and entry", string.Create(CultureInfo.InvariantCulture,
                $"memory guard in quarter {quarter}{(quarter < 0 ? " (burn-in)" : "")}: entry has grown the firm arrays from {_initialSlots:N0} to {slots:N0} slots ({_sim.Firms.Count:N0} firms), and their next growth would need about {MemoryEstimate.Gb(needed)} with {MemoryEstimate.Gb(_memoryLimit)} available; the run stops here (lower the entry_exit.* entry rates, use fewer firms, or give it more memory)"));
        }
        _checkedSlots = slots;
    }

    private void CheckFirms(int quarter)
    {
        var f = _sim.Firms;
        int n = f.Count;
        // One read of each array: quantities that must not be negative are checked for that and for being finite at
        // once; every other double array (including any the model gains later) for being finite. The arrays are
        // checked in parallel (the pass is bound by memory bandwidth), and the first failing array in field order is
        // reported, so the message does not depend on threads.
        var fields = FirmDoubleArrays;
        var found = new int[fields.Length];
        Parallel.For(0, fields.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _sim.Threads) }, a =>
        {
            found[a] = -1;
            if (fields[a].GetValue(f) is not double[] values)
            {
                return;
            }
            // The pipeline holds a row of every slot per ring position (slots never used stay 0).
            int length = fields[a].Name == nameof(FirmArrays.Pipeline) ? values.Length : Math.Min(values.Length, n);
            double lower = NonNegativeFirmQuantities.Contains(fields[a].Name) ? -NegativeTolerance : double.NegativeInfinity;
            found[a] = FirstOutside(values.AsSpan(0, length), lower);
        });
        for (int a = 0; a < fields.Length; a++)
        {
            if (found[a] < 0)
            {
                continue;
            }
            var field = fields[a];
            int slots = field.Name == nameof(FirmArrays.Pipeline) ? f.Capacity.Length : int.MaxValue;
            var value = ((double[])field.GetValue(f)!)[found[a]];
            var problem = double.IsFinite(value) ? $"{Format(value)}, below zero" : Format(value);
            throw Violation(quarter, FirmPhase(field.Name), $"{FirmQuantityName(field.Name)} of {Firm(found[a] % slots)} is {problem}");
        }
    }

    /// <summary>Firm quantities that are never negative: capacity (built and under construction), output, stocks, sales, debt.</summary>
    private static readonly HashSet<string> NonNegativeFirmQuantities = new(StringComparer.Ordinal)
    {
        nameof(FirmArrays.Capacity), nameof(FirmArrays.Pipeline), nameof(FirmArrays.Output), nameof(FirmArrays.Inventory),
        nameof(FirmArrays.Sales), nameof(FirmArrays.Debt),
    };

    private static string FirmQuantityName(string field) =>
        field == nameof(FirmArrays.Pipeline) ? "capacity under construction" : Snake(field);

    private void CheckIndustries(int quarter)
    {
        var ind = _sim.Industries;
        foreach (var field in IndustryArrays)
        {
            var values = (double[]?)field.GetValue(ind);
            if (values is null)
            {
                continue;
            }
            int bad = FirstNonFinite(values);
            if (bad >= 0)
            {
                var phase = DemandPhaseIndustry.Contains(field.Name) ? Phase(1) : Phase(5);
                throw Violation(quarter, phase, $"{Snake(field.Name)} of {Entity(bad, values.Length, ind.Count, IndustryName)} is {Format(values[bad])}");
            }
        }
    }

    private void CheckProvinces(int quarter)
    {
        var prov = _sim.Provinces;
        foreach (var field in ProvinceArrays)
        {
            var values = (double[]?)field.GetValue(prov);
            if (values is null)
            {
                continue;
            }
            int bad = FirstNonFinite(values);
            if (bad >= 0)
            {
                throw Violation(quarter, Phase(5), $"{Snake(field.Name)} of {Entity(bad, values.Length, prov.Count, ProvinceName)} is {Format(values[bad])}");
            }
        }
        for (int p = 0; p < prov.Count; p++)
        {
            double expenditure = prov.GdpExpenditure[p], valueAdded = prov.GdpValueAdded[p];
            double scale = Math.Max(Math.Abs(expenditure), Math.Abs(valueAdded));
            if (Math.Abs(expenditure - valueAdded) > IdentityTolerance * scale + 1e-12)
            {
                throw Violation(quarter, Phase(5), string.Create(CultureInfo.InvariantCulture,
                    $"GDP by expenditure ({expenditure:G9}) differs from GDP by value added ({valueAdded:G9}) in {ProvinceName(p)} by {Math.Abs(expenditure - valueAdded) / scale:G3} relative (tolerance {IdentityTolerance:G})"));
            }
        }
    }

    private void CheckNation(int quarter)
    {
        var nation = _sim.Nation;
        foreach (var field in NationScalars)
        {
            var value = (double)field.GetValue(nation)!;
            if (!double.IsFinite(value))
            {
                throw Violation(quarter, Phase(5), $"national {Snake(field.Name)} is {Format(value)}");
            }
        }
        foreach (var field in NationArrays)
        {
            var values = (double[]?)field.GetValue(nation);
            int bad = values is null ? -1 : FirstNonFinite(values);
            if (bad >= 0)
            {
                throw Violation(quarter, Phase(5), $"national {Snake(field.Name)} of industry {IndustryName(bad)} is {Format(values![bad])}");
            }
        }
        double[] sectors =
        [
            nation.NetLendingHouseholds, nation.NetLendingFirms, nation.NetLendingServicesAndConstruction, nation.NetLendingBanks,
            nation.NetLendingLocalGovernments, nation.NetLendingCentralGovernment, nation.NetLendingRestOfWorld,
        ];
        double sum = 0;
        foreach (var s in sectors)
        {
            sum += s;
        }
        double gdpScale = Math.Abs(nation.Gdp);
        if (Math.Abs(sum) > IdentityTolerance * gdpScale + 1e-9)
        {
            throw Violation(quarter, Phase(5), string.Create(CultureInfo.InvariantCulture,
                $"sector net lending sums to {sum:G6} instead of zero ({Math.Abs(sum) / Math.Max(gdpScale, 1e-300):G3} of GDP; tolerance {IdentityTolerance:G})"));
        }
    }

    /// <summary>Index of the first NaN or infinity, or -1.</summary>
    public static int FirstNonFinite(ReadOnlySpan<double> values) => FirstOutside(values, double.NegativeInfinity);

    /// <summary>
    /// Index of the first value not in (<paramref name="lowerExclusive"/>, +infinity), or -1: with -infinity as the bound
    /// that is the first NaN or infinity; with a bound below zero, also the first negative value. Vectorised, one read.
    /// </summary>
    public static int FirstOutside(ReadOnlySpan<double> values, double lowerExclusive)
    {
        int i = 0;
        int width = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated && values.Length >= 2 * width)
        {
            var lower = new Vector<double>(lowerExclusive);
            var upper = new Vector<double>(double.PositiveInfinity);
            for (; i <= values.Length - 2 * width; i += 2 * width)
            {
                var a = new Vector<double>(values.Slice(i));
                var b = new Vector<double>(values.Slice(i + width));
                // NaN compares false, so it fails the lower bound.
                var ok = Vector.GreaterThan(a, lower) & Vector.LessThan(a, upper) & Vector.GreaterThan(b, lower) & Vector.LessThan(b, upper);
                if (!Vector.EqualsAll(ok, Vector<long>.AllBitsSet))
                {
                    break;
                }
            }
        }
        for (; i < values.Length; i++)
        {
            double v = values[i];
            if (!(v > lowerExclusive && v < double.PositiveInfinity))
            {
                return i;
            }
        }
        return -1;
    }

    private InvariantViolationException Violation(int quarter, string phase, string what)
    {
        var when = quarter < 0 ? $"quarter {quarter} (burn-in)" : $"quarter {quarter}";
        return new InvariantViolationException(quarter, phase, $"invariant violated in {when}, phase '{phase}': {what}");
    }

    private string Firm(int slot)
    {
        var f = _sim.Firms;
        if (slot < 0 || slot >= f.Count)
        {
            return $"firm slot {slot}";
        }
        var alive = f.Alive[slot] != 0 ? "" : ", a free slot";
        return $"firm slot {slot} ({ProvinceName(f.Province[slot])}, {IndustryName(f.Industry[slot])}{alive})";
    }

    private static string Entity(int index, int length, int count, Func<int, string> name)
    {
        if (count > 0 && length == count)
        {
            return name(index);
        }
        if (count > 0 && length % count == 0)
        {
            return $"{name(index / (length / count))} (element {index % (length / count)})";
        }
        return $"element {index}";
    }

    private string ProvinceName(int p) =>
        p >= 0 && p < _sim.Provinces.Names.Length && _sim.Provinces.Names[p] is { } name ? $"province {name}" : $"province #{p}";

    private string IndustryName(int s) =>
        s >= 0 && s < _sim.Industry.Names.Length ? $"industry {_sim.Industry.Names[s]}" : $"industry #{s}";

    /// <summary>Firm quantities by the phase that sets them last in a quarter.</summary>
    private static string FirmPhase(string field) => field switch
    {
        nameof(FirmArrays.Capacity) or nameof(FirmArrays.Output) or nameof(FirmArrays.Markup) or nameof(FirmArrays.Price)
            or nameof(FirmArrays.ExpectedDemand) or nameof(FirmArrays.CostFactor) => Phase(0),
        nameof(FirmArrays.Sales) => Phase(1),
        _ => Phase(2),
    };

    private static string Phase(int group) =>
        group < Simulation.PhaseNames.Length ? Simulation.PhaseNames[group] : $"phase group {group}";

    private static string Format(double value) =>
        double.IsNaN(value) ? "NaN" : value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    private static FieldInfo[] DoubleArrays(Type type) =>
        type.GetFields(BindingFlags.Instance | BindingFlags.Public)
            .Where(f => f.FieldType == typeof(double[])).OrderBy(f => f.MetadataToken).ToArray();
}

/// <summary>
/// A broken invariant (a non-finite value, a negative stock, an accounting identity off): the run stops. The message
/// names the quantity, where, the phase and the quarter. Exit code 4 from the command line.
/// </summary>
public sealed class InvariantViolationException(int quarter, string phase, string message) : Exception(message)
{
    /// <summary>The quarter whose end-of-quarter state failed the check (negative in the burn-in).</summary>
    public int Quarter { get; } = quarter;

    /// <summary>The phase group that computes the offending quantity (one of <see cref="Simulation.PhaseNames"/>).</summary>
    public string Phase { get; } = phase;
}
