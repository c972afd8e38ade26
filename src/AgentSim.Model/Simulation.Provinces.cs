using System.Runtime.CompilerServices;
using AgentSim.Model.State;

namespace AgentSim.Model;

public sealed partial class Simulation
{
    /// <summary>
    /// Phases 11-12: firm flows reduced by province, the goods bought by each province, local budgets,
    /// households (closed-form within the quarter), GDP both ways, central government and sector balances.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeProvincesAndNation()
    {
        var k = _kernels;
        var prov = Provinces;
        var ind = Industries;
        var nation = Nation;
        var cfg = Config;
        var gov = cfg.Government;
        var hh = cfg.Households;
        int P = prov.Count, S = Industry.Count;

        prov.StateInvestmentNext.CopyTo(prov.StateInvestment, 0);

        // Firm-sourced flows and end-of-quarter stocks, reduced in chunk order.
        Span<double> flows = stackalloc double[P * FirmKernels.PfCount];
        flows.Clear();
        for (int c = 0; c < k.Chunks; c++)
        {
            var chunk = k.ProvinceFlows.AsSpan(c * P * FirmKernels.PfCount, P * FirmKernels.PfCount);
            for (int j = 0; j < flows.Length; j++) flows[j] += chunk[j];
        }
        UpdateWageIndices();
        Span<double> stocks = stackalloc double[P * FirmKernels.PoCount];
        stocks.Clear();
        for (int c = 0; c < k.Chunks; c++)
        {
            var chunk = k.ProvinceStocks.AsSpan(c * P * FirmKernels.PoCount, P * FirmKernels.PoCount);
            for (int j = 0; j < stocks.Length; j++) stocks[j] += chunk[j];
        }

        // Goods bought by each province: consumer goods by last quarter's consumption, the rest by construction activity.
        double consumerValue = 0, constructionValue = 0, rebateValue = 0;
        for (int s = 0; s < S; s++)
        {
            double domestic = ind.Revenue[s] * (1 - ind.ExportShare[s]);
            double consumer = domestic * ind.ConsumerShareOfDomestic[s];
            consumerValue += consumer;
            constructionValue += domestic - consumer;
            rebateValue += ind.Rebate[s] * consumer;
        }
        double consumptionWeight = 0, constructionWeight = 0;
        for (int p = 0; p < P; p++)
        {
            consumptionWeight += prov.Consumption[p];
            constructionWeight += prov.ConstructionSales[p];
        }
        Span<double> nextStateInvestment = stackalloc double[P];
        Span<double> consumptionShare = stackalloc double[P];
        Span<double> constructionShare = stackalloc double[P];
        for (int p = 0; p < P; p++)
        {
            consumptionShare[p] = prov.Consumption[p] / consumptionWeight;
            constructionShare[p] = prov.ConstructionSales[p] / constructionWeight;
        }

        var ag = cfg.Aggregates;
        double lambdaServices = ag.ServicesLabourShare + ag.ServicesDividendShare;
        double lambdaConstruction = ag.ConstructionLabourShare + ag.ConstructionDividendShare;
        double domesticConstruction = 1 - ag.ConstructionImportShare;
        double expectedDeflation = Math.Max(0, -prov.InflationExpectation[0]);
        int welfareLever = LeverLayout.WelfareShare(S);
        double vatCentral = 0, servicesTax = 0, transfers = 0, cofunding = 0, tradeInCentral = 0, stateInvestment = 0;
        double nlHouseholds = 0, nlFirms = 0, nlServices = 0, nlBanks = 0, nlLocal = 0, bankInterest = 0, bankLosses = 0;
        double depositInterest = 0, bankToCentre = 0, deposits = 0, directedDiscount = 0, bankOtherIncome = 0;
        double gdp = 0, gdpReal = 0, consumption = 0, investment = 0, government = 0, netExports = 0, exports = 0, imports = 0;
        double income = 0, firmInvestment = 0;

        for (int p = 0; p < P; p++)
        {
            int o = p * FirmKernels.PfCount;
            prov.Revenue[p] = flows[o + FirmKernels.PfRevenue];
            prov.ExportRevenue[p] = flows[o + FirmKernels.PfExportRevenue];
            prov.FirmWages[p] = flows[o + FirmKernels.PfWages];
            prov.IndustrialEmployment[p] = flows[o + FirmKernels.PfEmployment];
            prov.ImportedMaterials[p] = flows[o + FirmKernels.PfImportedMaterials];
            prov.DomesticMaterials[p] = flows[o + FirmKernels.PfDomesticMaterials];
            prov.InventoryInvestment[p] = flows[o + FirmKernels.PfInventoryInvestment];
            prov.Vat[p] = flows[o + FirmKernels.PfVat];
            prov.FirmInterest[p] = flows[o + FirmKernels.PfInterest];
            prov.ProductionSubsidies[p] = flows[o + FirmKernels.PfProductionSubsidy];
            prov.DirectedCreditDiscount[p] = flows[o + FirmKernels.PfDirectedDiscount];
            prov.DirectedCredit[p] = flows[o + FirmKernels.PfDirectedDebt];
            prov.DirectedLoans[p] = flows[o + FirmKernels.PfDirectedLoans];
            prov.PrivateLoans[p] = flows[o + FirmKernels.PfPrivateLoans];
            prov.CapexSubsidiesLocal[p] += flows[o + FirmKernels.PfCapexSubsidyLocal];
            prov.CapexSubsidiesCentral[p] += flows[o + FirmKernels.PfCapexSubsidyCentral];
            prov.FirmCapex[p] += flows[o + FirmKernels.PfCapex];
            prov.CapexToConstruction[p] += flows[o + FirmKernels.PfCapexToConstruction];
            prov.LandSales[p] += flows[o + FirmKernels.PfLand];
            prov.Dividends[p] = flows[o + FirmKernels.PfDividends];
            prov.FirmProfit[p] = flows[o + FirmKernels.PfProfit];
            prov.RealFirmValueAdded[p] = flows[o + FirmKernels.PfRealValueAdded];
            prov.FirmNetPositionStart[p] = flows[o + FirmKernels.PfNetPositionStart];
            int so = p * FirmKernels.PoCount;
            prov.FirmCash[p] = stocks[so + FirmKernels.PoCash];
            prov.FirmDebt[p] = stocks[so + FirmKernels.PoDebt];
            prov.FirmsAlive[p] = stocks[so + FirmKernels.PoFirms];
            prov.Zombies[p] = stocks[so + FirmKernels.PoZombies];

            prov.ConsumerGoods[p] = consumerValue * consumptionShare[p];
            prov.ConstructionPurchases[p] = constructionValue * constructionShare[p];
            prov.TradeInRebates[p] = rebateValue * consumptionShare[p];
            prov.TradeInLocal[p] = (1 - gov.TradeInCentralShare) * prov.TradeInRebates[p];

            // Local budget: revenue, committed spending, then programme spending split by the welfare lever.
            double previousGdp = prov.PreviousGdp[p];
            prov.LocalDebtStart[p] = prov.LocalDebt[p];
            prov.CentralTransfers[p] = gov.CentralTransferRate * previousGdp;
            double vatLocal = gov.VatLocalShare * prov.Vat[p];
            prov.LocalRevenue[p] = vatLocal + prov.LandSales[p] + prov.CentralTransfers[p];
            double debtRatio = prov.LocalDebtStart[p] / (4 * previousGdp);
            prov.LocalInterest[p] = Math.Min(gov.MaxLocalDebtRate, gov.LocalDebtRate + gov.LocalDebtRateSlope * Math.Max(0, debtRatio)) * prov.LocalDebtStart[p];
            double committed = prov.CapexSubsidiesLocal[p] + prov.ProductionSubsidies[p] + prov.Bailouts[p]
                               + prov.LocalInterest[p] + prov.LgfvLosses[p] + prov.TradeInLocal[p];
            double programme = Math.Max(gov.MinProgrammeShare * prov.LocalRevenue[p],
                (1 + gov.AllowedDeficitShare) * prov.LocalRevenue[p] - committed);
            double welfareShare = Lever(p, welfareLever);
            prov.Welfare[p] = welfareShare * programme;
            prov.GovernmentConsumption[p] = (1 - welfareShare) * gov.GovernmentConsumptionShare * programme;
            prov.Infrastructure[p] = (1 - welfareShare) * (1 - gov.GovernmentConsumptionShare) * programme;
            prov.LocalSpending[p] = committed + programme;
            prov.LocalDebt[p] = prov.LocalDebtStart[p] + prov.LocalSpending[p] - prov.LocalRevenue[p];

            // Households: propensity to consume from the safety net, job losses and deflation expectations.
            double jobLoss = prov.PreviousEmployment[p] > 0
                ? Math.Max(0, (prov.PreviousEmployment[p] - prov.IndustrialEmployment[p]) / prov.PreviousEmployment[p]) : 0;
            prov.JobLossShare[p] = jobLoss;
            if (!nation.SafetyNetInitialised)
            {
                // Start each province at the safety net its initial welfare spending sustains.
                double dataIncome = prov.DataIncomePerCapita[p] * prov.Population[p] / 4 / 1e9;
                prov.SafetyNet[p] = hh.SafetyNetBuildRate * prov.Welfare[p] / dataIncome / hh.SafetyNetDecay;
            }
            double propensity = Math.Clamp(hh.BasePropensity + hh.SafetyNetEffect * prov.SafetyNet[p]
                                           - hh.JobLossEffect * jobLoss - hh.DeflationEffect * expectedDeflation,
                hh.MinPropensity, hh.MaxPropensity);
            prov.PropensityToConsume[p] = propensity;

            // Household income solves income = direct income + the household shares of services and construction
            // value added, where that value added itself depends on consumption and housing out of income.
            // Deposits earn this quarter's provincial deposit rate on the stock held at the start (MODEL.md 9.1).
            prov.DepositsStart[p] = prov.Deposits[p];
            prov.DepositRate[p] = prov.NextDepositRate[p];
            prov.DepositInterest[p] = prov.DepositRate[p] * prov.DepositsStart[p];
            double direct = prov.FirmWages[p] + prov.Dividends[p] + prov.Welfare[p] + prov.TradeInRebates[p] + prov.DepositInterest[p];
            double servicesExogenous = -prov.ConsumerGoods[p] + prov.GovernmentConsumption[p] + prov.DomesticMaterials[p];
            double constructionExogenous = domesticConstruction * (prov.CapexToConstruction[p] + prov.Infrastructure[p] + prov.StateInvestment[p])
                                           - prov.ConstructionPurchases[p];
            double householdIncome = (direct + lambdaServices * servicesExogenous + lambdaConstruction * constructionExogenous)
                                     / (1 - lambdaServices * propensity - lambdaConstruction * domesticConstruction * hh.HousingRate);
            prov.HouseholdIncome[p] = householdIncome;
            prov.Consumption[p] = propensity * householdIncome;
            prov.Housing[p] = hh.HousingRate * householdIncome;
            prov.ServicesConsumption[p] = prov.Consumption[p] - prov.ConsumerGoods[p];
            prov.ServicesValueAdded[p] = prov.ServicesConsumption[p] + prov.GovernmentConsumption[p] + prov.DomesticMaterials[p];
            prov.ConstructionSales[p] = prov.CapexToConstruction[p] + prov.Housing[p] + prov.Infrastructure[p] + prov.StateInvestment[p];
            prov.ConstructionImports[p] = ag.ConstructionImportShare * prov.ConstructionSales[p];
            prov.ConstructionValueAdded[p] = prov.ConstructionSales[p] - prov.ConstructionImports[p] - prov.ConstructionPurchases[p];
            double servicesValueAdded = prov.ServicesValueAdded[p], constructionValueAdded = prov.ConstructionValueAdded[p];
            double aggregateValueAdded = servicesValueAdded + constructionValueAdded;
            prov.ServicesTax[p] = ag.ServicesTaxRate * aggregateValueAdded;
            double aggregateWages = ag.ServicesLabourShare * servicesValueAdded + ag.ConstructionLabourShare * constructionValueAdded;
            double aggregateDividends = ag.ServicesDividendShare * servicesValueAdded + ag.ConstructionDividendShare * constructionValueAdded;
            prov.RetainedServices[p] = aggregateValueAdded - aggregateWages - aggregateDividends - prov.ServicesTax[p];
            prov.Wages[p] = prov.FirmWages[p] + aggregateWages;
            prov.HouseholdDividends[p] = prov.Dividends[p] + aggregateDividends;
            prov.Transfers[p] = prov.Welfare[p] + prov.TradeInRebates[p];
            prov.ServicesEmployment[p] = aggregateWages / ag.ServicesWage;
            // Households' saving, less the equity they put into entrants, is deposited in the province's bank.
            prov.Deposits[p] = prov.DepositsStart[p] + (householdIncome - prov.Consumption[p] - prov.Housing[p]) - prov.FirmEquityInjections[p];
            prov.SafetyNet[p] = prov.SafetyNet[p] * (1 - hh.SafetyNetDecay)
                                + hh.SafetyNetBuildRate * (householdIncome > 0 ? prov.Welfare[p] / householdIncome : 0);

            // GDP both ways.
            prov.Investment[p] = prov.CapexToConstruction[p] + prov.InventoryInvestment[p] + prov.Housing[p]
                                 + prov.Infrastructure[p] + prov.StateInvestment[p];
            prov.NetExports[p] = prov.Revenue[p] - prov.ConsumerGoods[p] - prov.ConstructionPurchases[p]
                                 - prov.ImportedMaterials[p] - prov.ConstructionImports[p];
            prov.GdpExpenditure[p] = prov.Consumption[p] + prov.Investment[p] + prov.GovernmentConsumption[p] + prov.NetExports[p];
            double firmValueAdded = prov.Revenue[p] + prov.InventoryInvestment[p] - prov.ImportedMaterials[p] - prov.DomesticMaterials[p];
            prov.GdpValueAdded[p] = firmValueAdded + prov.ServicesValueAdded[p] + prov.ConstructionValueAdded[p];
            prov.GdpReal[p] = prov.RealFirmValueAdded[p] + aggregateValueAdded;
            prov.GdpRealForScore[p] = prov.GdpReal[p] - (cfg.Mechanisms.InvestmentInScore ? 0 : prov.CapexToConstruction[p]);

            // Burn-in calibration: next quarter's state investment moves the province's GDP towards its data value.
            double multiplier = 1 - lambdaServices * propensity - lambdaConstruction * domesticConstruction * hh.HousingRate;
            nextStateInvestment[p] = InBurnIn
                ? Math.Max(0, prov.StateInvestment[p] + ModelConstants.CalibrationGain * (prov.DataGdp[p] - prov.GdpExpenditure[p]) * multiplier)
                : prov.StateInvestment[p] * (1 + TrendGrowth(gov.StateInvestmentGrowth, Step));

            // Sector balances (net lending), from flows.
            double firmNetLending = prov.Revenue[p] - prov.FirmWages[p] - prov.ImportedMaterials[p] - prov.DomesticMaterials[p]
                                    - prov.Vat[p] - prov.FirmInterest[p] + prov.ProductionSubsidies[p]
                                    + prov.CapexSubsidiesLocal[p] + prov.CapexSubsidiesCentral[p] + prov.Bailouts[p]
                                    + prov.WriteOffs[p] - prov.Dividends[p] - prov.FirmCapex[p];
            prov.FirmNetLending[p] = firmNetLending;
            nlFirms += firmNetLending;
            nlHouseholds += householdIncome - prov.Consumption[p] - prov.Housing[p];
            nlServices += prov.RetainedServices[p];
            nlLocal += prov.LocalRevenue[p] - prov.LocalSpending[p];
            bankInterest += prov.FirmInterest[p] + prov.LocalInterest[p];
            bankLosses += prov.WriteOffs[p] - prov.LgfvLosses[p];
            UpdateBank(p);
            nlBanks += prov.BankNetLending[p];
            depositInterest += prov.DepositInterest[p];
            bankToCentre += prov.BankProfitToCentre[p];
            bankOtherIncome += prov.BankOtherAssetIncome[p];
            deposits += prov.Deposits[p];
            directedDiscount += prov.DirectedCreditDiscount[p];

            vatCentral += (1 - gov.VatLocalShare) * prov.Vat[p];
            servicesTax += prov.ServicesTax[p];
            transfers += prov.CentralTransfers[p];
            cofunding += prov.CapexSubsidiesCentral[p];
            tradeInCentral += gov.TradeInCentralShare * prov.TradeInRebates[p];
            stateInvestment += prov.StateInvestment[p];

            gdp += prov.GdpExpenditure[p];
            gdpReal += prov.GdpReal[p];
            consumption += prov.Consumption[p];
            investment += prov.Investment[p];
            government += prov.GovernmentConsumption[p];
            netExports += prov.NetExports[p];
            exports += prov.ExportRevenue[p];
            imports += prov.ImportedMaterials[p] + prov.ConstructionImports[p];
            income += householdIncome;
            firmInvestment += prov.CapexToConstruction[p];
        }
        nation.SafetyNetInitialised = true;

        nation.VatCentral = vatCentral;
        nation.ServicesTax = servicesTax;
        nation.CentralTransfers = transfers;
        nation.CentralCapexCofunding = cofunding;
        nation.CentralTradeIn = tradeInCentral;
        nation.StateInvestment = stateInvestment;
        nation.DepositInterest = depositInterest;
        nation.BankProfitToCentre = bankToCentre;
        nation.Deposits = deposits;
        nation.DirectedCreditDiscount = directedDiscount;
        nation.CentralRevenue = vatCentral + servicesTax + bankToCentre;
        nation.BankOtherAssetIncome = bankOtherIncome;
        nation.CentralSpending = transfers + cofunding + tradeInCentral + stateInvestment + bankOtherIncome;
        nation.CentralDebtStart = nation.CentralDebt;
        nation.CentralDebt += nation.CentralSpending - nation.CentralRevenue;
        nation.BankInterestIncome = bankInterest;
        nation.BankWriteOffLosses = bankLosses;
        nation.NetLendingHouseholds = nlHouseholds;
        nation.NetLendingFirms = nlFirms;
        nation.NetLendingServicesAndConstruction = nlServices;
        nation.NetLendingBanks = nlBanks;
        nation.NetLendingLocalGovernments = nlLocal;
        nation.NetLendingCentralGovernment = nation.CentralRevenue - nation.CentralSpending;
        nation.NetLendingRestOfWorld = imports - exports;
        nation.Gdp = gdp;
        nation.GdpReal = gdpReal;
        nation.Consumption = consumption;
        nation.Investment = investment;
        nation.GovernmentConsumption = government;
        nation.NetExports = netExports;
        nation.Exports = exports;
        nation.Imports = imports;
        nation.HouseholdIncome = income;
        nation.FirmCapacityInvestment = firmInvestment;

        // Consumer prices: modelled goods at their base-period weight in consumption, services at a constant price.
        if (Step == -Config.BurnIn)
        {
            double goods = 0;
            for (int p = 0; p < P; p++) goods += prov.ConsumerGoods[p];
            nation.ConsumerGoodsWeightInCpi = consumption > 0 ? goods / consumption : 0;
        }
        nation.PreviousConsumerPriceIndex = nation.ConsumerPriceIndex;
        nation.ConsumerPriceIndex = nation.ConsumerGoodsWeightInCpi * nation.ConsumerGoodsPriceIndex + (1 - nation.ConsumerGoodsWeightInCpi);
        double inflation = nation.ConsumerPriceIndex / nation.PreviousConsumerPriceIndex - 1;
        double realConsumption = consumption / nation.ConsumerPriceIndex;
        if (Step <= -1 || nation.InitialRealConsumption == 0) nation.InitialRealConsumption = realConsumption;
        // Consumer demand follows real consumption with smoothing: buying goods with last quarter's unsmoothed
        // consumption feeds back on this quarter's income with a one-quarter lag, which at long horizons (a larger
        // goods share of consumption) turns into a growing quarter-to-quarter oscillation.
        nation.RealConsumptionRatio = InBurnIn ? 1
            : nation.RealConsumptionRatio + hh.ConsumerDemandSmoothing * (realConsumption / nation.InitialRealConsumption - nation.RealConsumptionRatio);

        for (int p = 0; p < P; p++)
        {
            prov.InflationExpectation[p] += hh.InflationExpectationWeight * (inflation - prov.InflationExpectation[p]);
            prov.IncomePerCapitaReal[p] = prov.HouseholdIncome[p] * 4 * 1e9 / prov.Population[p] / nation.ConsumerPriceIndex;
            prov.PreviousGdp[p] = prov.GdpExpenditure[p];
            prov.PreviousEmployment[p] = prov.IndustrialEmployment[p];
        }
        // Next quarter's state investment (this quarter's is what the outputs report as spent).
        nextStateInvestment.CopyTo(prov.StateInvestmentNext);
    }

