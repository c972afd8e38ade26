// Calibration harness for AgentSim: runs the five shipped scenarios over several seeds and checks the
// signature results of MODEL.md section 6 (S1-S6) and the initial calibration bands.
//
//   dotnet run -c Release --project tools/calibration-harness -- eval [firms=20000] [seeds=10] [firstSeed=1]
//   dotnet run -c Release --project tools/calibration-harness -- trace [firms] [scenario] [seed]
//
// Scenarios are loaded from configs/*.yaml; SETS="key=value;..." applies overrides to every run.
using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.State;

string mode = args.Length > 0 ? args[0] : "eval";
string provincesCsv = FindProvincesFile();
var rows = ProvinceData.Load(provincesCsv);

if (mode == "configdoc") { Console.Write(ConfigSchema.ToMarkdown()); return; }

if (mode == "trace")
{
    var cfg = Scenario(args.Length > 2 ? args[2] : "baseline", args.Length > 1 ? int.Parse(args[1]) : 20000, args.Length > 3 ? int.Parse(args[3]) : 1);
    Trace(cfg, rows);
    return;
}

if (mode == "budget")
{
    Budget.Run(Scenario(args.Length > 2 ? args[2] : "baseline", args.Length > 1 ? int.Parse(args[1]) : 20000, 1), rows);
    return;
}

if (mode == "effect")
{
    int effectFirms = args.Length > 1 ? int.Parse(args[1]) : 20000;
    Effects.Run(seed => Scenario(args.Length > 4 ? args[4] : "baseline", effectFirms, seed), rows,
        args.Length > 2 ? int.Parse(args[2]) : 4, args.Length > 3 ? int.Parse(args[3]) : 20);
    return;
}

int firms = args.Length > 1 ? int.Parse(args[1]) : 20000;
int seeds = args.Length > 2 ? int.Parse(args[2]) : 10;
int firstSeed = args.Length > 3 ? int.Parse(args[3]) : 1;
string[] scenarios = ["baseline", "household-income", "pilot", "eu-ev-tariff", "trade-in"];
var results = new Dictionary<(string, int), RunRecord>();
var watch = System.Diagnostics.Stopwatch.StartNew();
var jobs = (from seed in Enumerable.Range(firstSeed, seeds) from sc in scenarios select (sc, seed)).ToArray();
var records = new RunRecord[jobs.Length];
// One thread per run, runs in parallel (results do not depend on threads).
Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
    j => records[j] = RunRecord.Run(Scenario(jobs[j].sc, firms, jobs[j].seed), rows));
for (int j = 0; j < jobs.Length; j++) results[jobs[j]] = records[j];
Console.WriteLine($"{results.Count} runs in {watch.Elapsed.TotalSeconds:F1}s ({firms} firms)");
Evaluate(results, scenarios, Enumerable.Range(firstSeed, seeds).ToArray());

// The shipped scenario files, with firms and seed set and any "key=value" overrides from the SETS
// environment variable (separated by ';'), e.g. SETS="firm_behaviour.utilisation_floor=0.6".
static SimulationConfig Scenario(string name, int firms, int seed)
{
    var overrides = new List<string> { $"firms={firms}", $"seed={seed}" };
    var sets = Environment.GetEnvironmentVariable("SETS");
    if (!string.IsNullOrWhiteSpace(sets)) overrides.AddRange(sets.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    string file = Path.Combine(Path.GetDirectoryName(FindProvincesFile())!, "..", $"{name}.yaml");
    return ConfigLoader.Load(file, overrides).Config;
}

static string FindProvincesFile()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "configs", "data", "provinces.csv");
            if (File.Exists(candidate)) return candidate;
        }
    }
    throw new FileNotFoundException("configs/data/provinces.csv not found above the working directory");
}

