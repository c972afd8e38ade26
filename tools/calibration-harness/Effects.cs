// Causal effect of one lever move on the officials' scores, by common random numbers: two runs with the same
// seed, levers frozen after the move (no experiments, no imitation); at step `at` half the provinces get the move.
//   tools/calibration-harness/run.sh effect [firms] [seeds] [at]
using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.State;

static class Effects
{
    public static void Run(Func<int, SimulationConfig> scenario, IReadOnlyList<ProvinceRow> rows, int seeds, int at)
    {
        string[] moves = ["capex strategic", "capex other", "production subsidy", "bailout", "welfare", "credit easing"];
        int[] horizons = [3, 7, 15, 31];
        var results = new double[moves.Length, seeds, horizons.Length, 2];
        var noise = new double[seeds, 2];
        Parallel.For(0, moves.Length * seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, job =>
        {
            int m = job / seeds, seed = job % seeds;
            var cfg = scenario(seed + 1);
            cfg.Officials.ExperimentSize = 0;
            cfg.Mechanisms.LeverImitation = false;
            cfg.Threads = 1;
            var (gc, ic) = Path(cfg, rows, at, -1);
            var (gt, it) = Path(cfg, rows, at, m);
            int P = rows.Count;
            for (int h = 0; h < horizons.Length; h++)
            {
                int q = at + horizons[h];
                double dg = 0, di = 0; int n = 0;
                for (int p = 0; p < P; p += 2)
                {
                    dg += Growth(gt, q, p, P) - Growth(gc, q, p, P);
                    di += Growth(it, q, p, P) - Growth(ic, q, p, P);
                    n++;
                }
                // Relative to peers: the untreated half moves too (spillover), so subtract it.
                double dgo = 0, dio = 0; int no = 0;
                for (int p = 1; p < P; p += 2)
                {
                    dgo += Growth(gt, q, p, P) - Growth(gc, q, p, P);
                    dio += Growth(it, q, p, P) - Growth(ic, q, p, P);
                    no++;
                }
                results[m, seed, h, 0] = dg / n - dgo / no;
                results[m, seed, h, 1] = di / n - dio / no;
            }
            if (m == 0)
            {
                // Noise an experiment faces: s.d. over provinces and years of the change in a province's relative growth.
                for (int k = 0; k < 2; k++)
                {
                    var x = k == 0 ? gc : ic;
                    var diffs = new List<double>();
                    for (int q = at + 4; q + 4 < x.Length / P; q += 4)
                        for (int p = 0; p < P; p++)
                            diffs.Add(Relative(x, q + 4, p, P) - Relative(x, q, p, P));
                    double mean = diffs.Average();
                    noise[seed, k] = Math.Sqrt(diffs.Sum(d => (d - mean) * (d - mean)) / (diffs.Count - 1));
                }
            }
        });
        Console.WriteLine($"effect of a move of 0.2 x range on half the provinces at step {at}, relative to the other half (log growth over 4 quarters vs the 4 before)");
        for (int m = 0; m < moves.Length; m++)
            for (int k = 0; k < 2; k++)
            {
                var line = $"{moves[m],-20} {(k == 0 ? "gdp   " : "income")}";
                for (int h = 0; h < horizons.Length; h++)
                {
                    var v = Enumerable.Range(0, seeds).Select(s => results[m, s, h, k]).ToArray();
                    double mean = v.Average(), sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, seeds - 1));
                    line += $"  +{horizons[h],2}q: {mean,9:F5} ({sd / Math.Sqrt(seeds):F5})";
                }
                Console.WriteLine(line);
            }
        Console.WriteLine($"noise (s.d. of year-on-year change in a province's relative growth): gdp {Enumerable.Range(0, seeds).Average(s => noise[s, 0]):F5}  income {Enumerable.Range(0, seeds).Average(s => noise[s, 1]):F5}");
    }

    static double Growth(double[] x, int q, int p, int P)
    {
        double recent = 0, earlier = 0;
        for (int j = 0; j < 4; j++) { recent += x[(q - j) * P + p]; earlier += x[(q - 4 - j) * P + p]; }
        return Math.Log(recent / earlier);
    }

    static double Relative(double[] x, int q, int p, int P)
    {
        double sum = 0;
        for (int o = 0; o < P; o++) if (o != p) sum += Growth(x, q, o, P);
        return Growth(x, q, p, P) - sum / (P - 1);
    }

    static (double[] Gdp, double[] Income) Path(SimulationConfig cfg, IReadOnlyList<ProvinceRow> rows, int at, int move)
    {
        using var sim = new Simulation(cfg, rows, 1);
        sim.RunBurnIn();
        int P = rows.Count, S = sim.Industry.Count, L = S + LeverLayout.FixedLevers;
        var gdp = new double[cfg.Steps * P];
        var income = new double[cfg.Steps * P];
        while (sim.Step < cfg.Steps)
        {
            int step = sim.Step;
            if (step == at && move >= 0)
            {
                for (int p = 0; p < P; p += 2)
                {
                    var lv = sim.Provinces.LeverValues;
                    if (move < 2)
                    {
                        for (int s = 0; s < S; s++)
                            if (sim.Industry.Strategic[s] == (move == 0)) lv[p * L + s] += 0.2 * (move == 0 ? 0.4 : 0.12);
                    }
                    else
                    {
                        double range = (move - 2) switch { 0 => 0.08, 1 => 1.0, 2 => 0.45, _ => 1.0 };
                        lv[p * L + S + move - 2] += 0.2 * range;
                    }
                }
            }
            sim.Advance();
            for (int p = 0; p < P; p++)
            {
                gdp[step * P + p] = sim.Provinces.GdpRealForScore[p];
                income[step * P + p] = sim.Provinces.IncomePerCapitaReal[p];
            }
        }
        return (gdp, income);
    }
}

static class Budget
{
    // National local-budget items as % of GDP every 8 quarters: where local money goes.
    public static void Run(SimulationConfig cfg, IReadOnlyList<ProvinceRow> rows)
    {
        using var sim = new Simulation(cfg, rows, 1);
        sim.RunBurnIn();
        var pr = sim.Provinces;
        while (sim.Step < cfg.Steps)
        {
            int step = sim.Step;
            sim.Advance();
            if (step % 8 != 0 && step != cfg.Steps - 1) continue;
            double Sum(double[] x) => x.Take(pr.Count).Sum();
            double gdp = Sum(pr.GdpExpenditure);
            string F(string name, double[] x) => $"{name}={100 * Sum(x) / gdp:F2}";
            Console.WriteLine($"t={step,3} " + string.Join(" ", F("rev", pr.LocalRevenue), F("land", pr.LandSales), F("capexSubL", pr.CapexSubsidiesLocal),
                F("capexSubC", pr.CapexSubsidiesCentral), F("prodSub", pr.ProductionSubsidies), F("dirDisc", pr.DirectedCreditDiscount), F("bail", pr.Bailouts),
                F("lgfv", pr.LgfvLosses), F("interest", pr.LocalInterest), F("welfare", pr.Welfare), F("G", pr.GovernmentConsumption),
                F("infra", pr.Infrastructure), F("hhIncome", pr.HouseholdIncome), F("firmCapex", pr.FirmCapex)));
        }
    }
}
