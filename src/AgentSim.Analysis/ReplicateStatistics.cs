using MathNet.Numerics.Distributions;

namespace AgentSim.Analysis;

/// <summary>Mean and 95% confidence interval of one indicator across replicates (Student t).</summary>
public sealed record ReplicateStatistic(string Name, int Count, double Mean, double StandardDeviation, double Low, double High, string Unit, string Meaning)
{
    public static ReplicateStatistic From(IReadOnlyList<Indicator> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values");
        int n = values.Count;
        double mean = values.Average(v => v.Value);
        double sd = n > 1 ? Math.Sqrt(values.Sum(v => (v.Value - mean) * (v.Value - mean)) / (n - 1)) : 0;
        double half = n > 1 ? StudentT.InvCDF(0, 1, n - 1, 0.975) * sd / Math.Sqrt(n) : 0;
        return new(values[0].Name, n, mean, sd, mean - half, mean + half, values[0].Unit, values[0].Meaning);
    }

    /// <summary>Summarises every indicator name found in the replicates, in first-seen order.</summary>
    public static List<ReplicateStatistic> Summarise(IEnumerable<IReadOnlyList<Indicator>> replicates)
    {
        var byName = new Dictionary<string, List<Indicator>>();
        var order = new List<string>();
        foreach (var replicate in replicates)
            foreach (var indicator in replicate)
            {
                if (!byName.TryGetValue(indicator.Name, out var list))
                {
                    byName[indicator.Name] = list = new();
                    order.Add(indicator.Name);
                }
                list.Add(indicator);
            }
        return order.Select(name => From(byName[name])).ToList();
    }
}