    /// <summary>
    /// The province's bank this quarter (MODEL.md 9.1): its profit, what it pays the centre, and next quarter's deposit
    /// rate and private credit rationing. The bank recovers its directed-credit discounts and smoothed write-offs from
    /// depositors (financial repression), at most down to the deposit-rate floor.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateBank(int p)
    {
        var prov = Provinces;
        var bank = Config.Banking;
        var mech = Config.Mechanisms;
        double writeOffs = prov.WriteOffs[p] - prov.LgfvLosses[p];
        // Deposits beyond the loans the model resolves fund assets it does not (bonds, reserves, other loans), which
        // earn the benchmark deposit rate plus the normal return, paid by the centre (MODEL.md 9.1's bank is an aggregate).
        prov.BankOtherAssets[p] = Math.Max(0, prov.DepositsStart[p] - prov.FirmDebt[p] - prov.LocalDebtStart[p]);
        prov.BankOtherAssetIncome[p] = (bank.BenchmarkDepositRate + bank.NormalReturn) * prov.BankOtherAssets[p];
        prov.BankProfit[p] = prov.FirmInterest[p] + prov.LocalInterest[p] + prov.BankOtherAssetIncome[p] - prov.DepositInterest[p] - writeOffs;
        double normal = bank.NormalReturn * (prov.FirmDebt[p] + prov.LocalDebtStart[p] + prov.BankOtherAssets[p]);
        prov.BankProfitToCentre[p] = Math.Max(0, prov.BankProfit[p] - normal);
        prov.BankNetLending[p] = prov.BankProfit[p] - prov.BankProfitToCentre[p];
        prov.BankLoans[p] = prov.FirmDebt[p] + prov.LocalDebt[p];

        prov.SmoothedBankWriteOffs[p] += bank.WriteOffSmoothing * (writeOffs - prov.SmoothedBankWriteOffs[p]);
        prov.BankPolicyCost[p] = prov.DirectedCreditDiscount[p] + prov.SmoothedBankWriteOffs[p];
        double benchmark = bank.BenchmarkDepositRate, floor = Math.Min(bank.DepositRateFloor, benchmark);
        prov.NextDepositRate[p] = mech.FinancialRepression && prov.Deposits[p] > 0
            ? Math.Clamp(benchmark - bank.RepressionIntensity * prov.BankPolicyCost[p] / prov.Deposits[p], floor, benchmark)
            : benchmark;

        // Loan-to-deposit ceiling: next quarter's room for new loans goes to directed borrowers first (at this quarter's
        // volume), and private firms get the share of their demand that is left (rationing lags one quarter).
        if (!mech.LoanToDepositCeiling) { prov.PrivateCreditRationing[p] = 1; return; }
        double room = bank.LoanToDepositCeiling * prov.Deposits[p] - prov.BankLoans[p] - prov.DirectedLoans[p];
        double served = prov.PrivateCreditRationing[p];
        double privateDemand = served > 0 ? prov.PrivateLoans[p] / served : 0;
        prov.PrivateCreditRationing[p] = privateDemand > 0 ? Math.Clamp(room / privateDemand, 0, 1) : room > 0 ? 1 : 0;
    }

