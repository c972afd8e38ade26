using AgentSim.Model;
using AgentSim.Model.State;

namespace AgentSim.Output.Tables;

/// <summary>
/// <c>officials.parquet</c>: one row per official per year end (the simulation's <see cref="OfficialRecord"/>s): the
/// score each official was judged on, tenure events (promotion, retirement) and the levers chosen for the coming year.
/// </summary>
public sealed class OfficialsTable
{
    private readonly ColumnBuffer<int> _step;
    private readonly ColumnBuffer<string> _province;
    private readonly ColumnBuffer<int> _officialId;
    private readonly ColumnBuffer<string> _rule;
    private readonly ColumnBuffer<int> _quarters;
    private readonly ColumnBuffer<double> _score;
    private readonly ColumnBuffer<double> _gdpGrowth;
    private readonly ColumnBuffer<double> _incomeGrowth;
    private readonly ColumnBuffer<string> _event;
    private readonly ColumnBuffer<double> _probability;
    private readonly ColumnBuffer<double>[] _levers;

    public OfficialsTable(Simulation simulation)
    {
        Sim = simulation;
        var names = simulation.Industry.Names;
        Buffer = new TableBuffer(Schema(names), initialCapacity: 0);
        _step = Buffer.Ints("step");
        _province = Buffer.Strings("province");
        _officialId = Buffer.Ints("official_id");
        _rule = Buffer.Strings("incentive_rule");
        _quarters = Buffer.Ints("quarters_in_office");
        _score = Buffer.Doubles("score");
        _gdpGrowth = Buffer.Doubles("gdp_growth");
        _incomeGrowth = Buffer.Doubles("income_growth");
        _event = Buffer.Strings("event");
        _probability = Buffer.Doubles("promotion_probability");
        _levers = new ColumnBuffer<double>[names.Length + LeverLayout.FixedLevers];
        for (var l = 0; l < _levers.Length; l++)
        {
            _levers[l] = Buffer.Doubles(TableNames.LeverColumn(l, names));
        }
    }

    /// <summary>The simulation rows are read from.</summary>
    public Simulation Sim { get; }

    /// <summary>Rows appended since the buffer was last handed to a writer.</summary>
    public TableBuffer Buffer { get; }

    /// <summary>The table layout for a run with these industries.</summary>
    public static TableSchema Schema(IReadOnlyList<string> industryNames)
    {
        var columns = new List<ColumnSpec>
        {
            new("step", ColumnKind.Int32, Units.Step, "Year-end quarter of the evaluation."),
            new("province", ColumnKind.String, Units.None, "Province the official governs."),
            new("official_id", ColumnKind.Int32, Units.None, "Identifier of the official evaluated (a successor gets a new one)."),
            new("incentive_rule", ColumnKind.String, Units.None, "Rule the official was scored under (gdp, household_income or mixed)."),
            new("quarters_in_office", ColumnKind.Int32, Units.Quarters, "Quarters the official had served at the evaluation."),
            new("score", ColumnKind.Double, "score", "Score under the official's rule, relative to the peer mean, over the evaluation window."),
            new("gdp_growth", ColumnKind.Double, "log change over the evaluation window", "Growth of the province's real GDP (as scored) over the window against the window before."),
            new("income_growth", ColumnKind.Double, "log change over the evaluation window", "Growth of real per-capita household income over the window against the window before."),
            new("event", ColumnKind.String, Units.None, "Tenure event at this evaluation: none, promoted or retired (the latter two end the tenure)."),
            new("promotion_probability", ColumnKind.Double, Units.Fraction, "Probability of promotion at the end of tenure (NaN when the tenure did not end)."),
        };
        var levers = industryNames.Count + LeverLayout.FixedLevers;
        for (var l = 0; l < levers; l++)
        {
            columns.Add(new ColumnSpec(TableNames.LeverColumn(l, industryNames), ColumnKind.Double, TableNames.LeverUnit(l, industryNames),
                "Lever value the official set for the coming year, after imitation and any experiment (see the provinces table)."));
        }
        return new TableSchema(TableNames.Officials, columns);
    }

    /// <summary>Appends the records produced by the quarter the simulation has just run (none except at year ends).</summary>
    public void Append()
    {
        var records = Sim.OfficialRecords;
        var names = Sim.Provinces.Names;
        for (var r = 0; r < records.Count; r++)
        {
            var record = records[r];
            _step.Add(record.Step);
            _province.Add(names[record.Province]);
            _officialId.Add(record.OfficialId);
            _rule.Add(TableNames.Rule(record.Rule));
            _quarters.Add(record.QuartersInOffice);
            _score.Add(record.Score);
            _gdpGrowth.Add(record.GdpGrowth);
            _incomeGrowth.Add(record.IncomeGrowth);
            _event.Add(record.Event);
            _probability.Add(record.PromotionProbability);
            for (var l = 0; l < _levers.Length; l++)
            {
                _levers[l].Add(record.Levers[l]);
            }
        }
    }
}
