using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AgentSim.Core;

/// <summary>
/// exp and log in managed code, after fdlibm's algorithms (error below one ulp), with a Vector256 form that
/// gives bit-identical results to the scalar form on every lane.
/// <para>
/// Why not <see cref="Math.Exp"/>: in the firm kernels every call went into glibc's SSE-encoded compatibility
/// wrappers from AVX code, and the SSE/AVX transitions cost far more than the arithmetic (measured: a quarter
/// of a step's samples sat on the first instruction of the wrapper). These functions never leave managed code,
/// use only IEEE add, multiply, divide and bit operations (no fused multiply-add, no table), so the result is
/// the same on any x64 or Arm machine and whichever path, vector or scalar tail, a value goes through.
/// Inputs outside the fast range (non-positive, subnormal, infinite or NaN for log; |x| &gt; 708 or NaN for
/// exp) are passed to <see cref="Math"/>, in both forms.
/// </para>
/// </summary>
public static class DeterministicMath
{
    // fdlibm e_log.c constants.
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;
    private const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
        Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
        Lg7 = 1.479819860511658591e-01;

    // fdlibm e_exp.c constants.
    private const double InvLn2 = 1.44269504088896338700e+00;
    private const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
        P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
    private const double ExpLimit = 708.0;
    private const double SmallestNormal = 2.2250738585072014e-308;

    // Adding 1.5 * 2^52 rounds a double of magnitude below 2^51 to the nearest integer (ties to even) and
    // leaves that integer in the low bits of the sum's representation.
    private const double RoundingShift = 6755399441055744.0;

    private const ulong MantissaMask = 0x000FFFFFFFFFFFFFUL, OneBits = 0x3FF0000000000000UL, HiddenBit = 0x0010000000000000UL;
    // Added to the mantissa, carries into the hidden bit exactly when the mantissa is above ~sqrt(2) (fdlibm's 0x95f64).
    private const ulong SqrtTwoCarry = 0x00095F6400000000UL;

    /// <summary>Natural logarithm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double x)
    {
        if (!(x >= SmallestNormal && x <= double.MaxValue)) return Math.Log(x);
        ulong bits = BitConverter.DoubleToUInt64Bits(x);
        // x = 2^k * m with m in [sqrt(2)/2, sqrt(2)).
        long k = (long)(bits >> 52) - 1023;
        ulong mantissa = bits & MantissaMask;
        ulong carry = (mantissa + SqrtTwoCarry) & HiddenBit;
        double m = BitConverter.UInt64BitsToDouble(mantissa | (carry ^ OneBits));
        k += (long)(carry >> 52);
        double f = m - 1.0;
        double hfsq = 0.5 * f * f;
        double s = f / (2.0 + f);
        double z = s * s, w = z * z;
        double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
        double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
        double r = t2 + t1;
        double dk = k;
        return dk * Ln2Hi - ((hfsq - (s * (hfsq + r) + dk * Ln2Lo)) - f);
    }

    /// <summary>e raised to x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Exp(double x)
    {
        if (!(Math.Abs(x) <= ExpLimit)) return Math.Exp(x);
        // x = k ln2 + r, |r| <= ln2 / 2.
        double shifted = x * InvLn2 + RoundingShift;
        ulong kBits = BitConverter.DoubleToUInt64Bits(shifted);
        double dk = shifted - RoundingShift;
        double hi = x - dk * Ln2Hi;
        double lo = dk * Ln2Lo;
        double r = hi - lo;
        double t = r * r;
        double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
        double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
        // 2^k from the low bits of the shifted sum: (k + 1023) << 52; k is within [-1022, 1022] here.
        double scale = BitConverter.UInt64BitsToDouble((kBits + 1023) << 52);
        return y * scale;
    }