static void Evaluate(Dictionary<(string, int), RunRecord> r, string[] scenarios, int[] seeds)
{
    int n = seeds.Length;
    int last = r[("baseline", seeds[0])].Steps - 1;
    double Last4(double[] x) => (x[last] + x[last - 1] + x[last - 2] + x[last - 3]) / 4;
    var lines = new List<string>();
    void Crit(string label, Func<int, double> value, Func<double, bool> pass, string format = "F3")
    {
        var v = seeds.Select(value).ToArray();
        int passes = v.Count(pass);
        double mean = v.Average();
        lines.Add($"{label,-58} mean={mean.ToString(format),9}  [{string.Join(" ", v.Select(x => x.ToString(format)))}]  pass {passes}/{n}{(passes >= n - 1 ? "" : "  <-- FAIL")}");
    }
    void Info(string label, Func<int, double> value, string format = "F3")
    {
        var v = seeds.Select(value).ToArray();
        lines.Add($"{label,-58} mean={v.Average().ToString(format),9}  [{string.Join(" ", v.Select(x => x.ToString(format)))}]");
    }
    RunRecord B(int s) => r[("baseline", s)];
    RunRecord H(int s) => r[("household-income", s)];
    RunRecord Pi(int s) => r[("pilot", s)];
    RunRecord T(int s) => r[("eu-ev-tariff", s)];
    RunRecord Tr(int s) => r[("trade-in", s)];

    lines.Add("--- initial state (step 0, baseline)");
    Crit("I0 consumption share 0.38-0.41", s => B(s).C[0], v => v >= 0.38 && v <= 0.41);
    Crit("I0 investment share 0.40-0.45", s => B(s).I[0], v => v >= 0.40 && v <= 0.45);
    Crit("I0 utilisation (all) 0.73-0.78", s => B(s).UAll[0], v => v >= 0.73 && v <= 0.78);
    Crit("I0 mean |PPI change| q0-3, per quarter <= 0.01", s => Enumerable.Range(0, 4).Average(t => Math.Abs(B(s).Ppi[t] / (t == 0 ? B(s).PpiStart : B(s).Ppi[t - 1]) - 1)), v => v <= 0.01, "F4");
    Info("   PPI change q0-3 (per quarter, signed)", s => Math.Pow(B(s).Ppi[3] / B(s).PpiStart, 0.25) - 1, "F4");
    Info("   uS / uO at step 0", s => B(s).US[0]);
    Info("   uO at step 0", s => B(s).UO[0]);

    lines.Add("--- S1 overbuilding");
    Crit("S1a baseline uS last4 < 0.75", s => Last4(B(s).US), v => v < 0.75);
    Crit("S1b baseline uO - uS last4 >= 0.05", s => Last4(B(s).UO) - Last4(B(s).US), v => v >= 0.05);
    Crit("S1c HH uS - baseline uS last4 >= 0.05", s => Last4(H(s).US) - Last4(B(s).US), v => v >= 0.05);
    Info("   baseline uO last4", s => Last4(B(s).UO));
    Info("   HH uS last4", s => Last4(H(s).US));
    Info("   HH uO last4", s => Last4(H(s).UO));
    foreach (var (name, which) in new[] { ("strategic capex", RunRecord.LeverCapexStrategic), ("credit easing", RunRecord.LeverCredit),
                                          ("bailout", RunRecord.LeverBailout), ("welfare", RunRecord.LeverWelfare) })
    {
        Info($"   levers at end, {name}: baseline", s => B(s).EndLever(which));
        Info($"   levers at end, {name}: HH", s => H(s).EndLever(which));
    }

    lines.Add("--- S2 price wars");
    Crit("S2a baseline strategic PPI change over horizon <= -0.15", s => B(s).PpiS[last] / B(s).PpiSStart - 1, v => v <= -0.15);
    Crit("S2b longest spell of falling strategic PPI >= 4", s => LongestFall(B(s).PpiS, B(s).PpiSStart), v => v >= 4, "F0");
    Crit("S2c baseline strategic margin last4 |m| <= 0.05", s => B(s).MarginSLast4, v => Math.Abs(v) <= 0.05);
    Crit("S2d zombie share end baseline - HH > 0", s => B(s).Zombie[last] - H(s).Zombie[last], v => v > 0, "F4");
    Info("   baseline zombie share end", s => B(s).Zombie[last], "F4");
    Info("   HH zombie share end", s => H(s).Zombie[last], "F4");
    Info("   HH strategic margin last4", s => H(s).MarginSLast4);

    lines.Add("--- S3 consumption");
    Crit("S3a C share step 0 in 0.38-0.41", s => B(s).C[0], v => v >= 0.38 && v <= 0.41);
    Crit("S3b HH - baseline C share last4 >= 0.05", s => Last4(H(s).C) - Last4(B(s).C), v => v >= 0.05);
    Info("   baseline C share last4", s => Last4(B(s).C));
    Info("   baseline I share last4", s => Last4(B(s).I));

    lines.Add("--- S4 pilot");
    int sw = 20;
    RunRecord.PlaceboPilots = Pi(seeds[0]).Pilot;
    double DiD(RunRecord x) => x.IncomeGrowthDiD(sw, 20);
    var did = seeds.Select(s => DiD(Pi(s))).ToArray();
    double dm = did.Average(), dsd = Math.Sqrt(did.Sum(v => (v - dm) * (v - dm)) / Math.Max(1, n - 1));
    double tcrit = n >= 30 ? 1.96 : new[] { 12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.20, 2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.10, 2.09, 2.09, 2.08, 2.07, 2.07, 2.06, 2.06, 2.06, 2.05, 2.05, 2.05 }[Math.Max(0, n - 2)];
    double half = tcrit * dsd / Math.Sqrt(n);
    lines.Add($"{"S4a DiD income growth (pilot-non, after-before), per quarter",-58} mean={dm:E2} 95% CI=[{dm - half:E2}, {dm + half:E2}] {(dm - half > 0 ? "pass" : "  <-- FAIL")}");
    Info("   per-replicate DiD", s => DiD(Pi(s)), "E2");
    Info("   same DiD in baseline (placebo)", s => DiD(B(s)), "E2");
    Crit("S4b pilot capex subsidy DiD (after-before) < 0", s => Pi(s).LeverDiD(sw, RunRecord.LeverCapexMean), v => v < 0);
    Info("   pilot capex subsidy spending / GDP DiD", s => Pi(s).SpendDiD(sw, Pi(s).CapexSpend), "E2");
    Info("   pilot bailout spending / GDP DiD", s => Pi(s).SpendDiD(sw, Pi(s).BailoutSpend), "E2");
    Crit("S4c pilot bailout propensity DiD < 0", s => Pi(s).LeverDiD(sw, RunRecord.LeverBailout), v => v < 0);
    Info("   pilot welfare DiD", s => Pi(s).LeverDiD(sw, RunRecord.LeverWelfare));
    Info("   pilot strategic capex DiD", s => Pi(s).LeverDiD(sw, RunRecord.LeverCapexStrategic));
    Info("   spillover: non-pilot income growth after, pilot - baseline", s => Pi(s).GroupGrowth(false, sw, sw + 20) - B(s).GroupGrowth(false, sw, sw + 20), "E2");

    lines.Add("--- S5 EU EV tariff (steps 24-31 vs baseline)");
    int ev = B(seeds[0]).IndustryIndex("ev");
    Crit("S5a EV exports tariff/baseline mean 24-31 < 1", s => Mean(T(s).Exports[ev], 24, 31) / Mean(B(s).Exports[ev], 24, 31), v => v < 1);
    Crit("S5a' EV exports step 24 < step 23 (own path)", s => T(s).Exports[ev][24] / T(s).Exports[ev][23], v => v < 1);
    Crit("S5b EV price change 23->31, tariff - baseline < 0", s => Math.Log(T(s).Price[ev][31] / T(s).Price[ev][23]) - Math.Log(B(s).Price[ev][31] / B(s).Price[ev][23]), v => v < 0, "F4");
    Crit("S5c EV utilisation 24-31, tariff - baseline < 0", s => Mean(T(s).Util[ev], 24, 31) - Mean(B(s).Util[ev], 24, 31), v => v < 0, "F4");

    lines.Add("--- S6 trade-in (EV + appliances demand)");
    int ap = B(seeds[0]).IndustryIndex("appliances");
    double Dem(RunRecord x, int a, int b) => Mean(x.Demand[ev], a, b) + Mean(x.Demand[ap], a, b);
    Crit("S6a demand 24-27 trade-in/baseline > 1", s => Dem(Tr(s), 24, 27) / Dem(B(s), 24, 27), v => v > 1, "F4");
    Crit("S6b demand 28-35 trade-in/baseline < 1", s => Dem(Tr(s), 28, 35) / Dem(B(s), 28, 35), v => v < 1, "F4");

    lines.Add("--- identities (max over all runs)");
    lines.Add($"   max |GDP exp - VA|/GDP = {r.Values.Max(x => x.MaxGdpErr):E1}, max |sum net lending|/GDP = {r.Values.Max(x => x.MaxNl):E1}");
    foreach (var l in lines) Console.WriteLine(l);
}

