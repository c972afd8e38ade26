using System.Runtime.CompilerServices;
using AgentSim.Core;
using AgentSim.Model.State;

namespace AgentSim.Model;

// Once-a-quarter phases are marked AggressiveOptimization: tiered compilation would otherwise run them as
// unoptimised tier-0 code for the first 30 calls, which is most of a short run (docs/performance.md).
public sealed partial class Simulation
{
    /// <summary>The central schedule: pilots switch to the pilot rule at the switch step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyRuleSchedule()
    {
        var inc = Config.Incentives;
        for (int p = 0; p < Provinces.Count; p++)
            Provinces.Rule[p] = Provinces.IsPilot[p] && Step >= inc.SwitchStep ? inc.PilotRule : inc.DefaultRule;
    }

    /// <summary>
    /// Wright's law: unit cost index = (cumulative output / initial cumulative output) ^ log2(1 - learning rate).
    /// Learning is global: the world price falls with the cost index at elasticity world_price_learning, and
    /// capital per unit of capacity at elasticity capital_cost_learning.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateLearningCurves()
    {
        double worldLearning = Config.FirmBehaviour.WorldPriceLearning, capitalLearning = Config.FirmBehaviour.CapitalCostLearning;
        for (int s = 0; s < Industry.Count; s++)
        {
            Industries.CostIndex[s] = Math.Pow(Industries.CumulativeOutput[s] / Industries.InitialCumulativeOutput[s], Industry.LearningExponent[s]);
            Industries.WorldPrice[s] = Industries.ReferencePrice[s] * Math.Pow(Industries.CostIndex[s], worldLearning);
            Industries.CapitalCostIndex[s] = Math.Pow(Industries.CostIndex[s], capitalLearning);
        }
    }

    /// <summary>Phase 5: industry demand, domestic (consumer and other) plus exports, at the sales-weighted price.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeDemand()
    {
        int S = Industry.Count;
        var ind = Industries;
        Span<double> weight = stackalloc double[S];
        Span<double> priceSales = stackalloc double[S];
        Span<double> lastSales = stackalloc double[S];
        Span<double> available = stackalloc double[S];
        Span<double> priceAvailable = stackalloc double[S];
        var k = _kernels;
        k.ReduceInto(k.PricingSums, S, FirmKernels.IpCount, FirmKernels.IpWeight, weight);
        k.ReduceInto(k.PricingSums, S, FirmKernels.IpCount, FirmKernels.IpPriceTimesLastSales, priceSales);
        k.ReduceInto(k.PricingSums, S, FirmKernels.IpCount, FirmKernels.IpLastSales, lastSales);
        k.ReduceInto(k.PricingSums, S, FirmKernels.IpCount, FirmKernels.IpAvailable, available);
        k.ReduceInto(k.PricingSums, S, FirmKernels.IpCount, FirmKernels.IpPriceTimesAvailable, priceAvailable);
        int t = TrendQuarters;
        for (int s = 0; s < S; s++)
        {
            var icfg = Config.Industries[s];
            double price = lastSales[s] > 0 ? priceSales[s] / lastSales[s]
                : available[s] > 0 ? priceAvailable[s] / available[s] : ind.ReferencePrice[s];
            ind.DemandPrice[s] = price;
            double baseDomestic = ind.DomesticScale[s] * TrendFactor(icfg.DemandGrowth, t)
                                  * Math.Pow(price / ind.ReferencePrice[s], -icfg.DemandElasticity);
            double consumer = icfg.ConsumerShare * baseDomestic * Nation.RealConsumptionRatio;
            double other = (1 - icfg.ConsumerShare) * baseDomestic;

            // Trade-in: a rebate pulls consumer purchases forward; afterwards they are paid back.
            double rebate = 0, paybackRate = 0;
            foreach (var programme in Config.TradeIn)
            {
                if (!programme.Industries.Contains(icfg.Name)) continue;
                paybackRate = programme.PaybackRate;
                if (Step >= programme.FromStep && Step <= programme.ToStep)
                {
                    rebate += programme.RebateRate;
                    double boost = programme.PullForwardElasticity * programme.RebateRate * consumer;
                    ind.PullForwardStock[s] += boost;
                    consumer += boost;
                }
            }
            if (rebate == 0 && ind.PullForwardStock[s] > 0)
            {
                double payback = Math.Min(paybackRate * ind.PullForwardStock[s], consumer);
                ind.PullForwardStock[s] -= payback;
                consumer -= payback;
            }
            ind.Rebate[s] = rebate;

            double tariff = 0;
            foreach (var tc in Config.Tariffs)
                if (tc.Industry == icfg.Name && Step >= tc.FromStep && Step <= tc.ToStep) tariff += tc.Rate;
            ind.Tariff[s] = tariff;
            double exports = ind.ExportScale[s] * TrendFactor(icfg.ExportGrowth, t)
                             * Math.Pow(price * (1 + tariff) / ind.WorldPrice[s], -icfg.ExportElasticity);

            double domestic = consumer + other;
            double demand = domestic + exports;
            ind.ConsumerDemand[s] = consumer;
            ind.DomesticDemand[s] = domestic;
            ind.ExportDemand[s] = exports;
            ind.Demand[s] = demand;
            ind.ExportShare[s] = demand > 0 ? exports / demand : 0;
            ind.ConsumerShareOfDomestic[s] = domestic > 0 ? consumer / domestic : 0;
            k.ExportShare[s] = ind.ExportShare[s];
            k.DemandPerWeight[s] = weight[s] > 0 ? demand / weight[s] : 0;
        }
    }

