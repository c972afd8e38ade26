using System.Globalization;

namespace AgentSim.Model.State;

/// <summary>One row of the provinces data file.</summary>
public sealed record ProvinceRow(string Name, double PopulationMillion, double GdpCnyTrillion, double IncomePerCapitaCny, bool IncomeEstimated);

/// <summary>Reads configs/data/provinces.csv. Errors name the file, line and column.</summary>
public static class ProvinceData
{
    public static IReadOnlyList<ProvinceRow> Load(string path)
    {
        string text;
        try
        {
            text = AgentSim.Config.UserFile.ReadUtf8(path, AgentSim.Config.UserFile.MaxDataBytes);
        }
        catch (AgentSim.Config.UserFileException ex)
        {
            throw new InputException(ex.Message == "not found"
                ? $"{path}: provinces data file not found (set provinces.data_file in the config)"
                : $"{path}: provinces data file {ex.Message}");
        }
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        int header = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l) && !l.TrimStart().StartsWith('#'));
        if (header < 0)
            throw new InputException($"{path}: provinces data file is empty");
        var columns = lines[header].Split(',').Select(c => c.Trim()).ToArray();
        int Col(string name)
        {
            int i = Array.IndexOf(columns, name);
            // The columns found are not echoed: a wrong path may name a file whose first line is a secret.
            if (i < 0) throw new InputException($"{path}:{header + 1}: missing column '{name}' (the header needs province, population_million, gdp_cny_trillion, disposable_income_per_capita_cny); is this the provinces data file?");
            return i;
        }
        int cName = Col("province"), cPop = Col("population_million"), cGdp = Col("gdp_cny_trillion"),
            cIncome = Col("disposable_income_per_capita_cny");
        int cEstimated = Array.IndexOf(columns, "income_estimated");
        var rows = new List<ProvinceRow>();
        for (int li = header + 1; li < lines.Length; li++)
        {
            string line = lines[li];
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            var f = line.Split(',');
            if (f.Length < columns.Length)
                throw new InputException($"{path}:{li + 1}: expected {columns.Length} fields, got {f.Length}");
            double Num(int c, string what, bool allowEmpty = false)
            {
                string s = f[c].Trim();
                if (allowEmpty && s.Length == 0) return double.NaN;
                if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v <= 0)
                    throw new InputException($"{path}:{li + 1}: column '{what}': expected a positive number, got '{s}'");
                return v;
            }
            if (f[cName].Trim().Length == 0)
                throw new InputException($"{path}:{li + 1}: column 'province': the province name is empty");
            bool estimated = cEstimated >= 0 && f[cEstimated].Trim() is "1" or "true" or "yes";
            rows.Add(new ProvinceRow(f[cName].Trim(), Num(cPop, "population_million"), Num(cGdp, "gdp_cny_trillion"),
                Num(cIncome, "disposable_income_per_capita_cny", allowEmpty: true), estimated));
        }
        if (rows.Count == 0)
            throw new InputException($"{path}: no provinces in the data file");
        var duplicate = rows.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InputException($"{path}: province '{duplicate.Key}' appears more than once");
        return FillMissingIncome(rows);
    }

    /// <summary>
    /// Missing incomes are estimated from a log-log least-squares fit of income per capita on GDP per
    /// capita over the provinces that have one (documented in docs/calibration.md).
    /// </summary>
    public static IReadOnlyList<ProvinceRow> FillMissingIncome(IReadOnlyList<ProvinceRow> rows)
    {
        var known = rows.Where(r => double.IsFinite(r.IncomePerCapitaCny)).ToList();
        if (known.Count == rows.Count) return rows;
        if (known.Count < 2)
            throw new InputException("provinces data: at least two provinces need a disposable income to estimate the missing ones");
        var x = known.Select(r => Math.Log(r.GdpCnyTrillion * 1e12 / (r.PopulationMillion * 1e6))).ToArray();
        var y = known.Select(r => Math.Log(r.IncomePerCapitaCny)).ToArray();
        var (intercept, slope) = MathNet.Numerics.Fit.Line(x, y);
        return rows.Select(r => double.IsFinite(r.IncomePerCapitaCny) ? r
            : r with
            {
                IncomePerCapitaCny = Math.Round(Math.Exp(intercept + slope * Math.Log(r.GdpCnyTrillion * 1e12 / (r.PopulationMillion * 1e6)))),
                IncomeEstimated = true,
            }).ToList();
    }
}

/// <summary>A user-input problem (bad data file, unknown name): reported without a stack trace, exit code 2.</summary>
public sealed class InputException(string message) : Exception(message);
