using AgentSim.Config;
using AgentSim.Core;
using AgentSim.Model.State;

namespace AgentSim.Model;

/// <summary>
/// Builds the starting economy from the config and the provinces data: firms sized from a Pareto tail,
/// placed by provincial industrial output, at the initial utilisation, with demand scaled so that
/// markets clear at the start. See docs/calibration.md.
/// </summary>
internal static class Initialisation
{
    public static void Populate(Simulation sim)
    {
        var cfg = sim.Config;
        var rows = sim.ProvinceRows;
        var prov = sim.Provinces;
        var ind = sim.Industries;
        var par = sim.Industry;
        int P = rows.Count, S = par.Count;

        // Provinces: data, industry output targets.
        double gdpTotal = 0, popTotal = 0;
        for (int p = 0; p < P; p++)
        {
            prov.Names[p] = rows[p].Name;
            prov.Population[p] = rows[p].PopulationMillion * 1e6;
            prov.DataGdp[p] = rows[p].GdpCnyTrillion * 1000.0 / 4.0;
            prov.DataIncomePerCapita[p] = rows[p].IncomePerCapitaCny;
            gdpTotal += prov.DataGdp[p];
            popTotal += prov.Population[p];
        }
        double gdpPerCapitaNational = gdpTotal / popTotal;
        var industryOutput = new double[P];
        double weighted = 0;
        for (int p = 0; p < P; p++)
        {
            double relative = prov.DataGdp[p] / prov.Population[p] / gdpPerCapitaNational;
            industryOutput[p] = prov.DataGdp[p] * Math.Pow(relative, -cfg.Provinces.IndustryShareIncomeElasticity);
            weighted += industryOutput[p];
        }
        double scale = cfg.Provinces.ModelledIndustryShare * gdpTotal / weighted;
        for (int p = 0; p < P; p++) industryOutput[p] *= scale;

        // Firms per (province, industry) cell by largest remainder, so totals match exactly.
        double shareTotal = cfg.Industries.Sum(i => i.OutputShare);
        double outputTotal = industryOutput.Sum();
        var cellOutput = new double[P * S];
        var cellFirms = new int[P * S];
        var remainders = new (double Remainder, int Cell)[P * S];
        int assigned = 0;
        for (int p = 0; p < P; p++)
            for (int s = 0; s < S; s++)
            {
                int c = p * S + s;
                cellOutput[c] = industryOutput[p] * cfg.Industries[s].OutputShare / shareTotal;
                double exact = cfg.Firms * cellOutput[c] / outputTotal;
                cellFirms[c] = (int)Math.Floor(exact);
                assigned += cellFirms[c];
                remainders[c] = (exact - cellFirms[c], c);
            }
        Array.Sort(remainders, (a, b) => a.Remainder != b.Remainder ? b.Remainder.CompareTo(a.Remainder) : a.Cell.CompareTo(b.Cell));
        for (int k = 0; assigned < cfg.Firms; k++, assigned++) cellFirms[remainders[k % remainders.Length].Cell]++;

        int pipelineLength = par.BuildLag.Max() + 1;
        var firms = sim.Firms;
        // Headroom for entrants, so the arrays rarely grow during a run.
        firms.EnsureCapacity(cfg.Firms + cfg.Firms / 5 + 64, pipelineLength);
        firms.Count = cfg.Firms;
        var fb = cfg.FirmBehaviour;
        double u0 = fb.InitialUtilisation;
        int step0 = -cfg.BurnIn;
        int slot = 0;
        var sizes = new double[cellFirms.Max()];
        for (int p = 0; p < P; p++)
            for (int s = 0; s < S; s++)
            {
                int c = p * S + s, n = cellFirms[c];
                if (n == 0) continue;
                var icfg = cfg.Industries[s];
                double sizeSum = 0;
                for (int k = 0; k < n; k++)
                {
                    var rng = new CounterRng((ulong)cfg.Seed, RngStreams.FirmInit, step0, slot + k);
                    // Pareto(alpha) sizes, truncated so one firm cannot dominate a small cell.
                    sizes[k] = Math.Min(200.0, Math.Pow(1.0 - rng.NextDouble(), -1.0 / fb.SizeTailExponent));
                    sizeSum += sizes[k];
                }
                double capacityPerSize = cellOutput[c] / u0 / sizeSum;
                for (int k = 0; k < n; k++, slot++)
                {
                    int i = slot;
                    var rng = new CounterRng((ulong)cfg.Seed, RngStreams.FirmInit, step0, i);
                    rng.NextDouble(); // the size draw above
                    double sigma = icfg.CostDispersion;
                    double costFactor = Math.Exp(sigma * rng.NextGaussian() - 0.5 * sigma * sigma);
                    bool stateOwned = rng.NextDouble() < icfg.StateOwnedShare;
                    double capacity = sizes[k] * capacityPerSize;
                    double output = u0 * capacity;
                    double unitCost = icfg.UnitCost * costFactor;
                    double price = (1 + icfg.InitialMarkup) * unitCost;
                    firms.Province[i] = p;
                    firms.Industry[i] = (byte)s;
                    firms.Alive[i] = 1;
                    firms.StateOwned[i] = (byte)(stateOwned ? 1 : 0);
                    firms.Capacity[i] = capacity;
                    firms.CostFactor[i] = costFactor;
                    firms.Markup[i] = icfg.InitialMarkup;
                    firms.Price[i] = price;
                    firms.ExpectedDemand[i] = output;
                    firms.Output[i] = output;
                    firms.Sales[i] = output;
                    firms.Inventory[i] = fb.TargetInventoryRatio * output;
                    firms.Cash[i] = fb.InitialCashQuarters * price * output;
                    firms.Debt[i] = fb.InitialLeverage * capacity * icfg.CapitalPerUnit;
                    firms.SmoothedUtilisation[i] = u0;
                    firms.SmoothedProfitRate[i] = fb.LoanRate;
                    firms.Age[i] = 40;
                    // Replacement capacity already under construction, so capacity is steady from the first quarter.
                    for (int lag = 1; lag <= icfg.BuildLag; lag++)
                        firms.Pipeline[firms.PipelineIndex(i, Mod(step0 + lag, pipelineLength))] += icfg.Depreciation * capacity;
                    ind.CumulativeOutput[s] += output;
                    ind.ReferencePrice[s] += price * output;
                }
            }

        // Industries: reference prices, demand scales that clear the market at the start, base weights.
        var nation = sim.Nation;
        nation.ConsumerWeights = new double[S];
        nation.OutputWeights = new double[S];
        double consumerTotal = 0, valueTotal = 0;
        for (int s = 0; s < S; s++)
        {
            var icfg = cfg.Industries[s];
            double q = ind.CumulativeOutput[s];
            double value = ind.ReferencePrice[s];
            ind.ReferencePrice[s] = q > 0 ? value / q : icfg.UnitCost * (1 + icfg.InitialMarkup);
            ind.WorldPrice[s] = ind.ReferencePrice[s];
            ind.LastPrice[s] = ind.ReferencePrice[s];
            ind.DomesticScale[s] = q * icfg.DomesticShare;
            ind.ExportScale[s] = q * (1 - icfg.DomesticShare);
            ind.CumulativeOutput[s] = q * cfg.FirmBehaviour.InitialExperienceQuarters;
            ind.InitialCumulativeOutput[s] = ind.CumulativeOutput[s];
            ind.CostIndex[s] = 1;
            ind.CapitalCostIndex[s] = 1;
            ind.ExpectedDemandGrowth[s] = icfg.DemandGrowth;
            double materialsPerUnit = icfg.UnitCost - icfg.LabourPerUnit * icfg.Wage;
            ind.ValueAddedPerUnit0[s] = ind.ReferencePrice[s] - Math.Max(0, materialsPerUnit);
            nation.ConsumerWeights[s] = value * icfg.DomesticShare * icfg.ConsumerShare;
            nation.OutputWeights[s] = value;
            consumerTotal += nation.ConsumerWeights[s];
            valueTotal += value;
        }
        for (int s = 0; s < S; s++)
        {
            nation.ConsumerWeights[s] = consumerTotal > 0 ? nation.ConsumerWeights[s] / consumerTotal : 1.0 / S;
            nation.OutputWeights[s] /= valueTotal;
        }

        // Provinces: levers, rules, budgets, officials.
        var lv = cfg.Levers;
        int leverCount = prov.LeverCount;
        Simulation.ValidateInputs(cfg, rows);
        var pilots = new HashSet<string>(cfg.Incentives.PilotProvinces);
        for (int p = 0; p < P; p++)
        {
            var levers = prov.Levers(p);
            for (int s = 0; s < S; s++)
                levers[s] = par.OnPolicyList[s] ? lv.CapexSubsidyStrategicInitial : Math.Min(lv.CapexSubsidy.Initial, lv.NonStrategicCapexSubsidyCap);
            levers[LeverLayout.ProductionSubsidy(S)] = lv.ProductionSubsidy.Initial;
            levers[LeverLayout.BailoutPropensity(S)] = lv.BailoutPropensity.Initial;
            levers[LeverLayout.WelfareShare(S)] = lv.WelfareShare.Initial;
            levers[LeverLayout.CreditEasing(S)] = lv.CreditEasing.Initial;
            prov.Rule[p] = cfg.Incentives.DefaultRule;
            prov.IsPilot[p] = pilots.Contains(prov.Names[p]);
            prov.PreviousGdp[p] = prov.DataGdp[p];
            prov.StateInvestmentNext[p] = 0.25 * prov.DataGdp[p];
            prov.LocalDebt[p] = cfg.Government.InitialLocalDebtRatio * 4 * prov.DataGdp[p];
            // Allocation weights for the first quarter's purchases, before any consumption exists.
            prov.Consumption[p] = prov.DataGdp[p];
            prov.ConstructionSales[p] = prov.DataGdp[p];
            prov.OfficialId[p] = p;
            // Stagger tenures so that officials do not all change in the same year.
            prov.QuartersInOffice[p] = (p * 7) % cfg.Officials.Tenure;
            prov.ExperimentLever[p] = -1;
            // Deposits: years of the province's disposable income in the data (MODEL.md 9.1).
            prov.Deposits[p] = cfg.Banking.InitialDepositYears * prov.DataIncomePerCapita[p] * prov.Population[p] / 1e9;
            prov.NextDepositRate[p] = cfg.Banking.BenchmarkDepositRate;
            prov.PrivateCreditRationing[p] = 1;
        }
        // The status quo entry measures capex subsidies from, with a steady start (MODEL.md 9.3).
        if (cfg.Mechanisms.SteadyStart)
            for (int s = 0; s < S; s++) ind.InitialCapexSubsidy[s] = prov.LeverValues[LeverLayout.CapexSubsidy(s)];
        for (int i = 0; i < firms.Count; i++)
        {
            double employment = par.LabourPerUnit[firms.Industry[i]] * firms.Output[i];
            prov.PreviousEmployment[firms.Province[i]] += employment;
        }
        sim.Officials = new OfficialsState(P, leverCount, cfg.Steps, cfg.BurnIn);
        nation.CentralDebt = 0;
    }

    public static int Mod(int a, int m) => ((a % m) + m) % m;
}
