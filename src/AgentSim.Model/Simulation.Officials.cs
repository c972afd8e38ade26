using System.Runtime.CompilerServices;
using AgentSim.Config;
using AgentSim.Core;
using AgentSim.Model.State;
using MathNet.Numerics.LinearAlgebra;

namespace AgentSim.Model;

public sealed partial class Simulation
{
    /// <summary>
    /// Phase 12 (officials) and phase 1 (policy) for the coming year: record this quarter's metrics; at a
    /// year end, score every official under its own rule, learn levers, and promote or retire officials at
    /// the end of tenure. The rule only ever enters through <see cref="ScoreUnder"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunOfficials()
    {
        var prov = Provinces;
        var os = Officials;
        int P = prov.Count;
        int q = Step + Config.BurnIn;
        for (int p = 0; p < P; p++)
        {
            os.RealGdp[q * P + p] = prov.GdpRealForScore[p];
            os.RealIncomePerCapita[q * P + p] = prov.IncomePerCapitaReal[p];
            prov.QuartersInOffice[p] += 1;
        }
        int window = Config.Officials.EvaluationWindow;
        bool yearEnd = Step >= 0 && (Step + 1) % 4 == 0 && q + 1 >= 2 * window;
        if (!yearEnd) return;

        // Year-end scratch reused every year (the histories below keep copies), so a year end allocates nothing.
        var gdpGrowth = os.GdpGrowthScratch;
        var incomeGrowth = os.IncomeGrowthScratch;
        var debtRatio = os.DebtRatioScratch;
        for (int p = 0; p < P; p++)
        {
            gdpGrowth[p] = WindowGrowth(os.RealGdp, q, window, p, P);
            incomeGrowth[p] = WindowGrowth(os.RealIncomePerCapita, q, window, p, P);
            debtRatio[p] = prov.LocalDebt[p] / (4 * prov.GdpExpenditure[p]);
        }
        var scores = os.ScoreScratch;
        for (int p = 0; p < P; p++)
            scores[p] = ScoreUnder(prov.Rule[p], p, gdpGrowth, incomeGrowth, debtRatio);
        Array.Copy(scores, prov.Score, P);

        // Track records: recent growth, smoothed over years, so that imitation follows sustained success, not one lucky year.
        double memory = Config.Officials.TrackRecordMemory;
        for (int p = 0; p < P; p++)
        {
            bool first = os.YearGdpGrowth.Count == 0;
            prov.GdpGrowthRecord[p] = first ? gdpGrowth[p] : memory * prov.GdpGrowthRecord[p] + (1 - memory) * gdpGrowth[p];
            prov.IncomeGrowthRecord[p] = first ? incomeGrowth[p] : memory * prov.IncomeGrowthRecord[p] + (1 - memory) * incomeGrowth[p];
        }
        int keep = OfficialsState.YearsKept(Config.Officials.RegressionYears);
        OfficialsState.Append(os.YearGdpGrowth, gdpGrowth, keep);
        OfficialsState.Append(os.YearIncomeGrowth, incomeGrowth, keep);
        OfficialsState.Append(os.YearDebtRatio, debtRatio, keep);
        if (Config.Officials.Learning == LearningMode.Imitation)
            LearnByImitation(scores, gdpGrowth, incomeGrowth, debtRatio);
        else
            LearnByRegression(scores, gdpGrowth, incomeGrowth, debtRatio);
        // One year fewer of levers than of growth: learning pairs the levers of year y with the growth of year y + 1.
        OfficialsState.Append(os.YearLevers, prov.LeverValues, keep - 1);

        RecordYearAndPromote(scores, gdpGrowth, incomeGrowth);
    }

    /// <summary>Log growth of the sum of the last `window` quarters over the `window` before.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double WindowGrowth(double[] history, int q, int window, int p, int P)
    {
        double recent = 0, earlier = 0;
        for (int j = 0; j < window; j++)
        {
            recent += history[(q - j) * P + p];
            earlier += history[(q - window - j) * P + p];
        }
        return recent > 0 && earlier > 0 ? Math.Log(recent / earlier) : 0;
    }

