using AgentSim.Output;
using ParquetSharp;

namespace AgentSim.Tests.Output;

public sealed class ParquetTableWriterTests : IDisposable
{
    /// <summary>The codec every column chunk is written with.</summary>
    internal const Compression Codec = Compression.Snappy;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AllKinds_SeveralRowGroups_ReadBackIdenticallyInParquetSharpAndDuckDb()
    {
        var path = _dir.File("all_kinds.parquet");
        int[] groupEnds = [4000, 7500, 10_000];
        var buffer = new TableBuffer(TestTables.AllKinds, initialCapacity: 16);
        var columns = new TestTables.Accessors(buffer);

        await using (var writer = await ParquetTableWriter.CreateAsync(path, TestTables.AllKinds))
        {
            var start = 0;
            foreach (var end in groupEnds)
            {
                TestTables.Fill(columns, start, end);
                await writer.WriteRowGroupAsync(buffer);
                Assert.Equal(0, buffer.RowCount);
                start = end;
            }
            Assert.Equal(10_000, writer.RowsWritten);
            Assert.Equal(3, writer.RowGroupCount);
            await writer.CompleteAsync();
        }

        var expected = TestTables.Expected(10_000);
        TestTables.AssertSameTable(expected, ParquetReadBack.ReadWithParquetSharp(path));
        TestTables.AssertSameTable(expected, ParquetReadBack.ReadWithDuckDb(path));
        Assert.Equal([4000L, 3500L, 2500L], ParquetReadBack.RowGroupSizes(path));
        Assert.Equal(10_000L, ParquetReadBack.QueryDuckDbScalar(path, "SELECT count(*) FROM {file}"));
        Assert.Equal(["all_kinds.parquet"], _dir.Entries());
    }

    [Fact]
    public async Task Columns_AreRequiredWithPlainTypes_StringsUtf8_Compressed()
    {
        var path = _dir.File("t.parquet");
        var buffer = new TableBuffer(TestTables.AllKinds);
        TestTables.Fill(new TestTables.Accessors(buffer), 0, 100);
        await ParquetTableWriter.WriteAsync(path, buffer);

        var columns = ParquetReadBack.Columns(path);
        Assert.Equal(["id", "big", "value", "flag", "name"], columns.Select(c => c.Name));
        Assert.All(columns, c => Assert.True(c.Required, $"{c.Name} should be a required field"));
        Assert.Equal(
            [PhysicalType.Int32, PhysicalType.Int64, PhysicalType.Double, PhysicalType.Boolean, PhysicalType.ByteArray],
            columns.Select(c => c.Physical));
        Assert.Equal(LogicalTypeEnum.String, columns[4].Logical);

        Assert.Equal("INTEGER,BIGINT,DOUBLE,BOOLEAN,VARCHAR", ParquetReadBack.QueryDuckDbScalar(path,
            "SELECT typeof(id) || ',' || typeof(big) || ',' || typeof(value) || ',' || typeof(flag) || ',' || typeof(name) FROM {file} LIMIT 1"));

        using var file = new ParquetFileReader(path);
        using var rowGroup = file.RowGroup(0);
        for (var c = 0; c < rowGroup.MetaData.NumColumns; c++)
        {
            using var chunk = rowGroup.MetaData.GetColumnChunkMetaData(c);
            Assert.Equal(Codec, chunk.Compression);
        }
        file.Close();
    }

    [Fact]
    public async Task ZeroRowTable_IsValidInBothReaders_WithAllColumns()
    {
        var path = _dir.File("empty.parquet");
        await using (var writer = await ParquetTableWriter.CreateAsync(path, TestTables.AllKinds))
        {
            await writer.WriteRowGroupAsync(new TableBuffer(TestTables.AllKinds));
            await writer.CompleteAsync();
        }

        var expected = TestTables.Expected(0);
        TestTables.AssertSameTable(expected, ParquetReadBack.ReadWithParquetSharp(path));
        TestTables.AssertSameTable(expected, ParquetReadBack.ReadWithDuckDb(path));
        Assert.Equal(0L, ParquetReadBack.QueryDuckDbScalar(path, "SELECT count(*) FROM {file}"));
    }

    [Fact]
    public async Task ZeroRowTable_ThroughConvenienceWrite_IsValid()
    {
        var path = _dir.File("empty.parquet");
        await ParquetTableWriter.WriteAsync(path, new TableBuffer(TestTables.AllKinds));
        TestTables.AssertSameTable(TestTables.Expected(0), ParquetReadBack.ReadWithDuckDb(path));
        TestTables.AssertSameTable(TestTables.Expected(0), ParquetReadBack.ReadWithParquetSharp(path));
    }

