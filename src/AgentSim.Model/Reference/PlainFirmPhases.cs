using AgentSim.Core;
using AgentSim.Model.State;

namespace AgentSim.Model.Reference;

/// <summary>
/// The plain reference engine: the firm phases written the straightforward way, one <see cref="Firm"/> object per
/// firm in a <see cref="List{T}"/>, one thread, loops over objects. It exists to check the struct-of-arrays kernels
/// (a test runs both and compares every aggregate) and as the baseline their speed is measured against.
/// Everything that is not firm-level (demand, households, provinces, nation, officials) is the simulation's own code:
/// this class hands it the same totals the kernels do, as if all firms were one chunk.
/// </summary>
internal sealed class PlainFirmPhases
{
    private readonly Simulation _sim;
    private readonly List<Firm> _firms = new();
    private readonly List<Firm> _distressed = new();
    private readonly int _pipelineLength;

    // Totals the firm phases pass to the rest of the quarter.
    private readonly double[] _industryOutput;
    private readonly double[] _cellFirms;
    private readonly double[] _leftoverPerWeight;

    /// <summary>Takes the initial firms over from the simulation's arrays (then emptied) as objects.</summary>
    public PlainFirmPhases(Simulation sim)
    {
        _sim = sim;
        var f = sim.Firms;
        _pipelineLength = f.PipelineLength;
        for (int i = 0; i < f.Count; i++)
        {
            var firm = new Firm
            {
                Slot = i,
                Alive = f.Alive[i] != 0,
                Province = f.Province[i],
                Industry = f.Industry[i],
                StateOwned = f.StateOwned[i] != 0,
                SoldOut = f.SoldOut[i] != 0,
                NegativeEquityQuarters = f.NegativeEquityQuarters[i],
                Bailouts = f.Bailouts[i],
                Age = f.Age[i],
                Capacity = f.Capacity[i],
                Pipeline = Enumerable.Range(0, _pipelineLength).Select(ring => f.Pipeline[f.PipelineIndex(i, ring)]).ToArray(),
                CostFactor = f.CostFactor[i],
                Markup = f.Markup[i],
                Price = f.Price[i],
                ExpectedDemand = f.ExpectedDemand[i],
                Output = f.Output[i],
                Inventory = f.Inventory[i],
                Sales = f.Sales[i],
                Cash = f.Cash[i],
                Debt = f.Debt[i],
                Profit = f.Profit[i],
                SmoothedUtilisation = f.SmoothedUtilisation[i],
                SmoothedProfitRate = f.SmoothedProfitRate[i],
            };
            _firms.Add(firm);
        }
        f.Release();
        int S = sim.Industry.Count, P = sim.Provinces.Count;
        _industryOutput = new double[S];
        _cellFirms = new double[P * S];
        _leftoverPerWeight = new double[S];
    }

    public int AliveFirms
    {
        get
        {
            int alive = 0;
            foreach (var firm in _firms) if (firm.Alive) alive++;
            return alive;
        }
    }

