using AgentSim.Analysis;

namespace AgentSim.Tests.Analysis;

/// <summary><c>compare --latex</c>: the signature table as a LaTeX tabular.</summary>
public sealed class SignatureLatexTests
{
    [Fact]
    public void The_tabular_has_a_row_per_criterion_with_its_interval_in_the_indicators_unit_and_escapes_latex()
    {
        SignatureCheck[] checks =
        [
            new("S1a", "baseline strategic utilisation ends below 75%", "baseline", Indicators.StrategicUtilisationEnd, 0.725, 0.623, 0.828, true),
            new("S2b", "... with spells of 4+ quarters & more", "baseline", Indicators.LongestFallingSpell, 68, 45, 80, true),
            new("S4a", "pilot DiD > 0 (CI excludes 0)", "pilot_x", Indicators.PilotIncomeDid, -0.00034, -0.008, 0.007, false),
            new("C4", "inflation near zero (|x| <= 1% a quarter)", "baseline", Indicators.PpiInflationStart, -0.005, -0.006, -0.005, true),
        ];
        string tex = SignatureLatex.Write(checks, 10);

        Assert.Contains("\\begin{tabular}{lp{0.42\\linewidth}llc}", tex);
        Assert.Contains("($|$x$|$ $\\leq$ 1\\% a quarter)", tex);
        Assert.EndsWith("\\end{tabular}\n", tex);
        var rows = tex.Split('\n').Where(l => l.EndsWith("\\\\", StringComparison.Ordinal)).ToList();
        Assert.Equal(1 + checks.Length, rows.Count); // the header, then one row per criterion
        Assert.Contains("S1a & baseline strategic utilisation ends below 75\\% & baseline & 72.5\\% [62.3\\%, 82.8\\%] & yes \\\\", tex);
        Assert.Contains("4+ quarters \\& more", tex);
        Assert.Contains("68 quarters (shortest 45 quarters)", tex);
        Assert.Contains("pilot\\_x", tex);
        Assert.Contains("$>$ 0", tex);
        Assert.Contains("& no \\\\", tex);
        Assert.Contains("over 10 replicates", tex);
    }
}

/// <summary>docs/report.md lists every indicator exactly as the catalog defines it.</summary>
public sealed class IndicatorDocsTests
{
    [Fact]
    public void Docs_list_every_indicator_with_the_catalogs_label_unit_formula_and_window()
    {
        string docs = File.ReadAllText(Path.Combine(AgentSim.Tests.Runs.RunFixtures.RepositoryRoot, "docs", "report.md"));
        string table = IndicatorCatalog.MarkdownTable();
        Assert.True(docs.Contains(table, StringComparison.Ordinal), "docs/report.md's indicator table differs from IndicatorCatalog; paste this:\n" + table);
    }
}
