using AgentSim.Core;

namespace AgentSim.Tests.Core;

/// <summary>
/// The vectorised exp/log used by the market weights: the vector form agrees with its scalar twin bit for
/// bit at every length (so a value's result does not depend on whether it fell in a vector or the tail), and
/// both stay within two ulps of the platform's Math.Exp/Math.Log.
/// </summary>
public sealed class DeterministicMathTests
{
    private const int LargeSize = 1_000_003;

    public static IEnumerable<object[]> Lengths()
    {
        for (int n = 0; n <= 256; n++) yield return [n];
        yield return [LargeSize];
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Vector_and_scalar_scaled_power_agree_bit_for_bit(int length)
    {
        var rng = new CounterRng(1, 99, 0, length);
        var factor = new double[length];
        var baseValue = new double[length];
        var exponent = new double[length];
        for (int i = 0; i < length; i++)
        {
            factor[i] = i % 17 == 0 ? 0 : 10 * rng.NextDouble();
            baseValue[i] = i % 13 == 0 ? 1 : 0.3 + 3 * rng.NextDouble();
            exponent[i] = -12 * rng.NextDouble();
        }
        var vector = new double[length];
        DeterministicMath.ScaledPower(factor, baseValue, exponent, vector);
        for (int i = 0; i < length; i++)
        {
            double scalar = DeterministicMath.ScaledPower(factor[i], baseValue[i], exponent[i]);
            Assert.Equal(BitConverter.DoubleToInt64Bits(scalar), BitConverter.DoubleToInt64Bits(vector[i]));
            double reference = factor[i] * Math.Exp(exponent[i] * Math.Log(baseValue[i]));
            Assert.True(Math.Abs(scalar - reference) <= 1e-14 * Math.Abs(reference),
                $"ScaledPower({factor[i]}, {baseValue[i]}, {exponent[i]}) = {scalar}, Math gives {reference}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Vector_and_scalar_exp_and_log_agree_bit_for_bit(int length)
    {
        var rng = new CounterRng(2, 99, 0, length);
        var x = new double[length];
        var positive = new double[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = 1400 * rng.NextDouble() - 700;
            positive[i] = Math.Exp(1400 * rng.NextDouble() - 700);
        }
        var exp = new double[length];
        var log = new double[length];
        DeterministicMath.Exp(x, exp);
        DeterministicMath.Log(positive, log);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(DeterministicMath.Exp(x[i])), BitConverter.DoubleToInt64Bits(exp[i]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(DeterministicMath.Log(positive[i])), BitConverter.DoubleToInt64Bits(log[i]));
        }
    }

    [Fact]
    public void Exp_and_log_are_within_two_ulps_of_Math()
    {
        var rng = new CounterRng(3, 99, 0, 0);
        for (int i = 0; i < 200_000; i++)
        {
            double x = i % 2 == 0 ? 1416 * rng.NextDouble() - 708 : 2 * rng.NextDouble() - 1;
            AssertWithinUlps(Math.Exp(x), DeterministicMath.Exp(x), 2, $"exp({x})");
            double y = i % 2 == 0 ? Math.Exp(1400 * rng.NextDouble() - 700) : 0.5 + rng.NextDouble();
            AssertWithinUlps(Math.Log(y), DeterministicMath.Log(y), 2, $"log({y})");
        }
        Assert.Equal(0.0, DeterministicMath.Log(1.0));
        Assert.Equal(1.0, DeterministicMath.Exp(0.0));
    }

    [Fact]
    public void Special_inputs_give_what_Math_gives_in_both_forms()
    {
        double[] specials = [0.0, -0.0, -1.0, double.Epsilon, 1e-310, double.PositiveInfinity, double.NegativeInfinity,
            double.NaN, 709.5, -709.5, -745.2, 800, double.MaxValue, double.MinValue];
        // Pad to a whole number of vectors so the specials go through the vector form too.
        var input = specials.Concat(Enumerable.Repeat(1.0, 2)).ToArray();
        var exp = new double[input.Length];
        var log = new double[input.Length];
        DeterministicMath.Exp(input, exp);
        DeterministicMath.Log(input, log);
        for (int i = 0; i < input.Length; i++)
        {
            if (i < specials.Length)
            {
                Assert.Equal(Math.Exp(input[i]), DeterministicMath.Exp(input[i]));
                Assert.Equal(Math.Log(input[i]), DeterministicMath.Log(input[i]));
            }
            Assert.Equal(BitConverter.DoubleToInt64Bits(DeterministicMath.Exp(input[i])), BitConverter.DoubleToInt64Bits(exp[i]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(DeterministicMath.Log(input[i])), BitConverter.DoubleToInt64Bits(log[i]));
        }
    }

    private static void AssertWithinUlps(double expected, double actual, int ulps, string what)
    {
        double ulp = Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= ulps * ulp, $"{what}: {actual:R}, Math gives {expected:R}");
    }
}