    [Fact]
    public async Task WhileWriting_OnlyAHiddenTempFileExists_FinalNameAppearsOnComplete()
    {
        var path = _dir.File("provinces.parquet");
        var buffer = new TableBuffer(TestTables.AllKinds);
        await using var writer = await ParquetTableWriter.CreateAsync(path, TestTables.AllKinds);
        TestTables.Fill(new TestTables.Accessors(buffer), 0, 500);
        await writer.WriteRowGroupAsync(buffer);

        Assert.False(File.Exists(path));
        Assert.True(File.Exists(writer.TempPath));
        Assert.Equal(_dir.Path, Path.GetDirectoryName(writer.TempPath));
        var tempName = Path.GetFileName(writer.TempPath);
        Assert.StartsWith(".provinces.parquet.", tempName);
        Assert.EndsWith(".tmp", tempName);
        Assert.NotEqual("provinces.parquet", tempName);

        await writer.CompleteAsync();
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(writer.TempPath));
        Assert.Equal(["provinces.parquet"], _dir.Entries());
    }

    [Fact]
    public async Task DisposedWithoutComplete_LeavesNoFinalFileAndNoTempFile()
    {
        var path = _dir.File("provinces.parquet");
        var buffer = new TableBuffer(TestTables.AllKinds);
        string tempPath;
        await using (var writer = await ParquetTableWriter.CreateAsync(path, TestTables.AllKinds))
        {
            tempPath = writer.TempPath;
            TestTables.Fill(new TestTables.Accessors(buffer), 0, 1000);
            await writer.WriteRowGroupAsync(buffer);
        }

        Assert.False(File.Exists(path));
        Assert.False(File.Exists(tempPath));
        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task FailedRowGroup_AbandonsFile_AndLeavesNothingAfterDispose()
    {
        var path = _dir.File("bad.parquet");
        var buffer = new TableBuffer(TestTables.AllKinds);
        await using (var writer = await ParquetTableWriter.CreateAsync(path, TestTables.AllKinds))
        {
            var columns = new TestTables.Accessors(buffer);
            TestTables.Fill(columns, 0, 10);
            columns.Id.Add(10);
            columns.Big.Add(10);
            columns.Value.Add(10);
            columns.Flag.Add(true);
            columns.Name.Add(null!);

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteRowGroupAsync(buffer));
            Assert.Contains("'name'", error.Message);
            await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync());
        }

        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task Complete_ReplacesAnExistingFile()
    {
        var path = _dir.File("t.parquet");
        await File.WriteAllTextAsync(path, "stale");
        var buffer = new TableBuffer(TestTables.AllKinds);
        TestTables.Fill(new TestTables.Accessors(buffer), 0, 3);
        await ParquetTableWriter.WriteAsync(path, buffer);

        TestTables.AssertSameTable(TestTables.Expected(3), ParquetReadBack.ReadWithParquetSharp(path));
        Assert.Equal(["t.parquet"], _dir.Entries());
    }

    [Fact]
    public async Task Create_MakesMissingDirectories()
    {
        var path = Path.Combine(_dir.Path, "run", "tables", "t.parquet");
        await ParquetTableWriter.WriteAsync(path, new TableBuffer(TestTables.AllKinds));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task BufferOfAnotherLayout_IsRejected()
    {
        var other = new TableSchema("other", [new ColumnSpec("id", ColumnKind.Int64, "", "")]);
        await using var writer = await ParquetTableWriter.CreateAsync(_dir.File("t.parquet"), TestTables.AllKinds);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteRowGroupAsync(new TableBuffer(other)));
    }

    [Fact]
    public async Task RaggedBuffer_IsRejectedBeforeWriting()
    {
        var buffer = new TableBuffer(TestTables.AllKinds);
        TestTables.Fill(new TestTables.Accessors(buffer), 0, 5);
        buffer.Doubles("value").Add(1.0);
        await using var writer = await ParquetTableWriter.CreateAsync(_dir.File("t.parquet"), TestTables.AllKinds);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteRowGroupAsync(buffer));
        Assert.Contains("'value'", error.Message);
    }

    [Fact]
    public async Task WriteAfterComplete_Throws()
    {
        await using var writer = await ParquetTableWriter.CreateAsync(_dir.File("t.parquet"), TestTables.AllKinds);
        await writer.CompleteAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteRowGroupAsync(new TableBuffer(TestTables.AllKinds)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync());
    }
}