    /// <summary>Phases 2-4: construction, expectations, production plan, markup and price, market weights.</summary>
    public void ProductionAndPricing(FirmKernels totals)
    {
        var sim = _sim;
        var fb = sim.Config.FirmBehaviour;
        var mechanisms = sim.Config.Mechanisms;
        var par = sim.Industry;
        var ind = sim.Industries;
        int S = par.Count, P = sim.Provinces.Count;
        int slot = Initialisation.Mod(sim.Step, _pipelineLength);
        var sums = totals.PricingSums;
        Array.Clear(sums, 0, S * FirmKernels.IpCount);
        for (int p = 0; p < P; p++) totals.ProvinceFlows[p * FirmKernels.PfCount + FirmKernels.PfNetPositionStart] = 0;

        foreach (var firm in _firms)
        {
            if (!firm.Alive)
            {
                firm.MarketWeight = 0;
                continue;
            }
            int s = firm.Industry, p = firm.Province;
            totals.ProvinceFlows[p * FirmKernels.PfCount + FirmKernels.PfNetPositionStart] += firm.Cash - firm.Debt;

            firm.Capacity = (firm.Capacity + firm.Pipeline[slot]) * (1 - par.Depreciation[s]);
            firm.Pipeline[slot] = 0;

            if (firm.Capacity > 0) firm.ExpectedDemand += fb.ExpectationSmoothing * (firm.Sales - firm.ExpectedDemand);
            double lastOutput = firm.Output;
            double planned = firm.ExpectedDemand * (1 + fb.TargetInventoryRatio) - firm.Inventory;
            double minimum = 0;
            bool employmentPressure = firm.StateOwned || sim.Lever(p, LeverLayout.ProductionSubsidy(S)) > 0;
            if (mechanisms.ProductionFloors && employmentPressure && firm.Inventory < fb.MaxInventoryQuarters * firm.ExpectedDemand)
                minimum = fb.UtilisationFloor * firm.Capacity;
            firm.Output = Math.Max(0, Math.Clamp(planned, minimum, firm.Capacity));

            double unitCost = par.UnitCost[s] * ind.CostIndex[s] * firm.CostFactor
                              + (sim.Provinces.WageIndex[p * S + s] - 1) * par.LabourPerUnit[s] * ind.CostIndex[s] * par.Wage[s];
            double target = fb.TargetInventoryRatio * firm.ExpectedDemand;
            if (firm.Inventory > (1 + fb.InventoryBand) * target || firm.SmoothedUtilisation < fb.PriceCutUtilisation)
                firm.Markup -= fb.MarkupDown;
            else if ((firm.SoldOut || firm.Inventory < (1 - fb.InventoryBand) * target) && firm.SmoothedUtilisation >= fb.MarkupRaiseUtilisation)
                firm.Markup += fb.MarkupUp;
            double meanOutput = ind.MeanOutputPerFirm[s];
            double weightOfJobs = meanOutput > 0 ? lastOutput / meanOutput : 1;
            bool expectsBailout = mechanisms.SoftBudget
                                  && (firm.StateOwned || sim.Lever(p, LeverLayout.BailoutPropensity(S)) * weightOfJobs > sim.Config.EntryExit.BailoutThreshold);
            bool deepCash = firm.Cash > 2 * fb.BelowCostFloor * unitCost * firm.Output;
            firm.Markup = Math.Clamp(firm.Markup, expectsBailout || deepCash ? -fb.BelowCostFloor : 0, fb.MaxMarkup);
            firm.Price = (1 + firm.Markup) * unitCost;

            double available = firm.Output + firm.Inventory;
            double normalisingPrice = ind.LastPrice[s] > 0 ? ind.LastPrice[s] : ind.ReferencePrice[s];
            firm.MarketWeight = available * Math.Pow(firm.Price / normalisingPrice, -par.Substitution[s]);
            int o = s * FirmKernels.IpCount;
            sums[o + FirmKernels.IpWeight] += firm.MarketWeight;
            sums[o + FirmKernels.IpPriceTimesLastSales] += firm.Price * firm.Sales;
            sums[o + FirmKernels.IpLastSales] += firm.Sales;
            sums[o + FirmKernels.IpAvailable] += available;
            sums[o + FirmKernels.IpPriceTimesAvailable] += firm.Price * available;
        }
    }

    /// <summary>Phase 6, first pass and the reallocation's rate: sales in proportion to weight, capped by stock.</summary>
    public void MarketClearing(FirmKernels totals)
    {
        var ind = _sim.Industries;
        int S = _sim.Industry.Count;
        var sales = new double[S];
        var leftover = new double[S];
        foreach (var firm in _firms)
        {
            if (!firm.Alive) continue;
            int s = firm.Industry;
            double available = firm.Output + firm.Inventory;
            firm.Sales = Math.Min(available, firm.MarketWeight * totals.DemandPerWeight[s]);
            firm.MarketWeight = available > 0 ? firm.MarketWeight * (available - firm.Sales) / available : 0;
            sales[s] += firm.Sales;
            leftover[s] += firm.MarketWeight;
        }
        for (int s = 0; s < S; s++)
        {
            double unmet = ind.Demand[s] - sales[s];
            _leftoverPerWeight[s] = unmet > 0 && leftover[s] > 0 ? unmet / leftover[s] : 0;
        }
    }

