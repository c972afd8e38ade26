using System.Text.Json;
using AgentSim.Analysis;
using AgentSim.Config;
using DuckDB.NET.Data;

namespace AgentSim.Report;

/// <summary>
/// One run's tables, read with DuckDB and arranged as series indexed [step] or [step][entity]. Steps are the
/// recorded quarters 0..T-1 (the burn-in is not written).
/// </summary>
public sealed class RunData
{
    public const int Year = 4;

    public required string Directory { get; init; }
    public required int Steps { get; init; }

    // industries.parquet
    public required string[] Industries { get; init; }
    public required bool[] Strategic { get; init; }
    public required double[][] Utilisation { get; init; }   // [industry][step]
    public required double[][] PriceIndex { get; init; }    // [industry][step]
    public required double[][] Output { get; init; }
    public required double[][] Capacity { get; init; }
    public required double[][] Firms { get; init; }
    public required double[][] Zombies { get; init; }
    public required double[][] Revenue { get; init; }
    public required double[][] Profit { get; init; }
    public required double[][] Exports { get; init; }
    public required double[][] Demand { get; init; }
    public required double[][] DomesticDemand { get; init; }

    // nation.parquet
    public required double[] ConsumptionShare { get; init; }
    public required double[] InvestmentShare { get; init; }
    public required double[] Ppi { get; init; }
    public required double[] Consumption { get; init; }
    public required double[] Gdp { get; init; }
    public required double[] GdpReal { get; init; }
    public required double[] StrategicPriceIndex { get; init; }
    public required double[] NonStrategicPriceIndex { get; init; }
    public required double[] Cpi { get; init; }

    // provinces.parquet
    public required string[] Provinces { get; init; }
    public required bool[] IsPilot { get; init; }
    public required double[] Population { get; init; }
    public required string[][] Rule { get; init; }            // [step][province]
    public required double[][] ProvinceGdpReal { get; init; } // [step][province]
    public required double[][] IncomePerCapitaReal { get; init; }
    public required double[][] HouseholdIncome { get; init; }
    public required double[][] LocalDebt { get; init; }
    /// <summary>Lever name (column without "lever_") to values [step][province].</summary>
    public required IReadOnlyDictionary<string, double[][]> Levers { get; init; }

    /// <summary>Quarter the pilots switch rule, or -1 when the run has no pilots (or no switch inside the horizon).</summary>
    public required int SwitchStep { get; init; }

    /// <summary>Where <see cref="SwitchStep"/> came from: "data" (the pilots' incentive_rule column) or "config".</summary>
    public required string SwitchStepSource { get; init; }

    public bool HasPilots => IsPilot.Any(x => x) && IsPilot.Any(x => !x);

    public static RunData Load(string directory)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        string Table(string name) => $"read_parquet({Frame.Literal(Path.Combine(directory, name + ".parquet"))})";

        var nation = Frame.Query(connection, $"SELECT * FROM {Table("nation")} ORDER BY step");
        int T = nation.Rows;
        if (T == 0) throw new ReportException($"run '{directory}' has no quarters in nation.parquet");
        var steps = nation.Ints("step");
        for (int t = 0; t < T; t++)
            if (steps[t] != t) throw new ReportException($"run '{directory}': nation.parquet steps are not 0..{T - 1}");

        var ind = Frame.Query(connection, $"SELECT *, row_number() OVER () AS _row FROM {Table("industries")} ORDER BY step, _row");
        var industryNames = ind.Strings("industry");
        var names = industryNames.Distinct().ToArray();
        int S = names.Length;
        var strategicColumn = ind.Bools("strategic");
        var strategic = names.Select(n => strategicColumn[Array.IndexOf(industryNames, n)]).ToArray();
        double[][] PerIndustry(string column)
        {
            var values = ind.Doubles(column);
            var indSteps = ind.Ints("step");
            var result = Enumerable.Range(0, S).Select(_ => Enumerable.Repeat(double.NaN, T).ToArray()).ToArray();
            for (int i = 0; i < values.Length; i++)
                if (indSteps[i] >= 0 && indSteps[i] < T) result[Array.IndexOf(names, industryNames[i])][indSteps[i]] = values[i];
            return result;
        }

