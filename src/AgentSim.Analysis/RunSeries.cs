using AgentSim.Model;

namespace AgentSim.Analysis;

/// <summary>
/// The quarterly series a run's signature results are computed from, collected in memory while it runs
/// (one small row per quarter: no Parquet round trip is needed to analyse a replicate).
/// </summary>
public sealed class RunSeries
{
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
        var capex = new double[P];
        var bailout = new double[P];
        var welfare = new double[P];
        int strategicCount = Strategic.Count(x => x);
        for (int p = 0; p < P; p++)
        {
            double sum = 0;
            for (int s = 0; s < S; s++) if (Strategic[s]) sum += prov.LeverValues[p * L + s];
            capex[p] = strategicCount > 0 ? sum / strategicCount : 0;
            bailout[p] = prov.LeverValues[p * L + Model.State.LeverLayout.BailoutPropensity(S)];
            welfare[p] = prov.LeverValues[p * L + Model.State.LeverLayout.WelfareShare(S)];
        }
        CapexSubsidyStrategic.Add(capex);
        BailoutPropensity.Add(bailout);
        WelfareShare.Add(welfare);
    }

    public int IndustryIndex(string name)
    {
        int i = Array.IndexOf(Industries, name);
        if (i < 0) throw new ArgumentException($"no industry '{name}' in this run");
        return i;
    }
}