    /// <summary>Phase 6 (second pass), 7 and 8: reallocated sales, accounts, investment, distress.</summary>
    public void AccountsAndInvestment(FirmKernels totals)
    {
        var sim = _sim;
        var cfg = sim.Config;
        var fb = cfg.FirmBehaviour;
        var gov = cfg.Government;
        var par = sim.Industry;
        var ind = sim.Industries;
        int S = par.Count, P = sim.Provinces.Count;
        var flows = totals.ProvinceFlows;
        for (int p = 0; p < P; p++)
            for (int q = 0; q < FirmKernels.PfCount; q++)
                if (q != FirmKernels.PfNetPositionStart) flows[p * FirmKernels.PfCount + q] = 0;
        var industryFlows = totals.IndustryFlows;
        Array.Clear(industryFlows, 0, S * FirmKernels.IaCount);
        Array.Clear(_cellFirms);
        Array.Clear(totals.CellFlows, 0, P * S * FirmKernels.CfCount);
        _distressed.Clear();

        foreach (var firm in _firms)
        {
            if (!firm.Alive) continue;
            int s = firm.Industry, p = firm.Province;

            // Second market pass.
            double available = firm.Output + firm.Inventory;
            double extra = Math.Min(available - firm.Sales, firm.MarketWeight * _leftoverPerWeight[s]);
            if (extra > 0) firm.Sales += extra;
            firm.SoldOut = firm.Sales >= available * (1 - 1e-12);
            firm.Inventory = available - firm.Sales;

            // Accounts.
            double wageIndex = sim.Provinces.WageIndex[p * S + s];
            double unitCost = par.UnitCost[s] * ind.CostIndex[s] * firm.CostFactor + (wageIndex - 1) * par.LabourPerUnit[s] * ind.CostIndex[s] * par.Wage[s];
            double employment = par.LabourPerUnit[s] * ind.CostIndex[s] * firm.Output;
            double variableCost = unitCost * firm.Output;
            double wageBill = Math.Min(employment * par.Wage[s] * wageIndex, variableCost);
            double materials = variableCost - wageBill;
            double revenue = firm.Price * firm.Sales;
            double vat = gov.VatRate * Math.Max(0, revenue - materials);
            double productionSubsidy = sim.Lever(p, LeverLayout.ProductionSubsidy(S)) * revenue;
            double subsidyRate = sim.Lever(p, s);
            bool soft = cfg.Mechanisms.SoftBudget && (firm.StateOwned || subsidyRate >= fb.TargetIndustrySubsidy);
            // Directed credit: a discount on the loan rate for soft-budget firms, funded by the province's bank.
            double discount = soft ? sim.Lever(p, LeverLayout.CreditEasing(S)) * cfg.Banking.DirectedCreditDiscount * fb.LoanRate * firm.Debt : 0;
            double interest = fb.LoanRate * firm.Debt - discount;
            double capitalPerUnit = par.CapitalPerUnit[s] * ind.CapitalCostIndex[s];
            double capitalBook = firm.Capacity * capitalPerUnit;
            double profit = revenue - unitCost * firm.Sales - vat - interest + productionSubsidy - par.Depreciation[s] * capitalBook;
            double cash = firm.Cash + revenue - wageBill - materials - vat - interest + productionSubsidy;
            double dividends = profit > 0 && cash > 0 ? Math.Min(cash, fb.DividendPayout * profit) : 0;
            cash -= dividends;
            firm.Profit = profit;

            double utilisation = firm.Capacity > 0 ? firm.Output / firm.Capacity : fb.TargetUtilisation;
            double profitRate = capitalBook > 0 ? profit / capitalBook : fb.LoanRate;
            firm.SmoothedUtilisation += fb.MemorySmoothing * (utilisation - firm.SmoothedUtilisation);
            firm.SmoothedProfitRate += fb.MemorySmoothing * (profitRate - firm.SmoothedProfitRate);

            // Investment.
            double credit = soft ? sim.Lever(p, LeverLayout.CreditEasing(S)) : 0;
            double deviation = fb.InvestmentUtilisation * (firm.SmoothedUtilisation - fb.TargetUtilisation)
                               + fb.InvestmentProfit * (firm.SmoothedProfitRate - fb.LoanRate)
                               + fb.InvestmentSubsidy * subsidyRate + fb.InvestmentCredit * credit;
            double growth = par.Depreciation[s] + ind.ExpectedDemandGrowth[s] + fb.InvestmentBase + ind.InvestmentIntercept[s] + deviation;
            growth = cash < 0 ? 0 : Math.Clamp(growth, 0, par.Depreciation[s] + fb.MaxInvestmentRate);
            double capex = growth * capitalBook;
            double debt = firm.Debt;
            double subsidy = 0, loan = 0;
            if (capex > 0)
            {
                double netNeed = capex * (1 - subsidyRate);
                double fromCash = Math.Min(Math.Max(0, cash - fb.CashBufferQuarters * variableCost), netNeed);
                loan = netNeed - fromCash;
                if (!soft)
                {
                    double maxDebt = fb.LeverageLimit * (capitalBook + capex);
                    if (debt + loan > maxDebt) loan = Math.Max(0, maxDebt - debt);
                    loan *= sim.Provinces.PrivateCreditRationing[p];
                    capex = (fromCash + loan) / (1 - subsidyRate);
                }
                subsidy = subsidyRate * capex;
                cash -= fromCash;
                debt += loan;
                firm.Pipeline[Initialisation.Mod(sim.Step + par.BuildLag[s], _pipelineLength)] += capex / capitalPerUnit;
            }
            double repaymentBuffer = fb.CashBufferQuarters * variableCost;
            if (cash > repaymentBuffer && debt > 0)
            {
                double repay = Math.Min(fb.RepaymentRate * debt, cash - repaymentBuffer);
                cash -= repay;
                debt -= repay;
            }
            firm.Cash = cash;
            firm.Debt = debt;

            double equity = capitalBook + firm.Inventory * unitCost + cash - debt;
            firm.NegativeEquityQuarters = equity < 0 ? Math.Min(firm.NegativeEquityQuarters + 1, short.MaxValue) : 0;
            if (firm.Age < short.MaxValue) firm.Age++;
            if (cash < 0) _distressed.Add(firm);

            double cofunding = par.OnPolicyList[s] ? gov.StrategicCofunding : 0;
            int o = p * FirmKernels.PfCount;
            flows[o + FirmKernels.PfRevenue] += revenue;
            flows[o + FirmKernels.PfExportRevenue] += revenue * ind.ExportShare[s];
            flows[o + FirmKernels.PfWages] += wageBill;
            flows[o + FirmKernels.PfEmployment] += employment;
            flows[o + FirmKernels.PfImportedMaterials] += materials * fb.ImportedMaterialShare;
            flows[o + FirmKernels.PfDomesticMaterials] += materials * (1 - fb.ImportedMaterialShare);
            flows[o + FirmKernels.PfInventoryInvestment] += (firm.Output - firm.Sales) * unitCost;
            flows[o + FirmKernels.PfVat] += vat;
            flows[o + FirmKernels.PfInterest] += interest;
            flows[o + FirmKernels.PfProductionSubsidy] += productionSubsidy;
            flows[o + FirmKernels.PfDirectedDiscount] += discount;
            flows[o + FirmKernels.PfDirectedDebt] += soft ? debt : 0;
            flows[o + FirmKernels.PfDirectedLoans] += soft ? loan : 0;
            flows[o + FirmKernels.PfPrivateLoans] += soft ? 0 : loan;
            int cf = (p * S + s) * FirmKernels.CfCount;
            totals.CellFlows[cf + FirmKernels.CfRevenue] += revenue;
            totals.CellFlows[cf + FirmKernels.CfProfit] += profit;
            totals.CellFlows[cf + FirmKernels.CfEmployment] += employment;
            flows[o + FirmKernels.PfCapexSubsidyLocal] += par.OnPolicyList[s] ? subsidy * (1 - cofunding) : subsidy;
            flows[o + FirmKernels.PfCapexSubsidyCentral] += subsidy * cofunding;
            flows[o + FirmKernels.PfCapex] += capex;
            flows[o + FirmKernels.PfCapexToConstruction] += capex * (1 - gov.LandShareOfCapex);
            flows[o + FirmKernels.PfLand] += capex * gov.LandShareOfCapex;
            flows[o + FirmKernels.PfDividends] += dividends;
            flows[o + FirmKernels.PfProfit] += profit;
            flows[o + FirmKernels.PfRealValueAdded] += firm.Output * ind.ValueAddedPerUnit0[s];
            int io = s * FirmKernels.IaCount;
            industryFlows[io + FirmKernels.IaOutput] += firm.Output;
            industryFlows[io + FirmKernels.IaSales] += firm.Sales;
            industryFlows[io + FirmKernels.IaRevenue] += revenue;
            industryFlows[io + FirmKernels.IaProfit] += profit;
            industryFlows[io + FirmKernels.IaEmployment] += employment;
            industryFlows[io + FirmKernels.IaCapacityOrdered] += capex / capitalPerUnit;
            industryFlows[io + FirmKernels.IaGrowthDeviation] += (fb.InvestmentBase + deviation) * capitalBook;
            industryFlows[io + FirmKernels.IaCapital] += capitalBook;
            _cellFirms[p * S + s] += 1;
        }
        Array.Copy(_cellFirms, totals.CellCounts, _cellFirms.Length);
        for (int s = 0; s < S; s++) _industryOutput[s] = industryFlows[s * FirmKernels.IaCount + FirmKernels.IaOutput];
    }

