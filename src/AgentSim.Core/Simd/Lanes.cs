using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentSim.Core.Simd;

/// <summary>
/// A lane width of double arithmetic, so that a kernel is written once and runs on 1, 2, 4 or 8 firms at a time.
/// Every operation is the IEEE operation on each lane (no fused multiply-add, which would round once instead of
/// twice); <c>Min</c>/<c>Max</c> follow <see cref="Math.Min(double, double)"/> (NaN propagates, -0 &lt; +0) and
/// comparisons are false on NaN as in C#. A kernel therefore gives the same bits at every width, so results never
/// depend on the hardware. Masks are lanes with all bits set (true) or clear (false).
/// </summary>
public interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Firms per operation.</summary>
    static abstract int Count { get; }

    static abstract TSelf Create(double value);

    /// <summary>Loads Count consecutive values.</summary>
    static abstract TSelf Load(ref double source);

    static abstract void Store(TSelf value, ref double destination);

    /// <summary>Lane j is table[indices[j]] for Count consecutive indices.</summary>
    static abstract TSelf Gather(ref double table, ref int indices);

    /// <summary>
    /// Reads a table row for each lane (lane k's row starts at table[offsetOfCell[cells[k]]]) and turns rows into columns:
    /// column q of the lanes' rows is stored as Count consecutive values at destination[q * stride], for q below
    /// <paramref name="columns"/> (a multiple of 4). One transposition of whole rows costs far less than a gather per
    /// column (gathers are microcoded and slow on many x86 processors).
    /// </summary>
    static abstract void LoadColumns(ref double table, ref int cells, ref int offsetOfCell, int columns, ref double destination, int stride);

    /// <summary>
    /// The reverse of <see cref="LoadColumns"/>, adding: for each lane k in order, adds the lane's values of rows
    /// 0 .. 4 * groups - 1 (row q's Count lanes at rows[q * stride]) to table[offsetOfCell[cells[k]] + q]. Lanes are added one
    /// after another, so each table entry receives its additions in slot order, as a scalar loop would add them.
    /// </summary>
    static abstract void AccumulateRows(ref double rows, int stride, int groups, ref double table, ref int cells, ref int offsetOfCell);

    /// <summary>A mask that is true where the byte is not zero, for Count consecutive bytes.</summary>
    static abstract TSelf NonZero(ref byte source);

    static abstract TSelf operator +(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf left, TSelf right);
    static abstract TSelf operator *(TSelf left, TSelf right);
    static abstract TSelf operator /(TSelf left, TSelf right);

    static abstract TSelf Min(TSelf left, TSelf right);
    static abstract TSelf Max(TSelf left, TSelf right);

    static abstract TSelf LessThan(TSelf left, TSelf right);
    static abstract TSelf LessThanOrEqual(TSelf left, TSelf right);
    static abstract TSelf GreaterThan(TSelf left, TSelf right);
    static abstract TSelf GreaterThanOrEqual(TSelf left, TSelf right);

    /// <summary>Both masks.</summary>
    static abstract TSelf And(TSelf left, TSelf right);

    /// <summary>Either mask.</summary>
    static abstract TSelf Or(TSelf left, TSelf right);

    /// <summary>left and not right.</summary>
    static abstract TSelf AndNot(TSelf left, TSelf right);

    /// <summary>ifTrue where the mask is true, else ifFalse.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);

    /// <summary>True when any lane of the mask is true.</summary>
    static abstract bool Any(TSelf mask);
}

/// <summary>Kernel helpers defined once over the lane operations.</summary>
public static class Lanes
{
    /// <summary><see cref="Math.Clamp(double, double, double)"/> per lane (NaN stays NaN, -0 is kept), without its throw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Clamp<T>(T value, T min, T max) where T : struct, ILanes<T> =>
        T.Select(T.LessThan(value, min), min, T.Select(T.GreaterThan(value, max), max, value));

    /// <summary>The widest lanes this machine runs natively: 8 with AVX-512, 4 with AVX2, 2 with 128-bit vectors (SSE2, NEON), else 1.</summary>
    public static int NativeWidth =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? 8
        : Vector256.IsHardwareAccelerated && Avx2.IsSupported ? 4
        : Vector128.IsHardwareAccelerated ? 2
        : 1;
}