static double Mean(double[] x, int a, int b) { double s = 0; for (int t = a; t <= b; t++) s += x[t]; return s / (b - a + 1); }

static int LongestFall(double[] x, double start)
{
    int best = 0, run = 0; double prev = start;
    foreach (var v in x) { run = v < prev ? run + 1 : 0; best = Math.Max(best, run); prev = v; }
    return best;
}

static void Trace(SimulationConfig cfg, IReadOnlyList<ProvinceRow> rows)
{
    using var sim = new Simulation(cfg, rows, 0);
    var n = sim.Nation; var ind = sim.Industries;
    while (sim.Step < cfg.Steps)
    {
        int st = sim.Step;
        sim.Advance();
        if (st % 4 == 3 || st < 0 || st == 0)
        {
            double strU = 0, strC = 0, oU = 0, oC = 0;
            for (int s = 0; s < ind.Count; s++) { if (sim.Industry.Strategic[s]) { strU += ind.Output[s]; strC += ind.Capacity[s]; } else { oU += ind.Output[s]; oC += ind.Capacity[s]; } }
            double margin = 0, rev = 0; for (int s = 0; s < ind.Count; s++) if (sim.Industry.Strategic[s]) { margin += ind.Profit[s]; rev += ind.Revenue[s]; }
            double firmsAlive = ind.Firms.Sum(), z = ind.Zombies.Sum();
            var lv = sim.Provinces.LeverValues; int L = sim.Provinces.LeverCount; int S = ind.Count; int P = sim.Provinces.Count;
            double capexStr = 0, capexOth = 0, welfare = 0, prod = 0, bail = 0, cred = 0;
            for (int p = 0; p < P; p++)
            {
                int ns = 0, no = 0; double cs = 0, co = 0;
                for (int s = 0; s < S; s++) if (sim.Industry.Strategic[s]) { cs += lv[p * L + s]; ns++; } else { co += lv[p * L + s]; no++; }
                capexStr += cs / Math.Max(1, ns); capexOth += co / Math.Max(1, no);
                prod += lv[p * L + S]; bail += lv[p * L + S + 1]; welfare += lv[p * L + S + 2]; cred += lv[p * L + S + 3];
            }
            double gdpDiff = 0; for (int p = 0; p < P; p++) gdpDiff = Math.Max(gdpDiff, Math.Abs(sim.Provinces.GdpExpenditure[p] - sim.Provinces.GdpValueAdded[p]) / sim.Provinces.GdpExpenditure[p]);
            double nlsum = n.NetLendingHouseholds + n.NetLendingFirms + n.NetLendingServicesAndConstruction + n.NetLendingBanks + n.NetLendingLocalGovernments + n.NetLendingCentralGovernment + n.NetLendingRestOfWorld;
            double debt = sim.Provinces.LocalDebt.Sum() / (4 * n.Gdp);
            if (Environment.GetEnvironmentVariable("IND") == "1" && st % 8 == 7)
                for (int s = 0; s < ind.Count; s++)
                {
                    // Capital-weighted investment terms of the industry's firms (as in FirmKernels).
                    var f = sim.Firms; var fb = cfg.FirmBehaviour; double w = 0; var term = new double[5]; int Lc = sim.Provinces.LeverCount;
                    for (int i = 0; i < f.Count; i++)
                    {
                        if (f.Alive[i] == 0 || f.Industry[i] != s) continue;
                        double k = f.Capacity[i]; w += k; int p = f.Province[i];
                        double sub = sim.Provinces.LeverValues[p * Lc + s];
                        bool soft = f.StateOwned[i] != 0 || sub >= fb.TargetIndustrySubsidy;
                        term[0] += k * fb.InvestmentUtilisation * (f.SmoothedUtilisation[i] - fb.TargetUtilisation);
                        term[1] += k * fb.InvestmentProfit * (f.SmoothedProfitRate[i] - fb.LoanRate);
                        term[2] += k * fb.InvestmentSubsidy * sub;
                        term[3] += k * (soft ? fb.InvestmentCredit * sim.Provinces.LeverValues[p * Lc + ind.Count + 3] : 0);
                    }
                    Console.WriteLine($"     {sim.Industry.Names[s],-11} terms: u={term[0] / w:F4} r={term[1] / w:F4} sub={term[2] / w:F4} cred={term[3] / w:F4} gExp={ind.ExpectedDemandGrowth[s]:F4} entryK={ind.Entries[s] * ind.MeanCapacityPerFirm[s] * cfg.EntryExit.EntrantRelativeSize / ind.Capacity[s]:F4}");
                    Console.WriteLine($"     {sim.Industry.Names[s],-11} K={ind.Capacity[s]:F0} sales={ind.Sales[s]:F0} u={ind.Output[s] / ind.Capacity[s]:F3} ordered={ind.CapacityOrdered[s] / ind.Capacity[s]:F4} entries={ind.Entries[s]} exits={ind.Exits[s]} gExp={ind.ExpectedDemandGrowth[s]:F4} P={ind.PriceIndex[s]:F3} r={ind.ProfitRateSum[s] / ind.Firms[s]:F4} m={ind.Profit[s] / ind.Revenue[s]:F3} inv/out={ind.Inventory[s] / ind.Output[s]:F2}");
                }
            Console.WriteLine($"t={st,3} gdp={n.Gdp:F0} C={n.Consumption / n.Gdp:F3} I={n.Investment / n.Gdp:F3} G={n.GovernmentConsumption / n.Gdp:F3} NX={n.NetExports / n.Gdp:F3} uS={strU / strC:F3} uO={oU / oC:F3} PPI={n.ProducerPriceIndex:F3} PPIs={n.StrategicPriceIndex:F3} PPIo={n.NonStrategicPriceIndex:F3} mS={margin / rev:F3} firms={firmsAlive} zomb={z / firmsAlive:F3} capS={capexStr / P:F3} capO={capexOth / P:F3} welf={welfare / P:F3} prod={prod / P:F3} bail={bail / P:F3} cred={cred / P:F3} c={sim.Provinces.PropensityToConsume.Average():F3} debt={debt:F2} err={gdpDiff:E0} nl={nlsum / n.Gdp:E0}");
        }
    }
    for (int s = 0; s < ind.Count; s++) Console.WriteLine($"{sim.Industry.Names[s],-12} u={ind.Output[s] / ind.Capacity[s]:F3} P={ind.PriceIndex[s]:F3} firms={ind.Firms[s]} zomb={ind.Zombies[s]} margin={ind.Profit[s] / ind.Revenue[s]:F3} exp={ind.Exports[s]:F1} dom={ind.Sales[s] - ind.Exports[s]:F1} inv/out={ind.Inventory[s] / ind.Output[s]:F2} markup={ind.MarkupSum[s] / ind.Firms[s]:F3}");
}

