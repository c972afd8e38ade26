using System.Globalization;
using System.Text;

namespace AgentSim.Analysis;

/// <summary>
/// The signature table of a comparison as a LaTeX <c>tabular</c> (booktabs rules), for <c>compare --latex</c>: one
/// row per criterion with its scenario, the indicator's value and 95% interval in the indicator's display unit, and
/// whether it holds. Needs only <c>\usepackage{booktabs}</c>.
/// </summary>
public static class SignatureLatex
{
    public const string FileName = "signature.tex";

    public static string Write(IReadOnlyList<SignatureCheck> checks, int replicates)
    {
        var c = CultureInfo.InvariantCulture;
        var tex = new StringBuilder();
        tex.Append("% Signature results (MODEL.md section 6) and calibration bands, written by agentsim compare --latex.\n");
        tex.Append(string.Create(c, $"% Values: mean over {replicates} replicates [95% Student-t interval]; S2b: mean (shortest spell over replicates).\n"));
        // The criterion column wraps (p{}); the others stay on one line.
        tex.Append("\\begin{tabular}{lp{0.42\\linewidth}llc}\n\\toprule\n");
        tex.Append("Id & Criterion & Scenario & Value [95\\% CI] & Holds \\\\\n\\midrule\n");
        foreach (var check in checks)
        {
            string value = check.Id == "S2b"
                ? $"{IndicatorCatalog.FormatValue(check.Measure, check.Mean)} (shortest {IndicatorCatalog.FormatValue(check.Measure, check.Low)})"
                : IndicatorCatalog.FormatInterval(check.Measure, check.Mean, check.Low, check.High);
            tex.Append($"{Escape(check.Id)} & {Escape(check.Criterion)} & {Escape(check.Scenario)} & {Escape(value)} & {(check.Holds ? "yes" : "no")} \\\\\n");
        }
        tex.Append("\\bottomrule\n\\end{tabular}\n");
        return tex.ToString();
    }

    /// <summary>Text with LaTeX's special characters escaped (criteria contain %, &lt;, ≥ and the like).</summary>
    public static string Escape(string text)
    {
        text = text.Replace("<=", "≤", StringComparison.Ordinal).Replace(">=", "≥", StringComparison.Ordinal);
        var sb = new StringBuilder(text.Length);
        foreach (char ch in text)
        {
            sb.Append(ch switch
            {
                '\\' => "\\textbackslash{}",
                '&' or '%' or '$' or '#' or '_' or '{' or '}' => "\\" + ch,
                '~' => "\\textasciitilde{}",
                '^' => "\\textasciicircum{}",
                '|' => "$|$",
                '<' => "$<$",
                '>' => "$>$",
                '≥' => "$\\geq$",
                '≤' => "$\\leq$",
                '−' => "$-$",
                '–' => "--",
                '×' => "$\\times$",
                _ => ch.ToString(),
            });
        }
        return sb.ToString();
    }
}
