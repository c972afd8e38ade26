using System.Globalization;

namespace AgentSim.Report;

/// <summary>
/// Orders text with runs of digits compared as numbers: "p1, p3, p10, p13" rather than "p1, p10, p13, p3" (an
/// ordinal sort of pilot sets draws a trend that is not there); whole numbers, decimals included, compare as numbers.
/// </summary>
public sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        x ??= "";
        y ??= "";
        if (double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var dx)
            && double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var dy))
            return dx.CompareTo(dy);
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                int si = i, sj = j;
                while (i < x.Length && char.IsAsciiDigit(x[i])) i++;
                while (j < y.Length && char.IsAsciiDigit(y[j])) j++;
                string a = x[si..i].TrimStart('0'), b = y[sj..j].TrimStart('0');
                int c = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
                if (c != 0) return c;
            }
            else
            {
                if (x[i] != y[j]) return x[i].CompareTo(y[j]);
                i++;
                j++;
            }
        }
        return (x.Length - i).CompareTo(y.Length - j);
    }
}