/// <summary>What one run records per step (after the burn-in) for the criteria.</summary>
sealed class RunRecord
{
    public int Steps;
    public double[] C = [], I = [], UAll = [], US = [], UO = [], Ppi = [], PpiS = [], Zombie = [];
    public double PpiStart, PpiSStart, MarginSLast4, MaxGdpErr, MaxNl;
    public double[][] Exports = [], Price = [], Util = [], Demand = [];
    public double[][] IncomePc = [];   // [step][province] real per-capita income
    public double[][] Levers = [];     // [step][province * L + lever]
    public double[][] CapexSpend = [], BailoutSpend = [];  // [step][province] local capex subsidies, bailouts / GDP
    public bool[] Pilot = [];
    public string[] IndustryNames = [];
    public bool[] Strategic = [];
    public int LeverCount, IndustryCount;

    public int IndustryIndex(string name) => Array.IndexOf(IndustryNames, name);

    public static RunRecord Run(SimulationConfig cfg, IReadOnlyList<ProvinceRow> rows)
    {
        using var sim = new Simulation(cfg, rows, 1);
        var rec = new RunRecord { Steps = cfg.Steps };
        int T = cfg.Steps, S = sim.Industry.Count, P = sim.Provinces.Count;
        rec.IndustryCount = S; rec.LeverCount = sim.Provinces.LeverCount;
        rec.IndustryNames = Enumerable.Range(0, S).Select(s => sim.Industry.Names[s]).ToArray();
        rec.Strategic = Enumerable.Range(0, S).Select(s => sim.Industry.Strategic[s]).ToArray();
        rec.Pilot = (bool[])sim.Provinces.IsPilot.Clone();
        rec.C = new double[T]; rec.I = new double[T]; rec.UAll = new double[T]; rec.US = new double[T]; rec.UO = new double[T];
        rec.Ppi = new double[T]; rec.PpiS = new double[T]; rec.Zombie = new double[T];
        rec.Exports = Enumerable.Range(0, S).Select(_ => new double[T]).ToArray();
        rec.Price = Enumerable.Range(0, S).Select(_ => new double[T]).ToArray();
        rec.Util = Enumerable.Range(0, S).Select(_ => new double[T]).ToArray();
        rec.Demand = Enumerable.Range(0, S).Select(_ => new double[T]).ToArray();
        rec.IncomePc = new double[T + 1][];
        rec.Levers = new double[T][];
        rec.CapexSpend = new double[T][]; rec.BailoutSpend = new double[T][];
        var n = sim.Nation; var ind = sim.Industries; var prov = sim.Provinces;
        double profitS = 0, revenueS = 0;
        while (sim.Step < T)
        {
            int st = sim.Step;
            sim.Advance();
            double err = 0;
            for (int p = 0; p < P; p++) err = Math.Max(err, Math.Abs(prov.GdpExpenditure[p] - prov.GdpValueAdded[p]) / prov.GdpExpenditure[p]);
            double nl = n.NetLendingHouseholds + n.NetLendingFirms + n.NetLendingServicesAndConstruction + n.NetLendingBanks + n.NetLendingLocalGovernments + n.NetLendingCentralGovernment + n.NetLendingRestOfWorld;
            rec.MaxGdpErr = Math.Max(rec.MaxGdpErr, err);
            rec.MaxNl = Math.Max(rec.MaxNl, Math.Abs(nl / n.Gdp));
            if (st == -1)
            {
                rec.PpiStart = n.ProducerPriceIndex; rec.PpiSStart = n.StrategicPriceIndex;
                rec.IncomePc[0] = (double[])prov.IncomePerCapitaReal.Clone();
            }
            if (st < 0) continue;
            rec.IncomePc[st + 1] = (double[])prov.IncomePerCapitaReal.Clone();
            rec.Levers[st] = (double[])prov.LeverValues.Clone();
            rec.CapexSpend[st] = Enumerable.Range(0, P).Select(p => prov.CapexSubsidiesLocal[p] / prov.GdpExpenditure[p]).ToArray();
            rec.BailoutSpend[st] = Enumerable.Range(0, P).Select(p => prov.Bailouts[p] / prov.GdpExpenditure[p]).ToArray();
            double so = 0, sc = 0, oo = 0, oc = 0;
            for (int s = 0; s < S; s++)
            {
                if (rec.Strategic[s]) { so += ind.Output[s]; sc += ind.Capacity[s]; } else { oo += ind.Output[s]; oc += ind.Capacity[s]; }
                rec.Exports[s][st] = ind.Exports[s];
                rec.Price[s][st] = ind.PriceIndex[s];
                rec.Util[s][st] = ind.Capacity[s] > 0 ? ind.Output[s] / ind.Capacity[s] : 0;
                rec.Demand[s][st] = ind.Demand[s];
                if (rec.Strategic[s] && st >= T - 4) { profitS += ind.Profit[s]; revenueS += ind.Revenue[s]; }
            }
            rec.C[st] = n.Consumption / n.Gdp; rec.I[st] = n.Investment / n.Gdp;
            rec.US[st] = so / sc; rec.UO[st] = oo / oc; rec.UAll[st] = (so + oo) / (sc + oc);
            rec.Ppi[st] = n.ProducerPriceIndex; rec.PpiS[st] = n.StrategicPriceIndex;
            rec.Zombie[st] = ind.Zombies.Sum() / ind.Firms.Sum();
        }
        rec.MarginSLast4 = profitS / revenueS;
        return rec;
    }

