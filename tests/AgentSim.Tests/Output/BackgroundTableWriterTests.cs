using AgentSim.Output;

namespace AgentSim.Tests.Output;

public sealed class BackgroundTableWriterTests : IDisposable
{
    private static readonly int[] GroupEnds = [1000, 1001, 4000, 4000, 7000, 10_000];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public async Task ProducesTheSameFileContentsAsTheDirectWriter(int spareBuffers, bool submitAsync)
    {
        var directPath = _dir.File("direct.parquet");
        var backgroundPath = _dir.File("background.parquet");

        var directBuffer = new TableBuffer(TestTables.AllKinds);
        var directColumns = new TestTables.Accessors(directBuffer);
        await using (var direct = await ParquetTableWriter.CreateAsync(directPath, TestTables.AllKinds))
        {
            var start = 0;
            foreach (var end in GroupEnds)
            {
                TestTables.Fill(directColumns, start, end);
                await direct.WriteRowGroupAsync(directBuffer);
                start = end;
            }
            await direct.CompleteAsync();
        }

        // Accessors are resolved once and reused across submissions: the swap must keep them valid.
        var buffer = new TableBuffer(TestTables.AllKinds, initialCapacity: 8);
        var columns = new TestTables.Accessors(buffer);
        await using (var background = await BackgroundTableWriter.CreateAsync(backgroundPath, TestTables.AllKinds, spareBuffers, initialCapacity: 8))
        {
            var start = 0;
            foreach (var end in GroupEnds)
            {
                TestTables.Fill(columns, start, end);
                if (submitAsync)
                {
                    await background.SubmitAsync(buffer);
                }
                else
                {
                    background.Submit(buffer);
                }
                Assert.Equal(0, buffer.RowCount);
                start = end;
            }
            Assert.False(File.Exists(backgroundPath));
            Assert.Equal(10_000, background.RowsSubmitted);
            await background.CompleteAsync();
        }

        var expected = ParquetReadBack.ReadWithParquetSharp(directPath);
        TestTables.AssertSameTable(TestTables.Expected(10_000), expected);
        TestTables.AssertSameTable(expected, ParquetReadBack.ReadWithParquetSharp(backgroundPath));
        TestTables.AssertSameTable(expected, ParquetReadBack.ReadWithDuckDb(backgroundPath));
        Assert.Equal(ParquetReadBack.RowGroupSizes(directPath), ParquetReadBack.RowGroupSizes(backgroundPath));
        Assert.Equal(["background.parquet", "direct.parquet"], _dir.Entries());
    }

    [Fact]
    public async Task NothingSubmitted_CompletesToAValidEmptyFile()
    {
        var path = _dir.File("empty.parquet");
        await using (var background = await BackgroundTableWriter.CreateAsync(path, TestTables.AllKinds))
        {
            background.Submit(new TableBuffer(TestTables.AllKinds));
            await background.CompleteAsync();
        }

        TestTables.AssertSameTable(TestTables.Expected(0), ParquetReadBack.ReadWithDuckDb(path));
        TestTables.AssertSameTable(TestTables.Expected(0), ParquetReadBack.ReadWithParquetSharp(path));
    }

    [Fact]
    public async Task WriterFailure_SurfacesOnComplete_AndLeavesNoFile()
    {
        var path = _dir.File("bad.parquet");
        await using (var background = await BackgroundTableWriter.CreateAsync(path, TestTables.AllKinds))
        {
            background.Submit(BufferWithNullString());
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => background.CompleteAsync());
            Assert.Contains("null string", error.Message);
        }

        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task WriterFailure_SurfacesOnALaterSubmit()
    {
        var path = _dir.File("bad.parquet");
        await using (var background = await BackgroundTableWriter.CreateAsync(path, TestTables.AllKinds, spareBuffers: 1))
        {
            background.Submit(BufferWithNullString());

            // With one spare in flight, the next submit either sees the recorded failure or waits for the spare and is woken by it.
            var good = new TableBuffer(TestTables.AllKinds);
            TestTables.Fill(new TestTables.Accessors(good), 0, 10);
            var error = Assert.Throws<InvalidOperationException>(() => background.Submit(good));
            Assert.Contains("null string", error.Message);
        }

        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task DisposedWithoutComplete_LeavesNoFile()
    {
        var path = _dir.File("t.parquet");
        var buffer = new TableBuffer(TestTables.AllKinds);
        await using (var background = await BackgroundTableWriter.CreateAsync(path, TestTables.AllKinds))
        {
            TestTables.Fill(new TestTables.Accessors(buffer), 0, 2000);
            await background.SubmitAsync(buffer);
        }

        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task SubmitAfterComplete_Throws()
    {
        await using var background = await BackgroundTableWriter.CreateAsync(_dir.File("t.parquet"), TestTables.AllKinds);
        await background.CompleteAsync();
        Assert.Throws<InvalidOperationException>(() => background.Submit(new TableBuffer(TestTables.AllKinds)));
    }

    private static TableBuffer BufferWithNullString()
    {
        var buffer = new TableBuffer(TestTables.AllKinds);
        var columns = new TestTables.Accessors(buffer);
        TestTables.Fill(columns, 0, 10);
        columns.Id.Add(10);
        columns.Big.Add(10);
        columns.Value.Add(10);
        columns.Flag.Add(false);
        columns.Name.Add(null!);
        return buffer;
    }
}