        var prov = Frame.Query(connection, $"SELECT *, row_number() OVER () AS _row FROM {Table("provinces")} ORDER BY step, _row");
        var provinceColumn = prov.Strings("province");
        var provinces = provinceColumn.Distinct().ToArray();
        int P = provinces.Length;
        var provSteps = prov.Ints("step");
        var index = new Dictionary<string, int>();
        for (int p = 0; p < P; p++) index[provinces[p]] = p;
        TValue[][] PerProvince<TValue>(TValue[] values, TValue missing)
        {
            var result = Enumerable.Range(0, nation.Rows).Select(_ => Enumerable.Repeat(missing, P).ToArray()).ToArray();
            for (int i = 0; i < values.Length; i++)
                if (provSteps[i] >= 0 && provSteps[i] < nation.Rows) result[provSteps[i]][index[provinceColumn[i]]] = values[i];
            return result;
        }
        var pilotColumn = prov.Bools("is_pilot");
        var populationColumn = prov.Doubles("population");
        var isPilot = new bool[P];
        var population = new double[P];
        for (int i = 0; i < provinceColumn.Length; i++)
        {
            isPilot[index[provinceColumn[i]]] |= pilotColumn[i];
            population[index[provinceColumn[i]]] = populationColumn[i];
        }
        var rule = PerProvince(prov.Strings("incentive_rule"), "");
        var levers = new Dictionary<string, double[][]>();
        foreach (var column in prov.Names.Where(n => n.StartsWith("lever_", StringComparison.Ordinal)))
            levers[column["lever_".Length..]] = PerProvince(prov.Doubles(column), double.NaN);