    /// <summary>Mean over provinces of the group of mean quarterly log growth of real per-capita income between two steps.</summary>
    public double GroupGrowth(bool pilot, int fromStep, int toStep)
    {
        // IncomePc[k] is the value at the end of step k-1 (IncomePc[0]: end of burn-in).
        double sum = 0; int count = 0;
        for (int p = 0; p < Pilot.Length; p++)
        {
            if (Pilot[p] != pilot) continue;
            sum += Math.Log(IncomePc[toStep][p] / IncomePc[fromStep][p]) / (toStep - fromStep);
            count++;
        }
        return count > 0 ? sum / count : double.NaN;
    }

    /// <summary>Pilot-vs-non-pilot difference in income growth, the `window` quarters after the switch minus the `window` before.</summary>
    public double IncomeGrowthDiD(int switchStep, int window)
    {
        // Without pilots (placebo on another scenario), use the pilot scenario's provinces.
        bool[] groups = Pilot.Any(x => x) ? Pilot : PlaceboPilots ?? Pilot;
        double G(bool g, int a, int b)
        {
            double sum = 0; int count = 0;
            for (int p = 0; p < groups.Length; p++) { if (groups[p] != g) continue; sum += Math.Log(IncomePc[b][p] / IncomePc[a][p]) / (b - a); count++; }
            return sum / count;
        }
        int lo = Math.Max(0, switchStep - window), hi = Math.Min(Steps, switchStep + window);
        return (G(true, switchStep, hi) - G(true, lo, switchStep)) - (G(false, switchStep, hi) - G(false, lo, switchStep));
    }