    /// <summary>
    /// Wages that follow the price war (MODEL.md 9.2): each (province, industry) cell's smoothed profit margin, and the
    /// wage index its firms pay from next quarter, which closes part of the gap to 1 + rent_sharing x (margin - normal).
    /// The normal margin is the cell's smoothed margin at the end of the burn-in, so the index starts at exactly 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateWageIndices()
    {
        var k = _kernels;
        var prov = Provinces;
        var ind = Industries;
        var w = Config.Wages;
        int S = Industry.Count, cells = prov.Count * S;
        Array.Clear(prov.CellRevenue);
        Array.Clear(prov.CellProfit);
        Array.Clear(prov.CellEmployment);
        for (int c = 0; c < k.Chunks; c++)
        {
            int baseIndex = c * cells * FirmKernels.CfCount;
            for (int cell = 0; cell < cells; cell++)
            {
                int o = baseIndex + cell * FirmKernels.CfCount;
                prov.CellRevenue[cell] += k.CellFlows[o + FirmKernels.CfRevenue];
                prov.CellProfit[cell] += k.CellFlows[o + FirmKernels.CfProfit];
                prov.CellEmployment[cell] += k.CellFlows[o + FirmKernels.CfEmployment];
            }
        }
        // The industry's wage index this quarter: the cells' indices weighted by employment.
        for (int s = 0; s < S; s++)
        {
            double weighted = 0, employment = 0;
            for (int p = 0; p < prov.Count; p++)
            {
                weighted += prov.WageIndex[p * S + s] * prov.CellEmployment[p * S + s];
                employment += prov.CellEmployment[p * S + s];
            }
            ind.WageIndex[s] = employment > 0 ? weighted / employment : 1;
        }
        bool first = Step == -Config.BurnIn, setNormal = InBurnIn || first;
        bool active = Config.Mechanisms.WageRentSharing && !setNormal;
        for (int cell = 0; cell < cells; cell++)
        {
            if (prov.CellRevenue[cell] > 0)
            {
                double margin = prov.CellProfit[cell] / prov.CellRevenue[cell];
                prov.SmoothedCellMargin[cell] = first ? margin : prov.SmoothedCellMargin[cell] + w.MarginSmoothing * (margin - prov.SmoothedCellMargin[cell]);
            }
            if (setNormal) prov.NormalCellMargin[cell] = prov.SmoothedCellMargin[cell];
            if (!active) continue;
            double target = 1 + w.RentSharing * (prov.SmoothedCellMargin[cell] - prov.NormalCellMargin[cell]);
            prov.WageIndex[cell] = Math.Max(w.Floor, prov.WageIndex[cell] + w.Adjustment * (target - prov.WageIndex[cell]));
        }
    }
}
