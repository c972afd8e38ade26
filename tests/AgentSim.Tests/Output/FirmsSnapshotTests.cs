using AgentSim.Model;
using AgentSim.Output;
using AgentSim.Output.Tables;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Output;

/// <summary>
/// A full firm snapshot is captured run by run (and a large one in two halves at once): it must hold exactly the rows
/// appending alive firm by alive firm would give, whether taken in one call or in several capped ones, and be written
/// with the province and industry names.
/// </summary>
public sealed class FirmsSnapshotTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task FullSnapshot_InOneCallOrInCappedCalls_HoldsEveryAliveFirm_AsRowByRow()
    {
        // 70,000 firms: more rows than the two-thread capture threshold; a few quarters make exits (dead slots between runs).
        var config = RunFixtures.SmallConfig(firms: 70_000, steps: 12, burnIn: 2);
        using var sim = new Simulation(config, RunFixtures.Provinces, 2);
        sim.RunBurnIn();
        for (var q = 0; q < 6; q++)
        {
            sim.Advance();
        }
        var f = sim.Firms;
        var alive = Enumerable.Range(0, f.Count).Where(i => f.Alive[i] != 0).ToArray();
        Assert.True(alive.Length > 1 << 16, "enough firms for the two-thread capture");
        Assert.True(alive.Length < f.Count, "some dead slots, so the alive firms come in several runs");

        var whole = new FirmsTable(sim);
        whole.BeginSnapshot();
        Assert.Equal(f.Count, whole.AppendFrom(0, int.MaxValue));
        AssertRows(sim, alive, whole.Buffer);

        var capped = new FirmsTable(sim);
        capped.BeginSnapshot();
        var pieces = new List<int>();
        var parts = new TableBuffer(capped.Buffer.Schema, initialCapacity: 0);
        for (var slot = 0; slot < f.Count;)
        {
            slot = capped.AppendFrom(slot, 9_999);
            pieces.Add(capped.Buffer.RowCount);
            Append(parts, capped.Buffer);
            capped.Buffer.Clear();
        }
        Assert.All(pieces.SkipLast(1), rows => Assert.Equal(9_999, rows));
        AssertRows(sim, alive, parts);

        var path = _dir.File("firms.parquet");
        await ParquetTableWriter.WriteAsync(path, whole.Buffer);
        var back = ParquetReadBack.ReadWithParquetSharp(path);
        Assert.Equal(alive.Select(i => (object?)sim.Provinces.Names[f.Province[i]]), back["province"]);
        Assert.Equal(alive.Select(i => (object?)sim.Industry.Names[f.Industry[i]]), back["industry"]);
        Assert.Equal(alive.Select(i => (object?)i), back["firm_id"]);
    }

    [Fact]
    public void ConfigColumnNames_AreTheTablesColumns_InTheFilesOrder()
    {
        Assert.Equal(AgentSim.Config.OutputConfig.FirmColumnNames, FirmsTable.ColumnNames);
        Assert.Equal(FirmsTable.ColumnNames, FirmsTable.Schema.Columns.Select(c => c.Name));
    }

    [Theory]
    [InlineData(0)]      // every alive firm, copied by runs
    [InlineData(700)]    // a sample, copied firm by firm
    public async Task ChosenColumns_AreWrittenAlone_InTheFilesOrder_WithTheFullSnapshotsValues(int sample)
    {
        var config = RunFixtures.SmallConfig(firms: 3_000, steps: 8, burnIn: 2);
        config.Output.FirmsSample = sample;
        using var sim = new Simulation(config, RunFixtures.Provinces, 2);
        sim.RunBurnIn();
        for (var q = 0; q < 4; q++)
        {
            sim.Advance();
        }
        var full = new FirmsTable(sim);
        full.BeginSnapshot();
        full.AppendFrom(0, int.MaxValue);

        config.Output.FirmsColumns = ["cash", "industry", "zombie", "price"];   // any order; step and firm_id always
        var chosen = new FirmsTable(sim);
        chosen.BeginSnapshot();
        Assert.Equal(sim.Firms.Count, chosen.AppendFrom(0, int.MaxValue));

        string[] expected = ["step", "firm_id", "industry", "price", "cash", "zombie"];
        Assert.Equal(expected, chosen.Buffer.Schema.Columns.Select(c => c.Name));
        Assert.True(chosen.Buffer.RowCount > (sample > 0 ? sample / 2 : 2_000), "the snapshot has rows");
        Assert.Equal(full.Buffer.RowCount, chosen.Buffer.RowCount);
        Assert.Equal(full.Buffer.Ints("step").AsSpan().ToArray(), chosen.Buffer.Ints("step").AsSpan().ToArray());
        Assert.Equal(full.Buffer.Ints("firm_id").AsSpan().ToArray(), chosen.Buffer.Ints("firm_id").AsSpan().ToArray());
        Assert.Equal(full.Buffer.Categories("industry").AsSpan().ToArray(), chosen.Buffer.Categories("industry").AsSpan().ToArray());
        Assert.Equal(full.Buffer.Doubles("price").AsSpan().ToArray(), chosen.Buffer.Doubles("price").AsSpan().ToArray());
        Assert.Equal(full.Buffer.Doubles("cash").AsSpan().ToArray(), chosen.Buffer.Doubles("cash").AsSpan().ToArray());
        Assert.Equal(full.Buffer.Bools("zombie").AsSpan().ToArray(), chosen.Buffer.Bools("zombie").AsSpan().ToArray());

        var path = _dir.File($"chosen-{sample}.parquet");
        await ParquetTableWriter.WriteAsync(path, chosen.Buffer);
        var back = ParquetReadBack.ReadWithParquetSharp(path);
        Assert.Equal(expected.Order(), back.Keys.Order());
        Assert.Equal(full.Buffer.Categories("industry").AsSpan().ToArray().Select(s => (object?)sim.Industry.Names[s]), back["industry"]);
    }

    private static void AssertRows(Simulation sim, int[] alive, TableBuffer buffer)
    {
        var f = sim.Firms;
        var zombie = sim.Config.EntryExit.ZombieQuarters;
        Assert.Equal(alive.Length, buffer.RowCount);
        Assert.All(buffer.Ints("step").AsSpan().ToArray(), s => Assert.Equal(sim.Step - 1, s));
        Assert.Equal(alive, buffer.Ints("firm_id").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.Province[i]), buffer.Categories("province").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => (int)f.Industry[i]), buffer.Categories("industry").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.StateOwned[i] != 0), buffer.Bools("state_owned").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => (int)f.Age[i]), buffer.Ints("age").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.Capacity[i]), buffer.Doubles("capacity").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.Output[i]), buffer.Doubles("output").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.Sales[i]), buffer.Doubles("sales").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.Inventory[i]), buffer.Doubles("inventory").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.Price[i]), buffer.Doubles("price").AsSpan().ToArray());
        Assert.Equal(alive.Select(sim.UnitCost), buffer.Doubles("unit_cost").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.Markup[i]), buffer.Doubles("markup").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.Cash[i]), buffer.Doubles("cash").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.Debt[i]), buffer.Doubles("debt").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.Profit[i]), buffer.Doubles("profit").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => (int)f.Bailouts[i]), buffer.Ints("bailouts").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => (int)f.NegativeEquityQuarters[i]), buffer.Ints("negative_equity_quarters").AsSpan().ToArray());
        Assert.Equal(alive.Select(i => f.NegativeEquityQuarters[i] >= zombie), buffer.Bools("zombie").AsSpan().ToArray());
    }

    private static void Append(TableBuffer to, TableBuffer from)
    {
        for (var c = 0; c < from.Columns.Count; c++)
        {
            switch (from.Columns[c])
            {
                case ColumnBuffer<int> ints:
                    foreach (var v in ints.AsSpan())
                    {
                        ((ColumnBuffer<int>)to.Columns[c]).Add(v);
                    }
                    break;
                case ColumnBuffer<double> doubles:
                    foreach (var v in doubles.AsSpan())
                    {
                        ((ColumnBuffer<double>)to.Columns[c]).Add(v);
                    }
                    break;
                case ColumnBuffer<bool> bools:
                    foreach (var v in bools.AsSpan())
                    {
                        ((ColumnBuffer<bool>)to.Columns[c]).Add(v);
                    }
                    break;
            }
        }
    }
}
