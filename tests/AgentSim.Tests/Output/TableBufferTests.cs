using AgentSim.Output;

namespace AgentSim.Tests.Output;

public sealed class TableBufferTests
{
    [Fact]
    public void MismatchedColumnLengths_AreRejected_NamingTheColumn()
    {
        var buffer = new TableBuffer(TestTables.AllKinds);
        var columns = new TestTables.Accessors(buffer);
        TestTables.Fill(columns, 0, 3);
        columns.Flag.Add(true);

        var error = Assert.Throws<InvalidOperationException>(() => buffer.RowCount);
        Assert.Contains("'flag'", error.Message);
        Assert.Throws<InvalidOperationException>(() => buffer.ValidateLengths());

        buffer.Clear();
        Assert.Equal(0, buffer.RowCount);
    }

    [Fact]
    public void Accessors_ByNameAndIndex_AreTheSameObject_AndCheckKind()
    {
        var buffer = new TableBuffer(TestTables.AllKinds);
        Assert.Same(buffer.Ints("id"), buffer.Ints(0));
        Assert.Same(buffer.Longs("big"), buffer.Longs(1));
        Assert.Same(buffer.Doubles("value"), buffer.Doubles(2));
        Assert.Same(buffer.Bools("flag"), buffer.Bools(3));
        Assert.Same(buffer.Strings("name"), buffer.Strings(4));

        var wrongKind = Assert.Throws<InvalidOperationException>(() => buffer.Doubles("id"));
        Assert.Contains("'id'", wrongKind.Message);
        Assert.Throws<ArgumentException>(() => buffer.Ints("missing"));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Ints(5));
    }

    [Fact]
    public void Growth_KeepsValues_AndClearKeepsCapacity()
    {
        var buffer = new TableBuffer(TestTables.AllKinds, initialCapacity: 0);
        var columns = new TestTables.Accessors(buffer);
        TestTables.Fill(columns, 0, 5000);

        Assert.Equal(5000, buffer.RowCount);
        for (var row = 0; row < 5000; row++)
        {
            Assert.Equal(TestTables.Long(row), columns.Big[row]);
            Assert.Equal(TestTables.String(row), columns.Name[row]);
        }
        Assert.Equal(TestTables.Double(4999), columns.Value.AsSpan()[4999]);

        var capacity = columns.Value.Capacity;
        buffer.Clear();
        Assert.Equal(0, buffer.RowCount);
        Assert.Equal(capacity, columns.Value.Capacity);
        Assert.Throws<ArgumentOutOfRangeException>(() => columns.Value[0]);
    }

    [Fact]
    public void RefillingAfterClear_AllocatesNothing()
    {
        var buffer = new TableBuffer(TestTables.AllKinds, initialCapacity: 0);
        var ids = buffer.Ints("id");
        var values = buffer.Doubles("value");
        var names = buffer.Strings("name");
        const string label = "Nei Mongol";
        Fill();
        buffer.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Fill();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        void Fill()
        {
            for (var i = 0; i < 10_000; i++)
            {
                ids.Add(i);
                values.Add(i * 0.5);
                names.Add(label);
            }
        }
    }

    [Fact]
    public void Schema_RejectsDuplicateAndEmptyNames()
    {
        Assert.Throws<ArgumentException>(() => new TableSchema("t",
            [new ColumnSpec("a", ColumnKind.Int32, "", ""), new ColumnSpec("a", ColumnKind.Double, "", "")]));
        Assert.Throws<ArgumentException>(() => new TableSchema("t", [new ColumnSpec(" ", ColumnKind.Int32, "", "")]));
        Assert.Throws<ArgumentException>(() => new TableSchema("t", []));
    }

    [Fact]
    public void Schema_ToMarkdown_ListsEveryColumnWithTypeUnitAndMeaning()
    {
        var schema = new TableSchema("provinces",
        [
            new ColumnSpec("step", ColumnKind.Int32, "quarters", "Simulation step"),
            new ColumnSpec("gdp", ColumnKind.Double, "CNY bn", "Output | value added"),
            new ColumnSpec("name", ColumnKind.String, "", "Province name"),
        ]);

        var expected =
            "| column | type | unit | meaning |\n" +
            "|---|---|---|---|\n" +
            "| `step` | int32 | quarters | Simulation step |\n" +
            "| `gdp` | double | CNY bn | Output \\| value added |\n" +
            "| `name` | string |  | Province name |\n";
        Assert.Equal(expected, schema.ToMarkdown());
    }
}