    public static bool[]? PlaceboPilots;

    public const int LeverCapexMean = -1, LeverCapexStrategic = -2, LeverBailout = -3, LeverWelfare = -4, LeverCredit = -5;

    /// <summary>Mean over provinces of one lever at the last step.</summary>
    public double EndLever(int which)
    {
        double sum = 0;
        for (int p = 0; p < Pilot.Length; p++) sum += LeverValue(Steps - 1, p, which);
        return sum / Pilot.Length;
    }

    double LeverValue(int step, int p, int which)
    {
        var lv = Levers[step]; int L = LeverCount, S = IndustryCount;
        switch (which)
        {
            case LeverCapexMean: { double s = 0; for (int i = 0; i < S; i++) s += lv[p * L + i]; return s / S; }
            case LeverCapexStrategic: { double s = 0; int c = 0; for (int i = 0; i < S; i++) if (Strategic[i]) { s += lv[p * L + i]; c++; } return s / c; }
            case LeverBailout: return lv[p * L + S + 1];
            case LeverWelfare: return lv[p * L + S + 2];
            case LeverCredit: return lv[p * L + S + 3];
            default: return lv[p * L + which];
        }
    }

    /// <summary>(pilot mean over steps after the switch - pilot at the switch) - the same for non-pilots.</summary>
    /// <summary>DiD of a spending share of GDP: pilots minus non-pilots, mean after the switch minus the 8 quarters before.</summary>
    public double SpendDiD(int switchStep, double[][] x)
    {
        double Group(bool g, int a, int b)
        {
            double sum = 0; int count = 0;
            for (int t = a; t <= b; t++)
                for (int p = 0; p < Pilot.Length; p++) if (Pilot[p] == g) { sum += x[t][p]; count++; }
            return sum / count;
        }
        return (Group(true, switchStep, Steps - 1) - Group(true, switchStep - 8, switchStep - 1))
               - (Group(false, switchStep, Steps - 1) - Group(false, switchStep - 8, switchStep - 1));
    }

    public double LeverDiD(int switchStep, int which)
    {
        double Group(bool g, int a, int b)
        {
            double sum = 0; int count = 0;
            for (int t = a; t <= b; t++)
                for (int p = 0; p < Pilot.Length; p++) if (Pilot[p] == g) { sum += LeverValue(t, p, which); count++; }
            return sum / count;
        }
        int before = switchStep - 1;
        return (Group(true, switchStep, Steps - 1) - Group(true, before, before)) - (Group(false, switchStep, Steps - 1) - Group(false, before, before));
    }
}