/// <summary>One lane: the scalar twin of the vector widths, and the tail of every vector loop.</summary>
public readonly struct Lanes1 : ILanes<Lanes1>
{
    private static readonly double AllBits = BitConverter.Int64BitsToDouble(-1L);

    public readonly double Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes1(double value) => Value = value;

    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Create(double value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Load(ref double source) => new(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes1 value, ref double destination) => destination = value.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Gather(ref double table, ref int indices) => new(Unsafe.Add(ref table, indices));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadColumns(ref double table, ref int cells, ref int offsetOfCell, int columns, ref double destination, int stride)
    {
        ref double row = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, cells));
        for (int q = 0; q < columns; q++) Unsafe.Add(ref destination, q * stride) = Unsafe.Add(ref row, q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateRows(ref double rows, int stride, int groups, ref double table, ref int cells, ref int offsetOfCell)
    {
        ref double row = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, cells));
        for (int q = 0; q < 4 * groups; q++) Unsafe.Add(ref row, q) += Unsafe.Add(ref rows, q * stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 NonZero(ref byte source) => Mask(source != 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Lanes1 Mask(bool value) => new(value ? AllBits : 0.0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsTrue(Lanes1 mask) => BitConverter.DoubleToInt64Bits(mask.Value) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 operator +(Lanes1 left, Lanes1 right) => new(left.Value + right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 operator -(Lanes1 left, Lanes1 right) => new(left.Value - right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 operator *(Lanes1 left, Lanes1 right) => new(left.Value * right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 operator /(Lanes1 left, Lanes1 right) => new(left.Value / right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Min(Lanes1 left, Lanes1 right) => new(Math.Min(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Max(Lanes1 left, Lanes1 right) => new(Math.Max(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 LessThan(Lanes1 left, Lanes1 right) => Mask(left.Value < right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 LessThanOrEqual(Lanes1 left, Lanes1 right) => Mask(left.Value <= right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 GreaterThan(Lanes1 left, Lanes1 right) => Mask(left.Value > right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 GreaterThanOrEqual(Lanes1 left, Lanes1 right) => Mask(left.Value >= right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 And(Lanes1 left, Lanes1 right) => Mask(IsTrue(left) & IsTrue(right));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Or(Lanes1 left, Lanes1 right) => Mask(IsTrue(left) | IsTrue(right));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 AndNot(Lanes1 left, Lanes1 right) => Mask(IsTrue(left) & !IsTrue(right));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Select(Lanes1 mask, Lanes1 ifTrue, Lanes1 ifFalse) => IsTrue(mask) ? ifTrue : ifFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Lanes1 mask) => IsTrue(mask);
}

/// <summary>Two lanes (128-bit vectors: SSE2 on x86, NEON on ARM64).</summary>
public readonly struct Lanes2 : ILanes<Lanes2>
{
    public readonly Vector128<double> Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes2(Vector128<double> value) => Value = value;

    public static int Count => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Create(double value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Load(ref double source) => new(Vector128.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes2 value, ref double destination) => value.Value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Gather(ref double table, ref int indices) =>
        new(Vector128.Create(Unsafe.Add(ref table, indices), Unsafe.Add(ref table, Unsafe.Add(ref indices, 1))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadColumns(ref double table, ref int cells, ref int offsetOfCell, int columns, ref double destination, int stride)
    {
        ref double row0 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, cells));
        ref double row1 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 1)));
        for (int q = 0; q < columns; q++)
            Vector128.Create(Unsafe.Add(ref row0, q), Unsafe.Add(ref row1, q)).StoreUnsafe(ref destination, (nuint)(q * stride));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateRows(ref double rows, int stride, int groups, ref double table, ref int cells, ref int offsetOfCell)
    {
        ref double row0 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, cells));
        ref double row1 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 1)));
        // Pairs of quantities per lane; lane 0 before lane 1 (they may share a table row).
        for (int q = 0; q < 4 * groups; q += 2)
        {
            var lane0 = Vector128.Create(Unsafe.Add(ref rows, q * stride), Unsafe.Add(ref rows, (q + 1) * stride));
            var lane1 = Vector128.Create(Unsafe.Add(ref rows, q * stride + 1), Unsafe.Add(ref rows, (q + 1) * stride + 1));
            (Vector128.LoadUnsafe(ref row0, (nuint)q) + lane0).StoreUnsafe(ref row0, (nuint)q);
            (Vector128.LoadUnsafe(ref row1, (nuint)q) + lane1).StoreUnsafe(ref row1, (nuint)q);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 NonZero(ref byte source) =>
        new(~Vector128.Equals(Vector128.Create((long)source, Unsafe.Add(ref source, 1)), Vector128<long>.Zero).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 operator +(Lanes2 left, Lanes2 right) => new(left.Value + right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 operator -(Lanes2 left, Lanes2 right) => new(left.Value - right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 operator *(Lanes2 left, Lanes2 right) => new(left.Value * right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 operator /(Lanes2 left, Lanes2 right) => new(left.Value / right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Min(Lanes2 left, Lanes2 right) => new(Vector128.Min(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Max(Lanes2 left, Lanes2 right) => new(Vector128.Max(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 LessThan(Lanes2 left, Lanes2 right) => new(Vector128.LessThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 LessThanOrEqual(Lanes2 left, Lanes2 right) => new(Vector128.LessThanOrEqual(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 GreaterThan(Lanes2 left, Lanes2 right) => new(Vector128.GreaterThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 GreaterThanOrEqual(Lanes2 left, Lanes2 right) => new(Vector128.GreaterThanOrEqual(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 And(Lanes2 left, Lanes2 right) => new(left.Value & right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Or(Lanes2 left, Lanes2 right) => new(left.Value | right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 AndNot(Lanes2 left, Lanes2 right) => new(Vector128.AndNot(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Select(Lanes2 mask, Lanes2 ifTrue, Lanes2 ifFalse) =>
        new(Vector128.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Lanes2 mask) => Vector128.ExtractMostSignificantBits(mask.Value) != 0;
}

/// <summary>Four lanes (AVX2).</summary>
public readonly struct Lanes4 : ILanes<Lanes4>
{
    public readonly Vector256<double> Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes4(Vector256<double> value) => Value = value;

    public static int Count => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Create(double value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Load(ref double source) => new(Vector256.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes4 value, ref double destination) => value.Value.StoreUnsafe(ref destination);

    // Four scalar loads: the AVX2 gather instruction measured slower on this kernel's machine (microcoded).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Gather(ref double table, ref int indices)
    {
        return new(Vector256.Create(Unsafe.Add(ref table, indices), Unsafe.Add(ref table, Unsafe.Add(ref indices, 1)),
            Unsafe.Add(ref table, Unsafe.Add(ref indices, 2)), Unsafe.Add(ref table, Unsafe.Add(ref indices, 3))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadColumns(ref double table, ref int cells, ref int offsetOfCell, int columns, ref double destination, int stride)
    {
        ref double row0 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, cells));
        ref double row1 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 1)));
        ref double row2 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 2)));
        ref double row3 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 3)));
        for (int q = 0; q < columns; q += 4)
        {
            Transpose(Vector256.LoadUnsafe(ref row0, (nuint)q), Vector256.LoadUnsafe(ref row1, (nuint)q),
                Vector256.LoadUnsafe(ref row2, (nuint)q), Vector256.LoadUnsafe(ref row3, (nuint)q),
                out var column0, out var column1, out var column2, out var column3);
            column0.StoreUnsafe(ref destination, (nuint)(q * stride));
            column1.StoreUnsafe(ref destination, (nuint)((q + 1) * stride));
            column2.StoreUnsafe(ref destination, (nuint)((q + 2) * stride));
            column3.StoreUnsafe(ref destination, (nuint)((q + 3) * stride));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateRows(ref double rows, int stride, int groups, ref double table, ref int cells, ref int offsetOfCell)
    {
        ref double row0 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, cells));
        ref double row1 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 1)));
        ref double row2 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 2)));
        ref double row3 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 3)));
        for (int g = 0; g < groups; g++)
        {
            int q = 4 * g;
            Transpose(Vector256.LoadUnsafe(ref rows, (nuint)(q * stride)), Vector256.LoadUnsafe(ref rows, (nuint)((q + 1) * stride)),
                Vector256.LoadUnsafe(ref rows, (nuint)((q + 2) * stride)), Vector256.LoadUnsafe(ref rows, (nuint)((q + 3) * stride)),
                out var lane0, out var lane1, out var lane2, out var lane3);
            // One lane after another: two lanes may share a table row.
            (Vector256.LoadUnsafe(ref row0, (nuint)q) + lane0).StoreUnsafe(ref row0, (nuint)q);
            (Vector256.LoadUnsafe(ref row1, (nuint)q) + lane1).StoreUnsafe(ref row1, (nuint)q);
            (Vector256.LoadUnsafe(ref row2, (nuint)q) + lane2).StoreUnsafe(ref row2, (nuint)q);
            (Vector256.LoadUnsafe(ref row3, (nuint)q) + lane3).StoreUnsafe(ref row3, (nuint)q);
        }
    }

    /// <summary>4 x 4 transpose: rows a-d in, columns out (pairs within 128-bit halves, then halves across).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(Vector256<double> a, Vector256<double> b, Vector256<double> c, Vector256<double> d,
        out Vector256<double> column0, out Vector256<double> column1, out Vector256<double> column2, out Vector256<double> column3)
    {
        var ab0 = Avx.UnpackLow(a, b);    // a0 b0 a2 b2
        var ab1 = Avx.UnpackHigh(a, b);   // a1 b1 a3 b3
        var cd0 = Avx.UnpackLow(c, d);    // c0 d0 c2 d2
        var cd1 = Avx.UnpackHigh(c, d);   // c1 d1 c3 d3
        column0 = Avx.Permute2x128(ab0, cd0, 0x20);
        column1 = Avx.Permute2x128(ab1, cd1, 0x20);
        column2 = Avx.Permute2x128(ab0, cd0, 0x31);
        column3 = Avx.Permute2x128(ab1, cd1, 0x31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 NonZero(ref byte source)
    {
        Vector256<long> wide = Avx2.IsSupported
            ? Avx2.ConvertToVector256Int64(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte())
            : Vector256.Create(source, Unsafe.Add(ref source, 1), Unsafe.Add(ref source, 2), (long)Unsafe.Add(ref source, 3));
        return new(~Vector256.Equals(wide, Vector256<long>.Zero).AsDouble());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 operator +(Lanes4 left, Lanes4 right) => new(left.Value + right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 operator -(Lanes4 left, Lanes4 right) => new(left.Value - right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 operator *(Lanes4 left, Lanes4 right) => new(left.Value * right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 operator /(Lanes4 left, Lanes4 right) => new(left.Value / right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Min(Lanes4 left, Lanes4 right) => new(Vector256.Min(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Max(Lanes4 left, Lanes4 right) => new(Vector256.Max(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 LessThan(Lanes4 left, Lanes4 right) => new(Vector256.LessThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 LessThanOrEqual(Lanes4 left, Lanes4 right) => new(Vector256.LessThanOrEqual(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 GreaterThan(Lanes4 left, Lanes4 right) => new(Vector256.GreaterThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 GreaterThanOrEqual(Lanes4 left, Lanes4 right) => new(Vector256.GreaterThanOrEqual(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 And(Lanes4 left, Lanes4 right) => new(left.Value & right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Or(Lanes4 left, Lanes4 right) => new(left.Value | right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 AndNot(Lanes4 left, Lanes4 right) => new(Vector256.AndNot(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Select(Lanes4 mask, Lanes4 ifTrue, Lanes4 ifFalse) =>
        new(Vector256.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Lanes4 mask) => Vector256.ExtractMostSignificantBits(mask.Value) != 0;
}

/// <summary>Eight lanes (AVX-512).</summary>
public readonly struct Lanes8 : ILanes<Lanes8>
{
    public readonly Vector512<double> Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes8(Vector512<double> value) => Value = value;

    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Create(double value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Load(ref double source) => new(Vector512.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes8 value, ref double destination) => value.Value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Gather(ref double table, ref int indices) =>
        new(Vector512.Create(Lanes4.Gather(ref table, ref indices).Value, Lanes4.Gather(ref table, ref Unsafe.Add(ref indices, 4)).Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadColumns(ref double table, ref int cells, ref int offsetOfCell, int columns, ref double destination, int stride)
    {
        ref double row0 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, cells));
        ref double row1 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 1)));
        ref double row2 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 2)));
        ref double row3 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 3)));
        ref double row4 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 4)));
        ref double row5 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 5)));
        ref double row6 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 6)));
        ref double row7 = ref Unsafe.Add(ref table, Unsafe.Add(ref offsetOfCell, Unsafe.Add(ref cells, 7)));
        for (int q = 0; q < columns; q += 4)
        {
            // Two 4 x 4 transposes (lanes 0-3 and 4-7), joined.
            Lanes4.Transpose(Vector256.LoadUnsafe(ref row0, (nuint)q), Vector256.LoadUnsafe(ref row1, (nuint)q),
                Vector256.LoadUnsafe(ref row2, (nuint)q), Vector256.LoadUnsafe(ref row3, (nuint)q),
                out var low0, out var low1, out var low2, out var low3);
            Lanes4.Transpose(Vector256.LoadUnsafe(ref row4, (nuint)q), Vector256.LoadUnsafe(ref row5, (nuint)q),
                Vector256.LoadUnsafe(ref row6, (nuint)q), Vector256.LoadUnsafe(ref row7, (nuint)q),
                out var high0, out var high1, out var high2, out var high3);
            low0.StoreUnsafe(ref destination, (nuint)(q * stride));
            high0.StoreUnsafe(ref destination, (nuint)(q * stride + 4));
            low1.StoreUnsafe(ref destination, (nuint)((q + 1) * stride));
            high1.StoreUnsafe(ref destination, (nuint)((q + 1) * stride + 4));
            low2.StoreUnsafe(ref destination, (nuint)((q + 2) * stride));
            high2.StoreUnsafe(ref destination, (nuint)((q + 2) * stride + 4));
            low3.StoreUnsafe(ref destination, (nuint)((q + 3) * stride));
            high3.StoreUnsafe(ref destination, (nuint)((q + 3) * stride + 4));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateRows(ref double rows, int stride, int groups, ref double table, ref int cells, ref int offsetOfCell)
    {
        // Lanes 0-3, then 4-7: slot order.
        Lanes4.AccumulateRows(ref rows, stride, groups, ref table, ref cells, ref offsetOfCell);
        Lanes4.AccumulateRows(ref Unsafe.Add(ref rows, 4), stride, groups, ref table, ref Unsafe.Add(ref cells, 4), ref offsetOfCell);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 NonZero(ref byte source)
    {
        Vector512<long> wide = Avx512F.IsSupported
            ? Avx512F.ConvertToVector512Int64(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte())
            : Vector512.Create(Lanes4.NonZero(ref source).Value.AsInt64(), Lanes4.NonZero(ref Unsafe.Add(ref source, 4)).Value.AsInt64());
        return Avx512F.IsSupported ? new(~Vector512.Equals(wide, Vector512<long>.Zero).AsDouble()) : new(wide.AsDouble());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 operator +(Lanes8 left, Lanes8 right) => new(left.Value + right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 operator -(Lanes8 left, Lanes8 right) => new(left.Value - right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 operator *(Lanes8 left, Lanes8 right) => new(left.Value * right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 operator /(Lanes8 left, Lanes8 right) => new(left.Value / right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Min(Lanes8 left, Lanes8 right) => new(Vector512.Min(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Max(Lanes8 left, Lanes8 right) => new(Vector512.Max(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 LessThan(Lanes8 left, Lanes8 right) => new(Vector512.LessThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 LessThanOrEqual(Lanes8 left, Lanes8 right) => new(Vector512.LessThanOrEqual(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 GreaterThan(Lanes8 left, Lanes8 right) => new(Vector512.GreaterThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 GreaterThanOrEqual(Lanes8 left, Lanes8 right) => new(Vector512.GreaterThanOrEqual(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 And(Lanes8 left, Lanes8 right) => new(left.Value & right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Or(Lanes8 left, Lanes8 right) => new(left.Value | right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 AndNot(Lanes8 left, Lanes8 right) => new(Vector512.AndNot(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Select(Lanes8 mask, Lanes8 ifTrue, Lanes8 ifFalse) =>
        new(Vector512.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Lanes8 mask) => Vector512.ExtractMostSignificantBits(mask.Value) != 0;
}

/// <summary>
/// Per-thread scratch rows for lane kernels: a pinned array whose rows start on 64-byte boundaries, so vector stores
/// and the loads that read them back never split a cache line (a split store cannot forward to the load).
/// </summary>
public sealed class AlignedRows
{
    private readonly double[] _storage;
    private readonly int _base;

    public AlignedRows(int rows, int rowLength)
    {
        if (rowLength % 8 != 0) throw new ArgumentException("rows must hold a multiple of 8 values", nameof(rowLength));
        Rows = rows;
        RowLength = rowLength;
        _storage = GC.AllocateUninitializedArray<double>(rows * rowLength + 8, pinned: true);
        _storage.AsSpan().Clear();
        unsafe
        {
            long address = (long)Unsafe.AsPointer(ref _storage[0]);
            _base = (int)((64 - address % 64) % 64 / sizeof(double));
        }
    }

    public int Rows { get; }
    public int RowLength { get; }

    /// <summary>The first value of row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref double Row(int row) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_storage), _base + row * RowLength);

    /// <summary>Row <paramref name="row"/> as a span.</summary>
    public Span<double> RowSpan(int row) => _storage.AsSpan(_base + row * RowLength, RowLength);
}