    /// <summary>The only place an incentive rule has an effect: what counts as doing well, relative to peers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double ScoreUnder(IncentiveRule rule, int p, double[] gdpGrowth, double[] incomeGrowth, double[] debtRatio)
    {
        double gdp = gdpGrowth[p] - PeerMean(gdpGrowth, p);
        double income = incomeGrowth[p] - PeerMean(incomeGrowth, p);
        var oc = Config.Officials;
        return rule switch
        {
            IncentiveRule.Gdp => gdp,
            IncentiveRule.HouseholdIncome => income,
            _ => oc.MixedGdpWeight * gdp + (1 - oc.MixedGdpWeight) * income - oc.MixedDebtPenalty * debtRatio[p],
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double PeerMean(double[] values, int self)
    {
        if (values.Length < 2) return 0;
        double sum = 0;
        for (int j = 0; j < values.Length; j++) if (j != self) sum += values[j];
        return sum / (values.Length - 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (double Min, double Max) LeverRange(int lever)
    {
        var lv = Config.Levers;
        int S = Industry.Count;
        LeverBounds b = lever < S ? lv.CapexSubsidy
            : (lever - S) switch { 0 => lv.ProductionSubsidy, 1 => lv.BailoutPropensity, 2 => lv.WelfareShare, _ => lv.CreditEasing };
        // The centre caps capex subsidies to industries off its strategic list.
        if (lever < S && !Industry.OnPolicyList[lever]) return (b.Min, Math.Max(b.Min, Math.Min(b.Max, lv.NonStrategicCapexSubsidyCap)));
        return (b.Min, b.Max);
    }

    /// <summary>
    /// Imitation learning: judge last year's experiment, move part of the way towards the peer with the best
    /// track record under one's own rule (herding), then try one random lever change for the coming year.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LearnByImitation(double[] scores, double[] gdpGrowth, double[] incomeGrowth, double[] debtRatio)
    {
        var prov = Provinces;
        var os = Officials;
        var oc = Config.Officials;
        int P = prov.Count, L = prov.LeverCount;

        for (int p = 0; p < P; p++)
        {
            if (prov.ExperimentLever[p] < 0) continue;
            // Growth scores reward a change once (a level shift), so the experiment is judged against the
            // official's own track record rather than against last year's score, which may hold an earlier one-off gain.
            if (scores[p] <= prov.ExperimentBaseline[p]) prov.ExperimentOldLevers(p).CopyTo(prov.Levers(p));
            prov.ExperimentLever[p] = -1;
        }

        Array.Copy(prov.LeverValues, os.LeverSnapshot, prov.LeverValues.Length);
        // Herding follows the stakes of the tournament: at the reference strength officials close imitation_rate
        // of the gap to the best peer; a weaker tournament (promotion less tied to the score) makes them herd less.
        double imitationRate = Math.Min(1, oc.ImitationRate * oc.PromotionStrength / oc.ReferencePromotionStrength);
        for (int p = 0; p < P; p++)
        {
            var levers = prov.Levers(p);
            if (Config.Mechanisms.LeverImitation && P > 1)
            {
                int best = -1;
                double bestScore = double.NegativeInfinity;
                for (int other = 0; other < P; other++)
                {
                    if (other == p) continue;
                    double s = ScoreUnder(prov.Rule[p], other, prov.GdpGrowthRecord, prov.IncomeGrowthRecord, debtRatio);
                    if (s > bestScore) (best, bestScore) = (other, s);
                }
                if (bestScore > ScoreUnder(prov.Rule[p], p, prov.GdpGrowthRecord, prov.IncomeGrowthRecord, debtRatio))
                    for (int l = 0; l < L; l++)
                        levers[l] += imitationRate * (os.LeverSnapshot[best * L + l] - levers[l]);
            }
            Experiment(p, TrackRecord(p, scores[p]));
        }
    }

    /// <summary>Mean relative score of the official over its years in office so far (this year's included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double TrackRecord(int p, double score)
    {
        var prov = Provinces;
        int years = (int)prov.OfficialYears[p] + 1;
        prov.OfficialScoreSum[p] += score;
        prov.OfficialYears[p] = years;
        return prov.OfficialScoreSum[p] / years;
    }

    /// <summary>
    /// A myopic official experiments only if it will still be in office to see the result. An experiment
    /// picks one of six policy moves at random: the capex subsidies of the industries on the central
    /// strategic list (moved together), those of the other industries (together), or one province-wide
    /// lever. Moving a sector's subsidies together is what a provincial industrial plan does, and it is
    /// large enough for its effect to be told apart from the noise in relative growth.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Experiment(int p, double baseline)
    {
        var prov = Provinces;
        var oc = Config.Officials;
        if (oc.ExperimentSize <= 0 || oc.Tenure - prov.QuartersInOffice[p] < 4) return;
        int S = Industry.Count;
        var rng = new CounterRng((ulong)Config.Seed, RngStreams.Experiment, Step, p);
        int move = rng.NextInt(2 + LeverLayout.FixedLevers);
        double direction = rng.NextDouble() < 0.5 ? -1 : 1;
        var levers = prov.Levers(p);
        var old = prov.ExperimentOldLevers(p);
        levers.CopyTo(old);
        if (move < 2)
        {
            bool strategicGroup = move == 0;
            // Each lever steps by a share of its own range, as single levers do: the central cap narrows only the
            // non-strategic ones (sizing the group from one industry's range once shrank the strategic step to 0.024).
            for (int s = 0; s < S; s++)
            {
                if (Industry.OnPolicyList[s] != strategicGroup) continue;
                var (min, max) = LeverRange(s);
                levers[s] = Math.Clamp(levers[s] + direction * oc.ExperimentSize * (max - min), min, max);
            }
        }
        else
        {
            int lever = S + move - 2;
            var (min, max) = LeverRange(lever);
            double delta = direction * oc.ExperimentSize * (max - min);
            double proposed = Math.Clamp(levers[lever] + delta, min, max);
            if (proposed == levers[lever]) proposed = Math.Clamp(levers[lever] - delta, min, max);
            levers[lever] = proposed;
        }
        prov.ExperimentLever[p] = move;
        prov.ExperimentBaseline[p] = baseline;
    }

    /// <summary>
    /// Regression learning: estimate each lever's effect on the score (own rule) by ridge least squares over
    /// provinces and recent years, then move each lever along the estimated gradient. One random experiment
    /// per year keeps levers varied enough to estimate from.
    /// </summary>
    private void LearnByRegression(double[] scores, double[] gdpGrowth, double[] incomeGrowth, double[] debtRatio)
    {
        var prov = Provinces;
        var os = Officials;
        var oc = Config.Officials;
        int P = prov.Count, L = prov.LeverCount;
        int years = Math.Min(oc.RegressionYears, os.YearLevers.Count);
        var proposed = (double[])prov.LeverValues.Clone();
        if (years >= 1)
        {
            foreach (var rule in prov.Rule.Distinct().OrderBy(r => r))
            {
                // Rows: (year, province); levers at the start of that year, score under this rule over it.
                int rows = years * P;
                var x = Matrix<double>.Build.Dense(rows, L + 1);
                var y = Vector<double>.Build.Dense(rows);
                for (int yIndex = 0; yIndex < years; yIndex++)
                {
                    int year = os.YearLevers.Count - years + yIndex;
                    var levers = os.YearLevers[year];
                    var g = os.YearGdpGrowth[year + 1];
                    var inc = os.YearIncomeGrowth[year + 1];
                    var debt = os.YearDebtRatio[year + 1];
                    for (int p = 0; p < P; p++)
                    {
                        int r = yIndex * P + p;
                        x[r, 0] = 1;
                        for (int l = 0; l < L; l++) x[r, l + 1] = levers[p * L + l];
                        y[r] = ScoreUnder(rule, p, g, inc, debt);
                    }
                }
                var gradient = RidgeGradient(x, y);
                for (int p = 0; p < P; p++)
                {
                    if (prov.Rule[p] != rule) continue;
                    for (int l = 0; l < L; l++)
                    {
                        var (min, max) = LeverRange(l);
                        proposed[p * L + l] = Math.Clamp(proposed[p * L + l] + oc.RegressionStep * (max - min) * Math.Tanh(gradient[l]), min, max);
                    }
                }
            }
        }
        Array.Copy(proposed, prov.LeverValues, proposed.Length);
        for (int p = 0; p < P; p++)
        {
            prov.ExperimentLever[p] = -1;
            Experiment(p, TrackRecord(p, scores[p]));
            prov.ExperimentLever[p] = -1;
        }
    }

    /// <summary>Standardised ridge coefficients: effect of one standard deviation of each lever, in score standard deviations.</summary>
    private static double[] RidgeGradient(Matrix<double> x, Vector<double> y)
    {
        int n = x.RowCount, k = x.ColumnCount - 1;
        var result = new double[k];
        double yMean = y.Average();
        double ySd = Math.Sqrt(y.Sum(v => (v - yMean) * (v - yMean)) / Math.Max(1, n - 1));
        if (!(ySd > 0)) return result;
        var z = Matrix<double>.Build.Dense(n, k);
        var sd = new double[k];
        for (int l = 0; l < k; l++)
        {
            var column = x.Column(l + 1);
            double mean = column.Average();
            sd[l] = Math.Sqrt(column.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, n - 1));
            for (int r = 0; r < n; r++) z[r, l] = sd[l] > 0 ? (x[r, l + 1] - mean) / sd[l] : 0;
        }
        var yz = (y - yMean) / ySd;
        var gram = z.TransposeThisAndMultiply(z) + Matrix<double>.Build.DenseIdentity(k) * n * 0.1;
        var beta = gram.Solve(z.TransposeThisAndMultiply(yz));
        for (int l = 0; l < k; l++) result[l] = sd[l] > 0 ? beta[l] : 0;
        return result;
    }

    /// <summary>Year-end records; officials at the end of tenure are promoted (or retire) and replaced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecordYearAndPromote(double[] scores, double[] gdpGrowth, double[] incomeGrowth)
    {
        var prov = Provinces;
        var os = Officials;
        int P = prov.Count;
        double mean = scores.Average();
        double squares = 0;
        foreach (double s in scores) squares += (s - mean) * (s - mean);
        double sd = Math.Sqrt(squares / Math.Max(1, P - 1));
        int L = prov.LeverCount;
        for (int p = 0; p < P; p++)
        {
            string evt = "none";
            double probability = double.NaN;
            int officialId = (int)prov.OfficialId[p];
            int quarters = (int)prov.QuartersInOffice[p];
            if (prov.QuartersInOffice[p] >= Config.Officials.Tenure)
            {
                double z = sd > 0 ? (scores[p] - mean) / sd : 0;
                probability = 1 / (1 + Math.Exp(-Config.Officials.PromotionStrength * z));
                var rng = new CounterRng((ulong)Config.Seed, RngStreams.Promotion, Step, p);
                evt = rng.NextDouble() < probability ? "promoted" : "retired";
                // The successor inherits the levers (policy inertia) and the province's rule.
                prov.OfficialId[p] = os.NextOfficialId++;
                prov.QuartersInOffice[p] = 0;
                prov.OfficialYears[p] = 0;
                prov.OfficialScoreSum[p] = 0;
                prov.ExperimentLever[p] = -1;
            }
            // The record's levers live in a buffer reused every year end (records are valid until the next step).
            var levers = new ArraySegment<double>(os.RecordLevers, p * L, L);
            prov.Levers(p).CopyTo(levers);
            OfficialRecords.Add(new OfficialRecord(Step, p, officialId, prov.Rule[p], quarters, scores[p],
                gdpGrowth[p], incomeGrowth[p], evt, probability, levers));
        }
    }
}
