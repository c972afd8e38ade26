using AgentSim.Model;

namespace AgentSim.Analysis;

/// <summary>
/// The quarterly series a run's indicators are computed from: collected in memory while it runs (one small row per
/// quarter: no Parquet round trip is needed to analyse a replicate), or read back from its tables by the report (the
/// same numbers: the tables hold these values as doubles).
/// </summary>
public sealed class RunSeries
{
    /// <summary>An empty series for a run with these industries and provinces, filled by whoever reads its tables.</summary>
    public RunSeries(string[] industries, bool[] strategic, string[] provinces, bool[] isPilot, int switchStep, long seed = 0)
    {
        Industries = industries;
        Strategic = strategic;
        Provinces = provinces;
        IsPilot = isPilot;
        SwitchStep = switchStep;
        TariffSteps = [];
        TradeInSteps = [];
        Seed = seed;
    }

    public RunSeries(Simulation sim)
    {
        Industries = sim.Industry.Names;
        Strategic = sim.Industry.Strategic;
        Provinces = sim.Provinces.Names;
        IsPilot = (bool[])sim.Provinces.IsPilot.Clone();
        SwitchStep = sim.Config.Incentives.PilotProvinces.Count > 0 ? sim.Config.Incentives.SwitchStep : -1;
        TariffSteps = sim.Config.Tariffs.Select(t => (t.Industry, t.FromStep)).ToArray();
        TradeInSteps = sim.Config.TradeIn.Select(t => (t.Industries.ToArray(), t.FromStep, t.ToStep)).ToArray();
        Seed = sim.Config.Seed;
    }

    public long Seed { get; }
    public string[] Industries { get; }
    public bool[] Strategic { get; }
    public string[] Provinces { get; }
    public bool[] IsPilot { get; }
    public int SwitchStep { get; }
    public (string Industry, int FromStep)[] TariffSteps { get; }
    public (string[] Industries, int FromStep, int ToStep)[] TradeInSteps { get; }

    public List<double> ConsumptionShare { get; } = new();
    public List<double> InvestmentShare { get; } = new();
    public List<double> ProducerPriceIndex { get; } = new();
    public List<double> StrategicPriceIndex { get; } = new();
    public List<double> NonStrategicPriceIndex { get; } = new();
    public List<double> GdpReal { get; } = new();                     // national, CNY bn per quarter at start prices
    public List<double> IncomePerCapitaRealNational { get; } = new(); // household income / population / CPI
    public List<double> LocalDebtToGdp { get; } = new();              // local debt of all provinces / (4 x quarterly GDP)
    public List<double[]> Capacity { get; } = new();     // per industry
    public List<double[]> Output { get; } = new();
    public List<double[]> Revenue { get; } = new();
    public List<double[]> Profit { get; } = new();
    public List<double[]> PriceIndex { get; } = new();
    public List<double[]> Exports { get; } = new();      // units
    public List<double[]> Demand { get; } = new();       // units
    public List<double[]> DomesticDemand { get; } = new();
    public List<double> Firms { get; } = new();
    public List<double> Zombies { get; } = new();
    public List<double[]> IncomePerCapitaReal { get; } = new();   // per province
    public List<double[]> CapexSubsidyStrategic { get; } = new(); // per province, mean over strategic industries
    public List<double[]> BailoutPropensity { get; } = new();
    public List<double[]> WelfareShare { get; } = new();

    public int Steps => ConsumptionShare.Count;

    /// <summary>Appends the quarter the simulation has just run.</summary>
    public void Record(Simulation sim)
    {
        var n = sim.Nation;
        var ind = sim.Industries;
        var prov = sim.Provinces;
        ConsumptionShare.Add(n.Consumption / n.Gdp);
        InvestmentShare.Add(n.Investment / n.Gdp);
        ProducerPriceIndex.Add(n.ProducerPriceIndex);
        StrategicPriceIndex.Add(n.StrategicPriceIndex);
        NonStrategicPriceIndex.Add(n.NonStrategicPriceIndex);
        GdpReal.Add(n.GdpReal);
        IncomePerCapitaRealNational.Add(NationalIncomePerCapitaReal(prov.HouseholdIncome, prov.Population, n.ConsumerPriceIndex));
        LocalDebtToGdp.Add(DebtToAnnualGdp(prov.LocalDebt, n.Gdp));
        Capacity.Add((double[])ind.Capacity.Clone());
        Output.Add((double[])ind.Output.Clone());
        Revenue.Add((double[])ind.Revenue.Clone());
        Profit.Add((double[])ind.Profit.Clone());
        PriceIndex.Add((double[])ind.PriceIndex.Clone());
        Exports.Add((double[])ind.Exports.Clone());
        Demand.Add((double[])ind.Demand.Clone());
        DomesticDemand.Add((double[])ind.DomesticDemand.Clone());
        Firms.Add(ind.Firms.Sum());
        Zombies.Add(ind.Zombies.Sum());
        IncomePerCapitaReal.Add((double[])prov.IncomePerCapitaReal.Clone());
        int S = sim.Industry.Count, P = prov.Count, L = prov.LeverCount;
        var capex = MeanStrategicCapex(Strategic, (s, p) => prov.LeverValues[p * L + s], P);
        var bailout = new double[P];
        var welfare = new double[P];
        for (int p = 0; p < P; p++)
        {
            bailout[p] = prov.LeverValues[p * L + Model.State.LeverLayout.BailoutPropensity(S)];
            welfare[p] = prov.LeverValues[p * L + Model.State.LeverLayout.WelfareShare(S)];
        }
        CapexSubsidyStrategic.Add(capex);
        BailoutPropensity.Add(bailout);
        WelfareShare.Add(welfare);
    }

    /// <summary>Sum of household income / sum of population / CPI: shared with the table reader so both give the same bits.</summary>
    public static double NationalIncomePerCapitaReal(IReadOnlyList<double> income, IReadOnlyList<double> population, double cpi)
    {
        double y = 0, n = 0;
        for (int p = 0; p < income.Count; p++) { y += income[p]; n += population[p]; }
        return n > 0 && cpi > 0 ? y / n / cpi : double.NaN;
    }

    /// <summary>Local debt summed over provinces / (4 x quarterly GDP).</summary>
    public static double DebtToAnnualGdp(IReadOnlyList<double> localDebt, double gdp)
    {
        double debt = 0;
        for (int p = 0; p < localDebt.Count; p++) debt += localDebt[p];
        return gdp != 0 ? debt / (4 * gdp) : double.NaN;
    }

    /// <summary>Mean of the capex subsidy levers over the strategic industries, per province (values[industry][province]).</summary>
    public static double[] MeanStrategicCapex(bool[] strategic, Func<int, int, double> lever, int provinces)
    {
        var capex = new double[provinces];
        int strategicCount = strategic.Count(x => x);
        for (int p = 0; p < provinces; p++)
        {
            double sum = 0;
            for (int s = 0; s < strategic.Length; s++) if (strategic[s]) sum += lever(s, p);
            capex[p] = strategicCount > 0 ? sum / strategicCount : 0;
        }
        return capex;
    }

    public int IndustryIndex(string name)
    {
        int i = Array.IndexOf(Industries, name);
        if (i < 0) throw new ArgumentException($"no industry '{name}' in this run");
        return i;
    }
}