    /// <summary>Phase 9: bailout or exit for each firm that cannot pay, in slot order.</summary>
    public void ResolveDistress()
    {
        var sim = _sim;
        int S = sim.Industry.Count;
        var firmsPerIndustry = new double[S];
        for (int cell = 0; cell < _cellFirms.Length; cell++) firmsPerIndustry[cell % S] += _cellFirms[cell];
        foreach (var firm in _distressed)
        {
            int s = firm.Industry, p = firm.Province;
            double meanOutput = firmsPerIndustry[s] > 0 ? _industryOutput[s] / firmsPerIndustry[s] : 0;
            double jobsWeight = meanOutput > 0 ? firm.Output / meanOutput : 1;
            if (sim.GrantsBailout(p, jobsWeight))
            {
                firm.Cash += sim.BookBailout(p, s, firm.Output, firm.Cash);
                if (firm.Bailouts < short.MaxValue) firm.Bailouts++;
            }
            else
            {
                sim.BookExit(p, s, firm.Debt, firm.Cash);
                firm.Clear();
                sim.FreeSlots.Enqueue(firm.Slot);
            }
        }
    }

    /// <summary>Phase 10: entrants per (province, industry) cell; they take the oldest free slots.</summary>
    public void RunEntry()
    {
        var sim = _sim;
        var cfg = sim.Config;
        var fb = cfg.FirmBehaviour;
        var prov = sim.Provinces;
        var ind = sim.Industries;
        int S = sim.Industry.Count, P = prov.Count;
        Array.Copy(_cellFirms, prov.CellFirms, _cellFirms.Length);
        if (sim.InBurnIn) return;
        for (int p = 0; p < P; p++)
            for (int s = 0; s < S; s++)
            {
                int entrants = sim.Entrants(p, s);
                var icfg = cfg.Industries[s];
                for (int e = 0; e < entrants; e++)
                {
                    int slot = sim.FreeSlots.Count > 0 ? sim.FreeSlots.Dequeue() : _firms.Count;
                    var frng = new CounterRng((ulong)cfg.Seed, RngStreams.EntrantFirm, sim.Step, slot);
                    double sigma = icfg.CostDispersion;
                    var (size, capex, subsidyPaid, equity, loan) = sim.EntrantTerms(p, s);
                    var firm = new Firm
                    {
                        Slot = slot,
                        Alive = true,
                        Province = p,
                        Industry = s,
                        StateOwned = frng.NextDouble() < icfg.StateOwnedShare,
                        CostFactor = Math.Exp(sigma * frng.NextGaussian() - 0.5 * sigma * sigma),
                        Markup = ind.Firms[s] > 0 ? ind.MarkupSum[s] / ind.Firms[s] : icfg.InitialMarkup,
                        ExpectedDemand = fb.InitialUtilisation * size,
                        Cash = equity + loan + subsidyPaid - capex,
                        Debt = loan,
                        SmoothedUtilisation = fb.TargetUtilisation,
                        SmoothedProfitRate = fb.LoanRate,
                        Pipeline = new double[_pipelineLength],
                    };
                    firm.Price = (1 + firm.Markup) * icfg.UnitCost * ind.CostIndex[s] * firm.CostFactor;
                    firm.Pipeline[Initialisation.Mod(sim.Step + icfg.BuildLag, _pipelineLength)] = size;
                    if (slot == _firms.Count) _firms.Add(firm);
                    else _firms[slot] = firm;

                    sim.BookEntrant(p, s, size, capex, subsidyPaid, equity);
                }
            }
    }