        var (switchStep, source) = FindSwitchStep(directory, rule, isPilot);
        return new RunData
        {
            Directory = directory,
            Steps = T,
            Industries = names,
            Strategic = strategic,
            Utilisation = PerIndustry("utilisation"),
            PriceIndex = PerIndustry("price_index"),
            Output = PerIndustry("output"),
            Capacity = PerIndustry("capacity"),
            Firms = PerIndustry("firms"),
            Zombies = PerIndustry("zombies"),
            Revenue = PerIndustry("revenue"),
            Profit = PerIndustry("profit"),
            Exports = PerIndustry("exports"),
            Demand = PerIndustry("demand"),
            DomesticDemand = PerIndustry("domestic_demand"),
            ConsumptionShare = nation.Doubles("consumption_share"),
            InvestmentShare = nation.Doubles("investment_share"),
            Ppi = nation.Doubles("ppi"),
            Consumption = nation.Doubles("consumption"),
            Gdp = nation.Doubles("gdp"),
            GdpReal = nation.Doubles("gdp_real"),
            StrategicPriceIndex = nation.Doubles("strategic_price_index"),
            NonStrategicPriceIndex = nation.Doubles("non_strategic_price_index"),
            Cpi = nation.Doubles("cpi"),
            Provinces = provinces,
            IsPilot = isPilot,
            Population = population,
            Rule = rule,
            ProvinceGdpReal = PerProvince(prov.Doubles("gdp_real"), double.NaN),
            IncomePerCapitaReal = PerProvince(prov.Doubles("household_income_per_capita_real"), double.NaN),
            HouseholdIncome = PerProvince(prov.Doubles("household_income"), double.NaN),
            LocalDebt = PerProvince(prov.Doubles("local_debt"), double.NaN),
            Levers = levers,
            SwitchStep = switchStep,
            SwitchStepSource = source,
        };
    }

    /// <summary>
    /// The pilots' switch step: the first quarter where a pilot's incentive_rule differs from quarter 0 (what
    /// happened), else incentives.switch_step in the manifest's resolved config (when the pilot rule equals the
    /// default rule the data cannot show it).
    /// </summary>
    private static (int Step, string Source) FindSwitchStep(string directory, string[][] rule, bool[] isPilot)
    {
        if (!isPilot.Any(x => x) || isPilot.All(x => x)) return (-1, "none");
        for (int t = 1; t < rule.Length; t++)
            for (int p = 0; p < isPilot.Length; p++)
                if (isPilot[p] && rule[t][p] != rule[0][p]) return (t, "data");
        try
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")));
            string yaml = manifest.RootElement.GetProperty("resolved_config_yaml").GetString() ?? "";
            var config = ConfigLoader.LoadFromString(yaml, "manifest.json").Config;
            int step = config.Incentives.SwitchStep;
            if (step > 0 && step < rule.Length) return (step, "config");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An old or hand-written manifest: no switch step from the config.
        }
        return (-1, "none");
    }

    // ---- derived series ----

    /// <summary>Output / capacity summed over the strategic (or other) industries, per step.</summary>
    public double[] GroupUtilisation(bool strategic) => Enumerable.Range(0, Steps).Select(t =>
    {
        double o = 0, c = 0;
        for (int s = 0; s < Industries.Length; s++)
            if (Strategic[s] == strategic) { o += Output[s][t]; c += Capacity[s][t]; }
        return c > 0 ? o / c : double.NaN;
    }).ToArray();

    /// <summary>Zombies / firms over all industries (or only strategic ones), per step.</summary>
    public double[] ZombieShare(bool? strategic = null) => Enumerable.Range(0, Steps).Select(t =>
    {
        double z = 0, f = 0;
        for (int s = 0; s < Industries.Length; s++)
            if (strategic is null || Strategic[s] == strategic) { z += Zombies[s][t]; f += Firms[s][t]; }
        return f > 0 ? z / f : double.NaN;
    }).ToArray();

    /// <summary>Incentive rules in the run, in order of first appearance.</summary>
    public IEnumerable<string> Rules => Rule.SelectMany(r => r).Where(r => r.Length > 0).Distinct();

    /// <summary>
    /// Year-on-year log growth (step t over t-4), averaged over the provinces scored under <paramref name="rule"/>
    /// at step t; NaN before the fifth quarter or when no province is on that rule.
    /// </summary>
    public double[] GrowthByRule(string rule, double[][] series) => Enumerable.Range(0, Steps).Select(t =>
    {
        if (t < Year) return double.NaN;
        double sum = 0;
        int n = 0;
        for (int p = 0; p < Provinces.Length; p++)
        {
            if (Rule[t][p] != rule) continue;
            double g = Math.Log(series[t][p] / series[t - Year][p]);
            if (!double.IsFinite(g)) continue;
            sum += g;
            n++;
        }
        return n > 0 ? sum / n : double.NaN;
    }).ToArray();

    /// <summary>Mean over a subset of provinces (all, pilots or non-pilots) of a [step][province] series.</summary>
    public double[] ProvinceMean(double[][] series, bool? pilots) => Enumerable.Range(0, Steps).Select(t =>
    {
        double sum = 0;
        int n = 0;
        for (int p = 0; p < Provinces.Length; p++)
            if ((pilots is null || IsPilot[p] == pilots) && double.IsFinite(series[t][p])) { sum += series[t][p]; n++; }
        return n > 0 ? sum / n : double.NaN;
    }).ToArray();

    /// <summary>Per-step mean across industries in <paramref name="strategic"/> of the capex subsidy levers (lever_capex_subsidy_{industry}).</summary>
    public double[][] CapexLever(bool strategic)
    {
        var columns = Industries.Where((_, s) => Strategic[s] == strategic)
            .Select(n => Levers.TryGetValue("capex_subsidy_" + n, out var v) ? v : null).Where(v => v is not null).Select(v => v!).ToList();
        return Enumerable.Range(0, Steps).Select(t => Enumerable.Range(0, Provinces.Length)
            .Select(p => columns.Count == 0 ? double.NaN : columns.Average(c => c[t][p])).ToArray()).ToArray();
    }

    /// <summary>National real household income per resident: sum of income / population / CPI.</summary>
    public double[] RealIncomePerCapita() =>
        Enumerable.Range(0, Steps).Select(t => RunSeries.NationalIncomePerCapitaReal(HouseholdIncome[t], Population, Cpi[t])).ToArray();

    private RunSeries? _series;

    /// <summary>
    /// The run as the series <see cref="Indicators.Compute"/> reads: the report's indicators are those of the run
    /// summary, compare and sweep, computed by the same code from the same values.
    /// </summary>
    public RunSeries Series()
    {
        if (_series is not null) return _series;
        var series = new RunSeries(Industries, Strategic, Provinces, IsPilot, HasPilots ? SwitchStep : -1);
        double[] At(double[][] perIndustry, int t) => perIndustry.Select(x => x[t]).ToArray();
        double[] LeverOrNaN(string name, int t) => Levers.TryGetValue(name, out var v) ? (double[])v[t].Clone() : Provinces.Select(_ => double.NaN).ToArray();
        var capexColumns = Industries.Select(n => Levers.GetValueOrDefault("capex_subsidy_" + n)).ToArray();
        for (int t = 0; t < Steps; t++)
        {
            series.ConsumptionShare.Add(ConsumptionShare[t]);
            series.InvestmentShare.Add(InvestmentShare[t]);
            series.ProducerPriceIndex.Add(Ppi[t]);
            series.StrategicPriceIndex.Add(StrategicPriceIndex[t]);
            series.NonStrategicPriceIndex.Add(NonStrategicPriceIndex[t]);
            series.GdpReal.Add(GdpReal[t]);
            series.IncomePerCapitaRealNational.Add(RunSeries.NationalIncomePerCapitaReal(HouseholdIncome[t], Population, Cpi[t]));
            series.LocalDebtToGdp.Add(RunSeries.DebtToAnnualGdp(LocalDebt[t], Gdp[t]));
            series.Capacity.Add(At(Capacity, t));
            series.Output.Add(At(Output, t));
            series.Revenue.Add(At(Revenue, t));
            series.Profit.Add(At(Profit, t));
            series.PriceIndex.Add(At(PriceIndex, t));
            series.Exports.Add(At(Exports, t));
            series.Demand.Add(At(Demand, t));
            series.DomesticDemand.Add(At(DomesticDemand, t));
            series.Firms.Add(At(Firms, t).Sum());
            series.Zombies.Add(At(Zombies, t).Sum());
            series.IncomePerCapitaReal.Add((double[])IncomePerCapitaReal[t].Clone());
            int step = t;
            series.CapexSubsidyStrategic.Add(RunSeries.MeanStrategicCapex(Strategic, (s, p) => capexColumns[s]?[step][p] ?? double.NaN, Provinces.Length));
            series.BailoutPropensity.Add(LeverOrNaN("bailout_propensity", t));
            series.WelfareShare.Add(LeverOrNaN("welfare_share", t));
        }
        return _series = series;
    }
}
