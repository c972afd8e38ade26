namespace AgentSim.Model.State;

/// <summary>National aggregates, price indices and sector balances for the current quarter.</summary>
public sealed class NationState
{
    // Price indices (1 at the start)
    public double ProducerPriceIndex = 1;
    public double StrategicPriceIndex = 1;
    public double NonStrategicPriceIndex = 1;
    public double ConsumerGoodsPriceIndex = 1;
    public double ConsumerPriceIndex = 1;
    public double PreviousConsumerPriceIndex = 1;
    public double ConsumerGoodsWeightInCpi;      // base-period share of modelled goods in consumption

    // Base-period weights per industry
    public double[] ConsumerWeights = [];        // sums to 1
    public double[] OutputWeights = [];          // sums to 1

    // Consumption relative to the start, real (drives consumer demand)
    public double InitialRealConsumption;
    public double RealConsumptionRatio = 1;

    // Central government
    public double CentralRevenue;
    public double CentralSpending;
    public double CentralTransfers;
    public double CentralCapexCofunding;
    public double CentralTradeIn;
    public double CentralDebt;
    public double CentralDebtStart;
    public double VatCentral;
    public double ServicesTax;
    public double StateInvestment;

    // Banks
    public double BankInterestIncome;
    public double BankWriteOffLosses;
    public double DepositInterest;
    public double BankProfitToCentre;
    public double BankOtherAssetIncome;
    public double Deposits;
    public double DirectedCreditDiscount;

    // Net lending by sector (CNY bn per quarter); they sum to zero
    public double NetLendingHouseholds;
    public double NetLendingFirms;
    public double NetLendingServicesAndConstruction;
    public double NetLendingBanks;
    public double NetLendingLocalGovernments;
    public double NetLendingCentralGovernment;
    public double NetLendingRestOfWorld;

    // National totals
    public double Gdp;
    public double GdpReal;
    public double Consumption;
    public double Investment;
    public double GovernmentConsumption;
    public double NetExports;
    public double Exports;
    public double Imports;
    public double HouseholdIncome;
    public double FirmCapacityInvestment;

    public bool SafetyNetInitialised;
}