    /// <summary>End of quarter: stocks and counts per province and industry.</summary>
    public void Observation(FirmKernels totals)
    {
        var sim = _sim;
        var par = sim.Industry;
        var ind = sim.Industries;
        int S = par.Count, P = sim.Provinces.Count;
        var stocks = totals.ProvinceStocks;
        var industry = totals.IndustryStocks;
        Array.Clear(stocks, 0, P * FirmKernels.PoCount);
        Array.Clear(industry, 0, S * FirmKernels.IoCount);
        foreach (var firm in _firms)
        {
            if (!firm.Alive) continue;
            int s = firm.Industry, p = firm.Province;
            double zombie = firm.NegativeEquityQuarters >= sim.Config.EntryExit.ZombieQuarters ? 1 : 0;
            int o = p * FirmKernels.PoCount;
            stocks[o + FirmKernels.PoCash] += firm.Cash;
            stocks[o + FirmKernels.PoDebt] += firm.Debt;
            stocks[o + FirmKernels.PoFirms] += 1;
            stocks[o + FirmKernels.PoZombies] += zombie;
            int io = s * FirmKernels.IoCount;
            industry[io + FirmKernels.IoCapacity] += firm.Capacity;
            industry[io + FirmKernels.IoInventory] += firm.Inventory;
            industry[io + FirmKernels.IoMarkup] += firm.Markup;
            industry[io + FirmKernels.IoFirms] += 1;
            industry[io + FirmKernels.IoZombies] += zombie;
            industry[io + FirmKernels.IoProfitRate] += firm.SmoothedProfitRate;
            industry[io + FirmKernels.IoUnitCost] += par.UnitCost[s] * ind.CostIndex[s] * firm.CostFactor
                + (sim.Provinces.WageIndex[p * S + s] - 1) * par.LabourPerUnit[s] * ind.CostIndex[s] * par.Wage[s];
            industry[io + FirmKernels.IoCapitalBook] += firm.Capacity * par.CapitalPerUnit[s] * ind.CapitalCostIndex[s];
        }
    }
}
