using System.Globalization;
using System.Text;

namespace AgentSim.Config;

/// <summary>Key naming (PascalCase to snake_case), number formatting and "did you mean" suggestions.</summary>
internal static class Naming
{
    /// <summary>"BurnIn" -> "burn_in", "HouseholdIncome" -> "household_income".</summary>
    public static string ToSnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousIsWordEnd = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var acronymEnds = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (previousIsWordEnd || acronymEnds)
                    text.Append('_');
                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    /// <summary>Shortest text that parses back to the same double, without culture effects.</summary>
    public static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The candidate closest to <paramref name="input"/> by edit distance, or null when none is close enough
    /// to be a plausible typo. Case, hyphens and camelCase are forgiven first, so "BurnIn" and "burn-in" find "burn_in".
    /// </summary>
    public static string? Nearest(string input, IEnumerable<string> candidates)
    {
        var typed = Normalise(input);
        if (typed.Length == 0)
            return null;
        var options = candidates.ToList();
        var limit = Math.Clamp(typed.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in options)
        {
            var distance = Distance(typed, Normalise(candidate));
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (bestDistance <= limit)
            return best;
        // A truncated name ("solar" for "solar_pv") is far by edit distance but obvious to a reader.
        var extensions = typed.Length >= 3
            ? options.Where(c => Normalise(c).StartsWith(typed, StringComparison.Ordinal)).Take(2).ToList()
            : [];
        return extensions.Count == 1 ? extensions[0] : null;
    }

    private static string Normalise(string key) => ToSnakeCase(key.Trim()).Replace('-', '_').ToLowerInvariant();

    /// <summary>Optimal string alignment distance: Levenshtein plus transposition of adjacent characters.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