    /// <summary>Resets the flows that sequential phases add to before the parallel reductions do.</summary>
    /// <summary>
    /// Demand trend after <paramref name="quarters"/> quarters for a growth rate of <paramref name="growth"/> per quarter.
    /// Growth above demand.long_run_growth decays towards it with half-life demand.growth_half_life (booms mature), so
    /// long horizons do not compound a boom's growth for a century: (1 + g)^t with g's excess over the long-run rate
    /// integrated as excess x h / ln 2 x (1 - 2^(-t/h)). Growth at or below the long-run rate is unchanged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double TrendFactor(double growth, int quarters)
    {
        var d = Config.Demand;
        double longRun = d.LongRunGrowth;
        if (growth <= longRun || d.GrowthHalfLife <= 0) return Math.Pow(1 + growth, quarters);
        double halfLife = d.GrowthHalfLife;
        double excess = Math.Log(1 + growth) - Math.Log(1 + longRun);
        return Math.Exp(quarters * Math.Log(1 + longRun) + excess * halfLife / Math.Log(2) * (1 - Math.Pow(2, -quarters / halfLife)));
    }

    /// <summary>The growth rate in quarter <paramref name="quarter"/> of a trend that starts at <paramref name="growth"/>
    /// and whose excess over demand.long_run_growth fades with half-life demand.growth_half_life.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double TrendGrowth(double growth, int quarter)
    {
        var d = Config.Demand;
        if (growth <= d.LongRunGrowth || d.GrowthHalfLife <= 0) return growth;
        return d.LongRunGrowth + (growth - d.LongRunGrowth) * Math.Pow(2, -quarter / d.GrowthHalfLife);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ResetQuarterFlows()
    {
        var prov = Provinces;
        Array.Clear(prov.Bailouts);
        Array.Clear(prov.BailoutCount);
        Array.Clear(prov.Exits);
        Array.Clear(prov.Entries);
        Array.Clear(prov.WriteOffs);
        Array.Clear(prov.LgfvLosses);
        Array.Clear(prov.FirmEquityInjections);
        Array.Clear(prov.FirmCapex);
        Array.Clear(prov.CapexToConstruction);
        Array.Clear(prov.LandSales);
        Array.Clear(prov.CapexSubsidiesLocal);
        Array.Clear(prov.CapexSubsidiesCentral);
        Array.Clear(Industries.Entries);
        Array.Clear(Industries.Exits);
        Array.Clear(Industries.CapacityOrdered);
    }

    /// <summary>
    /// Phase 9: firms that cannot pay ask their province for a bailout, in slot order (so the result does
    /// not depend on threads); refused firms exit and their liabilities are written off.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ResolveDistress()
    {
        ResetQuarterFlows();
        var k = _kernels;
        var f = Firms;
        var prov = Provinces;
        int S = Industry.Count;
        Span<double> output = stackalloc double[S];
        Span<double> firms = stackalloc double[S];
        k.ReduceInto(k.IndustryFlows, S, FirmKernels.IaCount, FirmKernels.IaOutput, output);
        for (int s = 0; s < S; s++) firms[s] = 0;
        for (int c = 0; c < k.Chunks; c++)
            for (int cell = 0; cell < prov.Count * S; cell++)
                firms[cell % S] += k.CellCounts[c * prov.Count * S + cell];
        for (int s = 0; s < S; s++) k.DistressMeanOutput[s] = firms[s] > 0 ? output[s] / firms[s] : 0;

        // Each distressed firm's rescue or exit is decided from this quarter's province state, which the decisions do
        // not change, so the chunks decide and update their own firms in parallel; the province and industry books and
        // the free-slot queue then take the outcomes in slot order, as one loop over the firms would.
        k.RunDistress(_pool);
        var outcome = k.DistressOutcome;
        var amount = k.DistressAmount;
        for (int c = 0; c < k.Chunks; c++)
        {
            int n = k.DistressedCount[c];
            for (int j = 0; j < n; j++)
            {
                int e = c * k.ChunkSize + j;
                int i = k.Distressed[e];
                int s = f.Industry[i], p = f.Province[i];
                if (outcome[e] != 0) BookBailoutAmount(p, amount[e]);
                else
                {
                    BookWriteOff(p, s, amount[e]);
                    FreeSlots.Enqueue(i);
                }
            }
        }
    }

    /// <summary>
    /// Phase 10: entrants per (province, industry) cell, more where the industry is profitable and the
    /// province subsidises it. Entrants take the oldest free slots; their capacity arrives after the build lag.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunEntry()
    {
        var k = _kernels;
        var f = Firms;
        var prov = Provinces;
        int S = Industry.Count, P = prov.Count;
        Array.Clear(prov.CellFirms);
        for (int c = 0; c < k.Chunks; c++)
            for (int cell = 0; cell < P * S; cell++)
                prov.CellFirms[cell] += k.CellCounts[c * P * S + cell];
        if (InBurnIn) return;
        // Slots and books in (province, industry) order, as entrants arrive; then each entrant's own state, in
        // parallel: it reads nothing the books change and draws from a stream keyed by its slot.
        int entrants = 0;
        for (int p = 0; p < P; p++)
            for (int s = 0; s < S; s++)
            {
                int arrivals = Entrants(p, s);
                if (arrivals == 0) continue;
                var (size, capex, subsidyPaid, equity, _) = EntrantTerms(p, s);
                for (int e = 0; e < arrivals; e++)
                {
                    int i = FreeSlots.Count > 0 ? FreeSlots.Dequeue() : f.Count++;
                    f.EnsureCapacity(f.Count, f.PipelineLength);
                    k.AddEntrant(entrants++, i, p, s);
                    BookEntrant(p, s, size, capex, subsidyPaid, equity);
                }
            }
        k.RunEntrants(_pool, entrants);
    }

    /// <summary>An entrant's state in slot <paramref name="i"/> (cleared first): its draws come from a stream keyed by the slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void InitialiseEntrant(int i, int p, int s)
    {
        var f = Firms;
        var ind = Industries;
        var fb = Config.FirmBehaviour;
        var icfg = Config.Industries[s];
        var frng = new CounterRng((ulong)Config.Seed, RngStreams.EntrantFirm, Step, i);
        double sigma = icfg.CostDispersion;
        var (size, capex, subsidyPaid, equity, loan) = EntrantTerms(p, s);
        f.ClearSlot(i);
        f.Province[i] = p;
        f.Industry[i] = (byte)s;
        f.Alive[i] = 1;
        f.StateOwned[i] = (byte)(frng.NextDouble() < icfg.StateOwnedShare ? 1 : 0);
        f.CostFactor[i] = Math.Exp(sigma * frng.NextGaussian() - 0.5 * sigma * sigma);
        f.Markup[i] = ind.Firms[s] > 0 ? ind.MarkupSum[s] / ind.Firms[s] : icfg.InitialMarkup;
        f.Price[i] = (1 + f.Markup[i]) * icfg.UnitCost * ind.CostIndex[s] * f.CostFactor[i];
        f.ExpectedDemand[i] = fb.InitialUtilisation * size;
        f.Cash[i] = equity + loan + subsidyPaid - capex;
        f.Debt[i] = loan;
        f.SmoothedUtilisation[i] = fb.TargetUtilisation;
        f.SmoothedProfitRate[i] = fb.LoanRate;
        f.Pipeline[f.PipelineIndex(i, Initialisation.Mod(Step + icfg.BuildLag, f.PipelineLength))] = size;
    }

    /// <summary>
    /// Phase 9's decision, shared by both engines: the province rescues a firm that cannot pay when its bailout lever
    /// times the firm's employment weight beats the threshold and its debt leaves room (soft budgets on).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool GrantsBailout(int p, double jobsWeight)
    {
        var cfg = Config;
        double debtRatio = Provinces.LocalDebt[p] / (4 * Provinces.PreviousGdp[p]);
        return cfg.Mechanisms.SoftBudget
               && Lever(p, LeverLayout.BailoutPropensity(Industry.Count)) * jobsWeight > cfg.EntryExit.BailoutThreshold
               && debtRatio < cfg.Government.MaxDebtRatioForBailouts;
    }

    /// <summary>Books a rescue to the province and returns the cash it injects: the shortfall plus bailout_cash_quarters of wages.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double BookBailout(int p, int s, double output, double cash)
    {
        double amount = BailoutAmount(s, output, cash);
        BookBailoutAmount(p, amount);
        return amount;
    }

    /// <summary>The cash a rescue injects: the shortfall plus bailout_cash_quarters of wages.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double BailoutAmount(int s, double output, double cash)
    {
        double wageBill = Industry.LabourPerUnit[s] * Industries.CostIndex[s] * output * Industry.Wage[s];
        return -cash + Config.EntryExit.BailoutCashQuarters * wageBill;
    }

    /// <summary>Books a rescue of the given amount to the province.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void BookBailoutAmount(int p, double amount)
    {
        Provinces.Bailouts[p] += amount;
        Provinces.BailoutCount[p] += 1;
    }

    /// <summary>Books an exit: the unpaid debt is written off by the bank, a share of it falls on the province's financing vehicle.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void BookExit(int p, int s, double debt, double cash) => BookWriteOff(p, s, debt - cash);

    /// <summary>Books an exit whose unpaid debt (debt less cash) is <paramref name="writeOff"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void BookWriteOff(int p, int s, double writeOff)
    {
        Provinces.WriteOffs[p] += writeOff;
        Provinces.LgfvLosses[p] += Config.EntryExit.LgfvLossShare * writeOff;
        Provinces.Exits[p] += 1;
        Industries.Exits[s] += 1;
    }

    /// <summary>
    /// Phase 10's count, shared by both engines: entrants to a (province, industry) cell this quarter, a Poisson draw
    /// whose rate rises with the industry's profit rate and the province's capex subsidy. Needs CellFirms set.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int Entrants(int p, int s)
    {
        var cfg = Config;
        var ee = cfg.EntryExit;
        var ind = Industries;
        int cell = p * Industry.Count + s;
        double incumbents = Math.Max(1, Provinces.CellFirms[cell]);
        // With a steady start the subsidy counts from its initial level, as in investment (MODEL.md 9.3).
        double subsidy = Lever(p, s) - ind.InitialCapexSubsidy[s];
        double profitGap = ind.Firms[s] > 0 ? ind.ProfitRateSum[s] / ind.Firms[s] - cfg.FirmBehaviour.LoanRate : 0;
        double rate = ee.BaseEntryRate * Math.Exp(Math.Min(5, ee.EntryProfitSensitivity * profitGap + ee.EntrySubsidySensitivity * subsidy));
        var rng = new CounterRng((ulong)cfg.Seed, RngStreams.Entry, Step, cell);
        return rng.NextPoisson(Math.Min(rate, 0.2) * incumbents);
    }

    /// <summary>An entrant's size (capacity units) and financing (CNY bn): capex, the province's subsidy, owners' equity, bank loan.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal (double Size, double Capex, double SubsidyPaid, double Equity, double Loan) EntrantTerms(int p, int s)
    {
        var ee = Config.EntryExit;
        var icfg = Config.Industries[s];
        var ind = Industries;
        double size = ee.EntrantRelativeSize * Math.Max(ind.MeanCapacityPerFirm[s], 1e-9);
        double capex = size * icfg.CapitalPerUnit * ind.CapitalCostIndex[s];
        double subsidyPaid = Lever(p, s) * capex;
        double equity = ee.EntrantEquityShare * capex + ee.EntrantWorkingCashQuarters * size * ind.LastPrice[s];
        double loan = Math.Max(0, capex - subsidyPaid - ee.EntrantEquityShare * capex);
        return (size, capex, subsidyPaid, equity, loan);
    }

    /// <summary>Books an entrant's capex, land purchase, subsidy (co-funded by the centre for strategic industries) and equity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void BookEntrant(int p, int s, double size, double capex, double subsidyPaid, double equity)
    {
        var gov = Config.Government;
        var prov = Provinces;
        bool strategic = Industry.OnPolicyList[s];
        prov.FirmCapex[p] += capex;
        prov.CapexToConstruction[p] += capex * (1 - gov.LandShareOfCapex);
        prov.LandSales[p] += capex * gov.LandShareOfCapex;
        prov.CapexSubsidiesLocal[p] += strategic ? subsidyPaid * (1 - gov.StrategicCofunding) : subsidyPaid;
        prov.CapexSubsidiesCentral[p] += strategic ? subsidyPaid * gov.StrategicCofunding : 0;
        prov.FirmEquityInjections[p] += equity;
        prov.Entries[p] += 1;
        Industries.Entries[s] += 1;
        Industries.CapacityOrdered[s] += size;
    }

    /// <summary>Industry aggregates, price indices and the learning-curve experience for next quarter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeIndustryIndicators()
    {
        var k = _kernels;
        var ind = Industries;
        var par = Industry;
        int S = par.Count;
        Span<double> buffer = stackalloc double[S];
        void Reduce(double[] partials, int stride, int quantity, double[] destination) =>
            k.ReduceInto(partials, S, stride, quantity, destination);
        Reduce(k.IndustryFlows, FirmKernels.IaCount, FirmKernels.IaOutput, ind.Output);
        Reduce(k.IndustryFlows, FirmKernels.IaCount, FirmKernels.IaSales, ind.Sales);
        Reduce(k.IndustryFlows, FirmKernels.IaCount, FirmKernels.IaRevenue, ind.Revenue);
        Reduce(k.IndustryFlows, FirmKernels.IaCount, FirmKernels.IaProfit, ind.Profit);
        Reduce(k.IndustryFlows, FirmKernels.IaCount, FirmKernels.IaEmployment, ind.Employment);
        k.ReduceInto(k.IndustryFlows, S, FirmKernels.IaCount, FirmKernels.IaCapacityOrdered, buffer);
        for (int s = 0; s < S; s++) ind.CapacityOrdered[s] += buffer[s];
        // A steady start (MODEL.md 9.3): during the burn-in, with the levers at their initial values, each industry's
        // investment intercept cancels the capital-weighted mean of its firms' desired growth beyond replacement and
        // demand growth; it is frozen when the burn-in ends, so later overbuilding comes from what officials do.
        if (Config.Mechanisms.SteadyStart && InBurnIn)
        {
            Span<double> deviation = stackalloc double[S];
            k.ReduceInto(k.IndustryFlows, S, FirmKernels.IaCount, FirmKernels.IaGrowthDeviation, deviation);
            k.ReduceInto(k.IndustryFlows, S, FirmKernels.IaCount, FirmKernels.IaCapital, buffer);
            for (int s = 0; s < S; s++) ind.InvestmentIntercept[s] = buffer[s] > 0 ? -deviation[s] / buffer[s] : 0;
        }
        Reduce(k.IndustryStocks, FirmKernels.IoCount, FirmKernels.IoCapacity, ind.Capacity);
        Reduce(k.IndustryStocks, FirmKernels.IoCount, FirmKernels.IoInventory, ind.Inventory);
        Reduce(k.IndustryStocks, FirmKernels.IoCount, FirmKernels.IoMarkup, ind.MarkupSum);
        Reduce(k.IndustryStocks, FirmKernels.IoCount, FirmKernels.IoFirms, ind.Firms);
        Reduce(k.IndustryStocks, FirmKernels.IoCount, FirmKernels.IoZombies, ind.Zombies);
        Reduce(k.IndustryStocks, FirmKernels.IoCount, FirmKernels.IoProfitRate, ind.ProfitRateSum);
        Reduce(k.IndustryStocks, FirmKernels.IoCount, FirmKernels.IoUnitCost, ind.UnitCostMean);
        Reduce(k.IndustryStocks, FirmKernels.IoCount, FirmKernels.IoCapitalBook, ind.CapitalBook);
        for (int s = 0; s < S; s++)
        {
            ind.CumulativeOutput[s] += ind.Output[s];
            // Firms expect industry demand to keep growing as it has: smoothed growth of units sold.
            if (ind.Sales[s] > 0 && ind.PreviousSales[s] > 0)
            {
                double growth = Math.Log(ind.Sales[s] / ind.PreviousSales[s]);
                ind.ExpectedDemandGrowth[s] += Config.FirmBehaviour.MemorySmoothing * (growth - ind.ExpectedDemandGrowth[s]);
            }
            ind.PreviousSales[s] = ind.Sales[s];
            if (ind.Sales[s] > 0) ind.LastPrice[s] = ind.Revenue[s] / ind.Sales[s];
            ind.PriceIndex[s] = ind.LastPrice[s] / ind.ReferencePrice[s];
            ind.Exports[s] = ind.Sales[s] * ind.ExportShare[s];
            ind.ExportValue[s] = ind.Revenue[s] * ind.ExportShare[s];
            ind.UnitCostMean[s] = ind.Firms[s] > 0 ? ind.UnitCostMean[s] / ind.Firms[s] : 0;
            ind.MeanOutputPerFirm[s] = ind.Firms[s] > 0 ? ind.Output[s] / ind.Firms[s] : 0;
            if (ind.Firms[s] > 0) ind.MeanCapacityPerFirm[s] = ind.Capacity[s] / ind.Firms[s];
        }
        var nation = Nation;
        double ppi = 0, strategic = 0, strategicWeight = 0, other = 0, otherWeight = 0, consumerGoods = 0;
        for (int s = 0; s < S; s++)
        {
            double w = nation.OutputWeights[s];
            ppi += w * ind.PriceIndex[s];
            if (par.Strategic[s]) { strategic += w * ind.PriceIndex[s]; strategicWeight += w; }
            else { other += w * ind.PriceIndex[s]; otherWeight += w; }
            consumerGoods += nation.ConsumerWeights[s] * ind.PriceIndex[s];
        }
        nation.ProducerPriceIndex = ppi;
        nation.StrategicPriceIndex = strategicWeight > 0 ? strategic / strategicWeight : 1;
        nation.NonStrategicPriceIndex = otherWeight > 0 ? other / otherWeight : 1;
        nation.ConsumerGoodsPriceIndex = consumerGoods;
    }
}
