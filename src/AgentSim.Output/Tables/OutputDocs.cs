using System.Text;

namespace AgentSim.Output.Tables;

/// <summary>
/// Generates docs/outputs.md from the table schemas the writer uses, so the documentation cannot disagree with the
/// files. A test compares the committed file with <see cref="Markdown"/>.
/// </summary>
public static class OutputDocs
{
    /// <summary>Stand-in industry name for the per-industry lever columns in the documentation.</summary>
    public const string IndustryPlaceholder = "{industry}";

    private static readonly Dictionary<string, string> Introductions = new()
    {
        [TableNames.Provinces] =
            "One row per (step, province). The province's GDP both ways, households, local government budget, firms " +
            "and the official's levers. Per step and province, `gdp_expenditure = gdp_value_added`, " +
            "`household_income = wages + transfers + household_dividends`, " +
            "`(firm_cash - firm_debt) - firm_net_position_start = firm_net_lending + firm_equity_injections` and " +
            "`local_debt - local_debt_start = local_spending - local_revenue` (to a relative error of 1e-9). " +
            "There is one `lever_capex_subsidy_{industry}` column per configured industry, in config order.",
        [TableNames.Industries] =
            "One row per (step, industry). The national market of each modelled industry: capacity, output, demand, " +
            "prices, profits and the firm population. Quantities are in price-normalised units: one unit sold for " +
            "about CNY 1 bn at the start.",
        [TableNames.Nation] =
            "One row per step. National totals, price indices, the central government and the net lending of every " +
            "sector. The seven `net_lending_*` columns sum to zero, and " +
            "`central_debt - central_debt_start = central_spending - central_revenue`.",
        [TableNames.Officials] =
            "One row per province at every year end (steps 3, 7, 11, ... once enough history exists to score). The " +
            "official's score under its rule, the growth it was judged on, promotions and retirements, and the " +
            "levers chosen for the coming year.",
        [TableNames.Firms] =
            "Written only when `output.firms_every` > 0: a snapshot of firm state every `firms_every` quarters " +
            "(steps where step % firms_every = firms_every - 1) and at the last step. With `output.firms_sample` > 0 " +
            "each snapshot is a deterministic sample of at most that many firms, chosen by a hash of (seed, firm_id), " +
            "so the same slots are followed across snapshots. `province` and `industry` are dictionary-encoded string " +
            "columns (each name stored once per row group): every reader returns plain strings, and pandas gives " +
            "categoricals with `pd.read_parquet(path, read_dictionary=[\"province\", \"industry\"])` (pyarrow engine). " +
            "A full snapshot takes about 79 bytes per firm on disk. With `output.firms_columns` set (e.g. " +
            "`[capacity, output, price]`) only those columns are written, after `step` and `firm_id`, in the order " +
            "below; a snapshot's cost in time and disk is about proportional to its columns, so a full snapshot of a " +
            "large run with the columns an analysis needs costs a fraction of one with all of them.",
    };

    /// <summary>The full text of docs/outputs.md.</summary>
    public static string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append("# Outputs\n\n");
        sb.Append("<!-- Generated from the table schemas in src/AgentSim.Output/Tables; do not edit by hand. -->\n");
        sb.Append("<!-- Regenerate: AGENTSIM_UPDATE_DOCS=1 dotnet test tests/AgentSim.Tests --filter OutputsDoc -->\n\n");
        sb.Append("A run writes one folder (`runs/<config name>` by default) holding a Parquet file per table and ");
        sb.Append("`manifest.json`. Steps are quarters numbered from 0 after the burn-in, which is not recorded. ");
        sb.Append("Money is in CNY bn: flows per quarter, stocks at the end of the quarter unless the unit says otherwise. ");
        sb.Append("Column names are snake_case; strings are UTF-8, and no column holds nulls.\n\n");
        sb.Append("A table file appears under its final name only once it is complete (it is written under a hidden ");
        sb.Append("temporary name and renamed). `manifest.json` is written with `\"status\": \"incomplete\"` when the run ");
        sb.Append("starts and rewritten with `\"status\": \"complete\"` at the end, with the resolved config, seed, ");
        sb.Append("threads, git commit, version, timings in seconds (`init`, `burn_in`, `steps`, `write`, `total`), ");
        sb.Append("the files written and their row counts. `error` is null unless the run stopped on a broken invariant ");
        sb.Append("(its tables then hold the quarters before it), and `resumed_from_step` is null unless the run was ");
        sb.Append("continued from a checkpoint. A run with `--checkpoint-every K` also keeps `checkpoint/` (checkpoints ");
        sb.Append("and table parts) until it completes. See docs/reliability.md.\n");
        foreach (var schema in RunTables.Schemas([IndustryPlaceholder]))
        {
            sb.Append("\n## ").Append(TableNames.FileName(schema.TableName)).Append("\n\n");
            sb.Append(Introductions[schema.TableName]).Append("\n\n");
            sb.Append(schema.ToMarkdown());
        }
        return sb.ToString();
    }
}