    /// <summary>Vector form of <see cref="Log(double)"/>: the same operations on every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x)
    {
        var inRange = Vector256.GreaterThanOrEqual(x, Vector256.Create(SmallestNormal))
                      & Vector256.LessThanOrEqual(x, Vector256.Create(double.MaxValue));
        if (Vector256.ExtractMostSignificantBits(inRange) != 0b1111) return LogPerLane(x);
        var bits = x.AsUInt64();
        var k = Vector256.ShiftRightLogical(bits, 52).AsInt64() - Vector256.Create(1023L);
        var mantissa = bits & Vector256.Create(MantissaMask);
        var carry = (mantissa + Vector256.Create(SqrtTwoCarry)) & Vector256.Create(HiddenBit);
        var m = (mantissa | (carry ^ Vector256.Create(OneBits))).AsDouble();
        k += Vector256.ShiftRightLogical(carry, 52).AsInt64();
        var one = Vector256.Create(1.0);
        var f = m - one;
        var hfsq = Vector256.Create(0.5) * f * f;
        var s = f / (Vector256.Create(2.0) + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (Vector256.Create(Lg2) + w * (Vector256.Create(Lg4) + w * Vector256.Create(Lg6)));
        var t2 = z * (Vector256.Create(Lg1) + w * (Vector256.Create(Lg3) + w * (Vector256.Create(Lg5) + w * Vector256.Create(Lg7))));
        var r = t2 + t1;
        var dk = Int64ToDouble(k);
        return dk * Vector256.Create(Ln2Hi) - ((hfsq - (s * (hfsq + r) + dk * Vector256.Create(Ln2Lo))) - f);
    }

    /// <summary>Vector form of <see cref="Exp(double)"/>: the same operations on every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        if (!Vector256.LessThanOrEqualAll(Vector256.Abs(x), Vector256.Create(ExpLimit))) return ExpPerLane(x);
        var shiftConstant = Vector256.Create(RoundingShift);
        var shifted = x * Vector256.Create(InvLn2) + shiftConstant;
        var kBits = shifted.AsUInt64();
        var dk = shifted - shiftConstant;
        var hi = x - dk * Vector256.Create(Ln2Hi);
        var lo = dk * Vector256.Create(Ln2Lo);
        var r = hi - lo;
        var t = r * r;
        var c = r - t * (Vector256.Create(P1) + t * (Vector256.Create(P2) + t * (Vector256.Create(P3)
                + t * (Vector256.Create(P4) + t * Vector256.Create(P5)))));
        var y = Vector256.Create(1.0) - ((lo - (r * c) / (Vector256.Create(2.0) - c)) - hi);
        var scale = Vector256.ShiftLeft(kBits + Vector256.Create(1023UL), 52).AsDouble();
        return y * scale;
    }

    /// <summary>
    /// destination[i] = factor[i] * exp(exponent[i] * log(baseValue[i])): a power with a per-element exponent,
    /// scaled. Vectorised where the hardware has 256-bit vectors; each element's result is the same as
    /// <see cref="ScaledPower(double, double, double)"/> gives it.
    /// </summary>
    // Fully optimised from the first call: unoptimised (tier-0) code does not inline the vector forms and is many
    // times slower, which short runs would otherwise pay for most of their length.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaledPower(ReadOnlySpan<double> factor, ReadOnlySpan<double> baseValue, ReadOnlySpan<double> exponent, Span<double> destination)
    {
        int n = destination.Length;
        if (factor.Length < n || baseValue.Length < n || exponent.Length < n)
            throw new ArgumentException("ScaledPower: input spans are shorter than the destination");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double a = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(factor);
            ref double b = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(baseValue);
            ref double e = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(exponent);
            ref double d = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var power = Exp(Vector256.LoadUnsafe(ref e, (nuint)i) * Log(Vector256.LoadUnsafe(ref b, (nuint)i)));
                (Vector256.LoadUnsafe(ref a, (nuint)i) * power).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++) destination[i] = ScaledPower(factor[i], baseValue[i], exponent[i]);
    }

    /// <summary>Scalar twin of the span form: factor * exp(exponent * log(baseValue)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ScaledPower(double factor, double baseValue, double exponent) => factor * Exp(exponent * Log(baseValue));

    /// <summary>Span form of <see cref="Exp(double)"/>.</summary>
    public static void Exp(ReadOnlySpan<double> x, Span<double> destination)
    {
        int n = x.Length;
        if (destination.Length < n) throw new ArgumentException("Exp: destination is shorter than the input");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
                Exp(Vector256.Create(x.Slice(i, Vector256<double>.Count))).CopyTo(destination.Slice(i));
        for (; i < n; i++) destination[i] = Exp(x[i]);
    }

    /// <summary>Span form of <see cref="Log(double)"/>.</summary>
    public static void Log(ReadOnlySpan<double> x, Span<double> destination)
    {
        int n = x.Length;
        if (destination.Length < n) throw new ArgumentException("Log: destination is shorter than the input");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
                Log(Vector256.Create(x.Slice(i, Vector256<double>.Count))).CopyTo(destination.Slice(i));
        for (; i < n; i++) destination[i] = Log(x[i]);
    }

    // Rare lanes outside the fast range go through the scalar forms; kept out of line so the vector forms inline.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<double> LogPerLane(Vector256<double> x) => Vector256.Create(Log(x[0]), Log(x[1]), Log(x[2]), Log(x[3]));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<double> ExpPerLane(Vector256<double> x) => Vector256.Create(Exp(x[0]), Exp(x[1]), Exp(x[2]), Exp(x[3]));

    // |k| < 2^51: exact conversion by the same shift trick, with no dependence on AVX-512's vcvtqq2pd.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Int64ToDouble(Vector256<long> k)
    {
        var shift = Vector256.Create(RoundingShift);
        return (k + shift.AsInt64()).AsDouble() - shift;
    }
}
