using AgentSim.Model;

namespace AgentSim.Output.Runs;

/// <summary>
/// Collects, quarter by quarter, the few aggregates the headline indicators need, so the summary does not have to
/// read the tables back. Arrays are sized once for the run.
/// </summary>
internal sealed class HeadlineTracker
{
    private const int Year = 4;
    private readonly Simulation _sim;
    private readonly double[] _consumption, _gdp, _strategicOutput, _strategicCapacity, _otherOutput, _otherCapacity;
    private int _recorded;
    private double _baseStrategicPrice, _baseOtherPrice, _baseGdpReal, _baseIncome;
    private int _baseFirms;
    private bool _baseFromFirstStep;

    public HeadlineTracker(Simulation simulation, int steps)
    {
        _sim = simulation;
        _consumption = new double[steps];
        _gdp = new double[steps];
        _strategicOutput = new double[steps];
        _strategicCapacity = new double[steps];
        _otherOutput = new double[steps];
        _otherCapacity = new double[steps];
    }

    /// <summary>
    /// Records the state at the end of the burn-in. Price indices are 1 before the first quarter, so they are always
    /// a valid base; without a burn-in there is no GDP yet, and the first recorded quarter becomes the base for growth.
    /// </summary>
    public void CaptureBase()
    {
        var nation = _sim.Nation;
        _baseStrategicPrice = nation.StrategicPriceIndex;
        _baseOtherPrice = nation.NonStrategicPriceIndex;
        _baseGdpReal = nation.GdpReal;
        _baseIncome = RealIncomePerCapita();
        _baseFirms = FirmsAlive(_sim);
        _baseFromFirstStep = !(_baseGdpReal > 0);
    }

    /// <summary>Records the quarter the simulation has just run.</summary>
    public void Record()
    {
        if (_recorded == 0 && _baseFromFirstStep)
        {
            _baseGdpReal = _sim.Nation.GdpReal;
            _baseIncome = RealIncomePerCapita();
            _baseFirms = FirmsAlive(_sim);
        }
        var k = _recorded++;
        var nation = _sim.Nation;
        _consumption[k] = nation.Consumption;
        _gdp[k] = nation.Gdp;
        var ind = _sim.Industries;
        var strategic = _sim.Industry.Strategic;
        for (var s = 0; s < strategic.Length; s++)
        {
            if (strategic[s])
            {
                _strategicOutput[k] += ind.Output[s];
                _strategicCapacity[k] += ind.Capacity[s];
            }
            else
            {
                _otherOutput[k] += ind.Output[s];
                _otherCapacity[k] += ind.Capacity[s];
            }
        }
    }

    public RunHeadlines Result()
    {
        var n = _recorded;
        if (n == 0)
        {
            return new RunHeadlines { FirmsStart = _baseFirms, FirmsFinal = FirmsAlive(_sim) };
        }
        var firstYear = Math.Min(Year, n);
        var finalFrom = n - Math.Min(Year, n);
        var nation = _sim.Nation;
        var prov = _sim.Provinces;
        var quarters = _baseFromFirstStep ? n - 1 : n;
        double zombies = 0, firms = 0, localDebt = 0;
        for (var p = 0; p < prov.Count; p++)
        {
            zombies += prov.Zombies[p];
            firms += prov.FirmsAlive[p];
            localDebt += prov.LocalDebt[p];
        }
        return new RunHeadlines
        {
            Steps = n,
            ConsumptionShareFirstYear = Ratio(Sum(_consumption, 0, firstYear), Sum(_gdp, 0, firstYear)),
            ConsumptionShareFinalYear = Ratio(Sum(_consumption, finalFrom, n), Sum(_gdp, finalFrom, n)),
            StrategicUtilisationFinalYear = Ratio(Sum(_strategicOutput, finalFrom, n), Sum(_strategicCapacity, finalFrom, n)),
            NonStrategicUtilisationFinalYear = Ratio(Sum(_otherOutput, finalFrom, n), Sum(_otherCapacity, finalFrom, n)),
            StrategicPriceChange = Ratio(nation.StrategicPriceIndex, _baseStrategicPrice) - 1,
            NonStrategicPriceChange = Ratio(nation.NonStrategicPriceIndex, _baseOtherPrice) - 1,
            ZombieShareFinal = Ratio(zombies, firms),
            GdpGrowthAnnualised = Annualised(nation.GdpReal, _baseGdpReal, quarters),
            IncomePerCapitaGrowthAnnualised = Annualised(RealIncomePerCapita(), _baseIncome, quarters),
            LocalDebtToGdpFinal = Ratio(localDebt, Year * nation.Gdp),
            FirmsStart = _baseFirms,
            FirmsFinal = (int)firms,
        };
    }

    /// <summary>Alive firms, from the province counts the model keeps (no pass over firms).</summary>
    public static int FirmsAlive(Simulation sim)
    {
        var alive = 0.0;
        var counts = sim.Provinces.FirmsAlive;
        for (var p = 0; p < counts.Length; p++)
        {
            alive += counts[p];
        }
        return (int)alive;
    }

    private double RealIncomePerCapita()
    {
        var prov = _sim.Provinces;
        double income = 0, population = 0;
        for (var p = 0; p < prov.Count; p++)
        {
            income += prov.HouseholdIncome[p];
            population += prov.Population[p];
        }
        var cpi = _sim.Nation.ConsumerPriceIndex;
        return population > 0 && cpi > 0 ? income / population / cpi : 0;
    }

    private static double Sum(double[] values, int from, int to)
    {
        var sum = 0.0;
        for (var i = from; i < to; i++)
        {
            sum += values[i];
        }
        return sum;
    }

    private static double Ratio(double a, double b) => b != 0 ? a / b : double.NaN;

    private static double Annualised(double final, double start, int quarters) =>
        quarters > 0 && final > 0 && start > 0 ? Math.Exp(Year * Math.Log(final / start) / quarters) - 1 : double.NaN;
}
